#pragma once

// the file a rotating_file_sink writes, in the platform's own calls
// (append_file_posix.cpp / append_file_windows.cpp): a chunk of complete lines
// is written whole or not at all, so neither a full disk nor a crash leaves
// half a line behind. opened so that other programs may read, rename and
// delete it while it is open

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace slotlog {

class append_file {
public:
    append_file() = default;
    ~append_file() { close(); }
    append_file(const append_file&) = delete;
    append_file& operator=(const append_file&) = delete;

    // opens `path` for appending, creating the file (not its folder); nullopt, or why it failed
    std::optional<std::string> open(const std::filesystem::path& path);
    void close() noexcept;
    bool is_open() const noexcept { return handle_ != -1; }

    // appends all of `data`, or, when the write fails or is short (a full
    // disk), cuts the file back to where it was; nullopt, or why it failed.
    // a file that does not end with a newline (a line torn by a crash of an
    // earlier run) gets one first, so that no line is glued to a torn one
    std::optional<std::string> append(std::string_view data);

    // the size of the open file, as of the last open or append
    std::uint64_t size() const noexcept { return size_; }
    // false once `path` no longer names the open file: deleted, with its
    // folder or alone, or moved away. writes would go nowhere
    bool still_at(const std::filesystem::path& path) const noexcept;

private:
    std::intptr_t handle_ = -1;  // a descriptor, or a HANDLE (INVALID_HANDLE_VALUE is -1 too)
    std::uint64_t size_ = 0;
    bool torn_ = false;          // the file does not end with a newline
    std::uint64_t device_ = 0, index_ = 0;  // the open file's identity
};

} // namespace slotlog
