#pragma once

// the reading end of a slot, which the collector reads with too, and the
// errors of both ends. on windows a slot is a real mailslot; on posix a unix
// datagram socket at RUNTIME/<name in lower case> (slot_name.h)

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <slotlog/export.h>
#include <slotlog/slot_name.h>

namespace slotlog {

class SLOTLOG_API mailslot_error : public std::runtime_error {
public:
    mailslot_error(const std::string& what, int code = 0) : std::runtime_error(what), code_(code) {}
    int code() const noexcept { return code_; }  // errno or GetLastError(), 0 if none
private:
    int code_;
};

// get() found no message (non-blocking, or the timeout passed)
class SLOTLOG_API mailslot_empty : public mailslot_error {
public:
    mailslot_empty() : mailslot_error("no message in the mailslot") {}
};

#ifdef _WIN32
using native_handle_type = void*;       // HANDLE
#else
using native_handle_type = int;         // file descriptor
#endif

class SLOTLOG_API mailslot_reader {
public:
    static constexpr std::chrono::milliseconds forever{-1};

    // creates the slot. posix: a stale socket left by a crashed reader is
    // replaced; a live reader already on the slot throws mailslot_error.
    // max_message_size 0 means any size; a longer message is dropped whole
    // and reported once by get/try_get with a mailslot_error (on windows the
    // writer usually fails instead). a broadcast name (\\*\mailslot\x) reads
    // the local slot x, where broadcasts arrive; a remote one is refused
    // (std::invalid_argument). read from one thread at a time
    explicit mailslot_reader(std::string_view name, std::size_t max_message_size = 0);
    ~mailslot_reader();
    mailslot_reader(const mailslot_reader&) = delete;
    mailslot_reader& operator=(const mailslot_reader&) = delete;

    // the next message. block=false or a timeout: throws mailslot_empty when
    // none arrives in time
    std::string get(bool block = true, std::chrono::milliseconds timeout = forever);
    // non-blocking: false if no message is waiting
    bool try_get(std::string& message);

    const slot_name& slot() const noexcept { return slot_; }
    native_handle_type native_handle() const noexcept { return handle_; }

    // iteration blocks for each message, like winsys: for (auto& m : reader)
    class iterator {
    public:
        using value_type = std::string;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        explicit iterator(mailslot_reader* r) : reader_(r) { ++*this; }
        const std::string& operator*() const { return current_; }
        iterator& operator++() { current_ = reader_->get(); return *this; }
        void operator++(int) { ++*this; }
        bool operator==(const iterator& o) const { return reader_ == o.reader_; }
    private:
        mailslot_reader* reader_ = nullptr;
        std::string current_;
    };
    iterator begin() { return iterator(this); }
    iterator end() { return iterator(); }

private:
    slot_name slot_;
    std::size_t max_message_size_;
    native_handle_type handle_;
    std::filesystem::path path_;         // posix: the socket file, removed on close
    std::uint64_t file_dev_ = 0;         // posix: identity of our socket file, so
    std::uint64_t file_ino_ = 0;         // close never removes a successor's
    std::string buffer_;                 // windows: the read buffer, reused
};

} // namespace slotlog
