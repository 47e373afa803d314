// a slot on windows: a real mailslot. the reader creates it with
// CreateMailslotW; writers open it with CreateFileW and write one message per
// WriteFile

#include <slotlog/client.h>

#include <windows.h>

#include <algorithm>

#include "windows/utf16.h"

namespace slotlog {

namespace {

// ERROR_REMOTE_MAILSLOTS_DEPRECATED, missing from older sdk headers
constexpr DWORD remote_mailslots_disabled = 3025;
constexpr std::size_t first_read_buffer = 64 * 1024;

HANDLE as_handle(native_handle_type h) noexcept { return static_cast<HANDLE>(h); }

bool not_found(DWORD err) noexcept {
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_BAD_NETPATH ||
           err == ERROR_BAD_NET_NAME;
}

HANDLE open_for_write(const std::string& path) {
    return ::CreateFileW(detail::widen(path).c_str(), GENERIC_WRITE, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, nullptr);
}

} // namespace

// ---- reader ----

mailslot_reader::mailslot_reader(std::string_view name, std::size_t max_message_size)
    : slot_(parse_slot_name(name)), max_message_size_(max_message_size), handle_(INVALID_HANDLE_VALUE) {
    if (slot_.where == slot_name::scope::domain_or_host) {
        throw std::invalid_argument("cannot read slot '" + slot_.canonical() +
                                    "': a reader creates its slot on this machine, use '" + slot_.name + "'");
    }
    if (max_message_size_ > MAXDWORD) throw std::invalid_argument("max_message_size is larger than 4 GiB");
    // a broadcast name is read where broadcasts arrive: the local slot
    const std::string path = slot_.local_path();
    handle_ = ::CreateMailslotW(detail::widen(path).c_str(), static_cast<DWORD>(max_message_size_),
                                MAILSLOT_WAIT_FOREVER, nullptr);
    if (as_handle(handle_) == INVALID_HANDLE_VALUE) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_ALREADY_EXISTS) {
            throw mailslot_error(
                "slot '" + slot_.name + "' is already being read by another process (" + path + ")",
                static_cast<int>(err));
        }
        throw mailslot_error("cannot create slot '" + slot_.name + "' (" + path + "): " + detail::error_text(err),
                             static_cast<int>(err));
    }
}

mailslot_reader::~mailslot_reader() { ::CloseHandle(as_handle(handle_)); }

namespace {

// one whole message, or false when none came within timeout_ms
bool read_message(HANDLE h, const slot_name& slot, std::size_t max_size, DWORD timeout_ms, std::string& message) {
    if (!::SetMailslotInfo(h, timeout_ms)) {
        const DWORD err = ::GetLastError();
        throw mailslot_error("cannot set the read timeout of slot '" + slot.name + "': " + detail::error_text(err),
                             static_cast<int>(err));
    }
    // size the buffer to the waiting message when there is one
    DWORD next = MAILSLOT_NO_MESSAGE;
    std::size_t size = max_size != 0 ? max_size : first_read_buffer;
    if (::GetMailslotInfo(h, nullptr, &next, nullptr, nullptr) && next != MAILSLOT_NO_MESSAGE) size = next;
    for (;;) {
        message.resize(std::max<std::size_t>(size, 1));
        DWORD got = 0;
        if (::ReadFile(h, message.data(), static_cast<DWORD>(message.size()), &got, nullptr)) {
            message.resize(got);
            return true;
        }
        const DWORD err = ::GetLastError();
        if (err == ERROR_SEM_TIMEOUT) return false;
        if (err == ERROR_INSUFFICIENT_BUFFER) {
            // the message stays queued whole until a buffer fits it
            next = MAILSLOT_NO_MESSAGE;
            ::GetMailslotInfo(h, nullptr, &next, nullptr, nullptr);
            size = next != MAILSLOT_NO_MESSAGE && next > message.size() ? next : message.size() * 2;
            continue;
        }
        throw mailslot_error("cannot read slot '" + slot.name + "': " + detail::error_text(err),
                             static_cast<int>(err));
    }
}

} // namespace

