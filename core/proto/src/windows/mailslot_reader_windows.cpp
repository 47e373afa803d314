// the reading end of a slot on windows: a real mailslot, created with
// CreateMailslotW (writers open it with CreateFileW for each message)
//
// what wine does differently, and why the code is shaped by it:
// - a writer's open handle keeps the mailslot alive, so a collector could not
//   be restarted while any writer held one: writers open per message
// - several writers at once must all share FILE_SHARE_WRITE
// - GetMailslotInfo reports at most 64 KiB as the next size and ReadFile
//   truncates a longer message silently: the read buffer starts at 1 MiB
// - a zero-length message reads as ERROR_BROKEN_PIPE

#include <slotlog/mailslot_reader.h>

#include <windows.h>

#include <algorithm>
#include <stdexcept>

#include <slotlog/detail/utf16.h>

namespace slotlog {

namespace {

constexpr std::size_t read_buffer_size = 1024 * 1024;

HANDLE as_handle(native_handle_type h) noexcept { return static_cast<HANDLE>(h); }

[[noreturn]] void fail(const std::string& what, DWORD err) {
    throw mailslot_error(what + ": " + detail::error_text(err), static_cast<int>(err));
}

} // namespace

mailslot_reader::mailslot_reader(std::string_view name, std::size_t max_message_size)
    : slot_(parse_slot_name(name)), max_message_size_(max_message_size), handle_(INVALID_HANDLE_VALUE) {
    if (slot_.where == slot_name::scope::domain_or_host) {
        throw std::invalid_argument("cannot read slot '" + slot_.canonical() +
                                    "': a reader creates its slot on this machine, use '" + slot_.name + "'");
    }
    if (max_message_size_ >= MAXDWORD) throw std::invalid_argument("max_message_size must be below 4 GiB");
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
        fail("cannot create slot '" + slot_.name + "' (" + path + ")", err);
    }
}

mailslot_reader::~mailslot_reader() { ::CloseHandle(as_handle(handle_)); }

namespace {

// one whole message into buffer, or false when none came within timeout_ms
bool read_message(HANDLE h, const slot_name& slot, std::size_t max_size, DWORD timeout_ms, std::string& buffer,
                  std::string& message) {
    DWORD next = MAILSLOT_NO_MESSAGE;
    if (!::GetMailslotInfo(h, nullptr, &next, nullptr, nullptr)) fail("cannot query slot '" + slot.name + "'", ::GetLastError());
    // a zero timeout only reads what is already there
    if (next == MAILSLOT_NO_MESSAGE && timeout_ms == 0) return false;

    // one byte more than the limit, so that an oversized message shows even where it is truncated
    std::size_t size = std::max(read_buffer_size, max_size + 1);
    if (next != MAILSLOT_NO_MESSAGE) size = std::max<std::size_t>(size, next);
    if (buffer.size() < size) buffer.resize(size);
    if (!::SetMailslotInfo(h, timeout_ms)) fail("cannot set the read timeout of slot '" + slot.name + "'", ::GetLastError());

    for (;;) {
        DWORD got = 0;
        if (::ReadFile(h, buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr)) {
            if (max_size != 0 && got > max_size) {
                throw mailslot_error("a message of " + std::to_string(got) + " bytes or more to slot '" + slot.name +
                                         "' was dropped: the slot accepts at most " + std::to_string(max_size) +
                                         " bytes",
                                     ERROR_INSUFFICIENT_BUFFER);
            }
            message.assign(buffer.data(), got);
            return true;
        }
        const DWORD err = ::GetLastError();
        if (err == ERROR_SEM_TIMEOUT) return false;
        if (err == ERROR_BROKEN_PIPE && got == 0) {
            message.clear();  // wine: a zero-length message
            return true;
        }
        if (err == ERROR_INSUFFICIENT_BUFFER) {
            // the message stays queued whole until a buffer fits it
            next = MAILSLOT_NO_MESSAGE;
            ::GetMailslotInfo(h, nullptr, &next, nullptr, nullptr);
            buffer.resize(next != MAILSLOT_NO_MESSAGE && next > buffer.size() ? next : buffer.size() * 2);
            continue;
        }
        fail("cannot read slot '" + slot.name + "'", err);
    }
}

} // namespace

bool mailslot_reader::try_get(std::string& message) {
    return read_message(as_handle(handle_), slot_, max_message_size_, 0, buffer_, message);
}

std::string mailslot_reader::get(bool block, std::chrono::milliseconds timeout) {
    DWORD wait = 0;
    if (block) {
        const auto ms = timeout.count();
        wait = ms < 0 || ms >= static_cast<long long>(MAILSLOT_WAIT_FOREVER) ? MAILSLOT_WAIT_FOREVER
                                                                              : static_cast<DWORD>(ms);
    }
    std::string message;
    if (!read_message(as_handle(handle_), slot_, max_message_size_, wait, buffer_, message)) throw mailslot_empty();
    return message;
}

} // namespace slotlog