bool mailslot_reader::try_get(std::string& message) {
    return read_message(as_handle(handle_), slot_, max_message_size_, 0, message);
}

std::string mailslot_reader::get(bool block, std::chrono::milliseconds timeout) {
    DWORD wait = 0;
    if (block) {
        const auto ms = timeout.count();
        wait = ms < 0 || ms >= static_cast<long long>(MAILSLOT_WAIT_FOREVER) ? MAILSLOT_WAIT_FOREVER
                                                                              : static_cast<DWORD>(ms);
    }
    std::string message;
    if (!read_message(as_handle(handle_), slot_, max_message_size_, wait, message)) throw mailslot_empty();
    return message;
}

// ---- writer ----

mailslot_writer::mailslot_writer(std::string_view name)
    : slot_(parse_slot_name(name)), handle_(INVALID_HANDLE_VALUE) {}

mailslot_writer::~mailslot_writer() {
    if (as_handle(handle_) != INVALID_HANDLE_VALUE) ::CloseHandle(as_handle(handle_));
}

void mailslot_writer::put(std::string_view message) {
    const std::size_t limit = network_message_limit(slot_);
    if (limit != 0 && message.size() > limit) {
        throw mailslot_error("a message of " + std::to_string(message.size()) + " bytes is too long for '" +
                                 slot_.canonical() + "': messages to other machines are limited to " +
                                 std::to_string(limit) + " bytes",
                             ERROR_INVALID_PARAMETER);
    }
    if (message.size() > MAXDWORD) throw mailslot_error("a message is larger than 4 GiB", ERROR_INVALID_PARAMETER);

    std::lock_guard<std::mutex> lock(mutex_);
    // a handle opened earlier belongs to the mailslot of that time: if its
    // reader has gone, open the slot again once (the collector may have restarted)
    for (int attempt = 0;; ++attempt) {
        if (as_handle(handle_) == INVALID_HANDLE_VALUE) {
            HANDLE h = open_for_write(slot_.canonical());
            if (h == INVALID_HANDLE_VALUE) {
                const DWORD err = ::GetLastError();
                if (err == remote_mailslots_disabled) {
                    throw mailslot_error(
                        "cannot write to '" + slot_.canonical() +
                            "': remote mailslots are disabled on this host; they can be re-enabled with the Group "
                            "Policy \"Enable remote mailslots\" (Computer Configuration > Administrative Templates "
                            "> Network > Lanman Workstation)",
                        static_cast<int>(err));
                }
                if (slot_.where == slot_name::scope::local && not_found(err)) {
                    throw mailslot_error("no collector is reading slot '" + slot_.name + "' (" + slot_.canonical() +
                                             ")",
                                         static_cast<int>(err));
                }
                if (slot_.where != slot_name::scope::broadcast || !not_found(err)) {
                    throw mailslot_error("cannot open slot '" + slot_.canonical() + "': " + detail::error_text(err),
                                         static_cast<int>(err));
                }
                // no network mailslots here (wine): a broadcast still reaches
                // this machine's reader, and nobody listening is no error
                h = open_for_write(slot_.local_path());
                if (h == INVALID_HANDLE_VALUE) return;
            }
            handle_ = h;
        }
        DWORD written = 0;
        if (::WriteFile(as_handle(handle_), message.data(), static_cast<DWORD>(message.size()), &written, nullptr))
            return;
        const DWORD err = ::GetLastError();
        ::CloseHandle(as_handle(handle_));
        handle_ = INVALID_HANDLE_VALUE;
        if (attempt == 0) continue;
        throw mailslot_error("cannot write to slot '" + slot_.canonical() + "': " + detail::error_text(err),
                             static_cast<int>(err));
    }
}

} // namespace slotlog
