// the writing end of a slot on windows: a real mailslot, opened with
// CreateFileW for each message (the reader in core/proto creates it)
//
// what wine does differently, and why the code is shaped by it:
// - a writer's open handle keeps the mailslot alive, so a collector could not
//   be restarted while any writer held one: writers open per message
// - several writers at once must all share FILE_SHARE_WRITE
// - GetMailslotInfo reports at most 64 KiB as the next size and ReadFile
//   truncates a longer message silently: the read buffer starts at 1 MiB
// - a zero-length message reads as ERROR_BROKEN_PIPE

#include <slotlog/client.h>

#include <windows.h>

#include <algorithm>
#include <utility>

#include <slotlog/detail/utf16.h>

#include "../network_writer.h"

namespace slotlog {

namespace {

// ERROR_REMOTE_MAILSLOTS_DEPRECATED, missing from older sdk headers
constexpr DWORD remote_mailslots_disabled = 3025;

bool not_found(DWORD err) noexcept {
    return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND || err == ERROR_BAD_NETPATH ||
           err == ERROR_BAD_NET_NAME;
}

HANDLE open_for_write(const std::string& path) {
    return ::CreateFileW(detail::widen(path).c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
}

[[noreturn]] void fail(const std::string& what, DWORD err) {
    throw mailslot_error(what + ": " + detail::error_text(err), static_cast<int>(err));
}

} // namespace

// ---- writer ----
//
// a local name is opened as a mailslot. a name of other machines takes the
// real remote mailslot, the slotlog broadcast port (network_writer.cpp) or
// both, as the transport says; where windows cannot open the remote mailslot
// (3025: disabled by policy; wine: none at all) automatic falls back to the
// broadcast port, and \\*\mailslot\x still reaches this machine's reader

mailslot_writer::mailslot_writer(std::string_view name, writer_options options)
    : slot_(parse_slot_name(name)), options_(std::move(options)), handle_(INVALID_HANDLE_VALUE) {
    check_writer_options(options_);
    if (slot_.where != slot_name::scope::local) network_ = std::make_unique<detail::network_writer>(slot_, options_);
}

mailslot_writer::~mailslot_writer() = default;

namespace {

// how one CreateFile + WriteFile went
struct write_attempt {
    bool opened = false;
    DWORD error = 0;                     // 0: written
};

// opened per message: a collector that restarts is found again, and no
// handle of ours keeps an old mailslot alive
write_attempt write_slot(const std::string& path, std::string_view message) {
    HANDLE h = open_for_write(path);
    if (h == INVALID_HANDLE_VALUE) return {false, ::GetLastError()};
    DWORD written = 0;
    const BOOL ok = ::WriteFile(h, message.data(), static_cast<DWORD>(message.size()), &written, nullptr);
    const DWORD err = ok ? 0 : ::GetLastError();
    ::CloseHandle(h);
    return {true, err};
}

[[noreturn]] void fail_write(const slot_name& slot, std::string_view message, DWORD err) {
    fail("cannot write a message of " + std::to_string(message.size()) + " bytes to slot '" + slot.canonical() + "'",
         err);
}

std::string disabled_text(const slot_name& slot) {
    return "cannot write to '" + slot.canonical() +
           "': remote mailslots are disabled on this host; they can be re-enabled with "
           "the Group Policy \"Enable remote mailslots\" (Computer Configuration > "
           "Administrative Templates > Network > Lanman Workstation)";
}

// this machine's reader of a broadcast's slot, if there is one: what a real
// \\*\ write reaches too. true if it took the message
bool write_local_copy(const slot_name& slot, std::string_view message) {
    const write_attempt a = write_slot(slot.local_path(), message);
    if (!a.opened) return false;
    if (a.error != 0) fail_write(slot, message, a.error);
    return true;
}

// what no path to another machine carries, refused before trying one
void check_size(const slot_name& slot, std::string_view message) {
    const std::size_t limit = network_message_limit(slot);
    if (limit != 0 && message.size() > limit) {
        throw mailslot_error("a message of " + std::to_string(message.size()) + " bytes is too long for '" +
                                 slot.canonical() + "': messages to other machines are limited to " +
                                 std::to_string(limit) + " bytes",
                             ERROR_INVALID_PARAMETER);
    }
    if (message.size() >= MAXDWORD) throw mailslot_error("a message must be smaller than 4 GiB", ERROR_INVALID_PARAMETER);
}

// a slot of this machine: no collector reading it is an error of its own
void put_local(const slot_name& slot, std::string_view message) {
    const write_attempt a = write_slot(slot.canonical(), message);
    if (a.opened && a.error == 0) return;
    if (a.opened) fail_write(slot, message, a.error);
    if (not_found(a.error)) {
        throw mailslot_error("no collector is reading slot '" + slot.name + "' (" + slot.canonical() + ")",
                             static_cast<int>(a.error));
    }
    fail("cannot open slot '" + slot.canonical() + "'", a.error);
}

// the mailslot transport found no way to the slot: why, and what would work
[[noreturn]] void fail_mailslot_only(const slot_name& slot, DWORD err, bool cannot_open) {
    if (err == remote_mailslots_disabled) throw mailslot_error(disabled_text(slot), static_cast<int>(err));
    if (cannot_open) {
        throw mailslot_error("cannot write to '" + slot.canonical() + "': this host cannot open the remote mailslot (" +
                                 detail::error_text(err) + ")" +
                                 (slot.where == slot_name::scope::broadcast
                                      ? " and no collector reads slot '" + slot.name + "' here"
                                      : std::string()) +
                                 "; the broadcast transport (SLOTLOG_TRANSPORT=broadcast) sends over udp instead",
                             static_cast<int>(err));
    }
    fail("cannot open slot '" + slot.canonical() + "'", err);
}

// neither the remote mailslot nor the broadcast port took the message
[[noreturn]] void fail_both(const slot_name& slot, const write_attempt& remote,
                            const detail::network_writer::result& sent) {
    const std::string mailslot_problem =
        remote.opened ? "writing to the remote mailslot failed (" + detail::error_text(remote.error) + ")"
        : remote.error == remote_mailslots_disabled
            ? "remote mailslots are disabled on this host (" + detail::error_text(remote.error) + ")"
            : "the remote mailslot cannot be opened (" + detail::error_text(remote.error) + ")";
    throw mailslot_error("cannot write to '" + slot.canonical() + "': " +
                             mailslot_problem + ", and the broadcast port failed too: " + sent.error,
                         sent.code != 0 ? sent.code : static_cast<int>(remote.error));
}

} // namespace

void mailslot_writer::put(std::string_view message) {
    check_size(slot_, message);
    if (slot_.where == slot_name::scope::local) {
        put_local(slot_, message);
        return;
    }

    const network_transport t = options_.transport;
    const detail::network_ports udp{false, true};  // windows' own netbios owns port 138
    if (t == network_transport::broadcast) {
        const auto sent = network_->send(message, udp);
        if (!sent.ok()) throw mailslot_error(sent.error, sent.code);
        return;
    }

    const write_attempt remote = write_slot(slot_.canonical(), message);
    if (remote.opened && remote.error != 0 && t != network_transport::both) fail_write(slot_, message, remote.error);
    const bool cannot_open = !remote.opened && (remote.error == remote_mailslots_disabled || not_found(remote.error));
    // a broadcast that windows could not send still reaches this machine's reader
    const bool local = !remote.opened && cannot_open && slot_.where == slot_name::scope::broadcast &&
                       write_local_copy(slot_, message);

    if (t == network_transport::mailslot) {
        if (remote.opened || local) return;
        fail_mailslot_only(slot_, remote.error, cannot_open);
    }

    if (t == network_transport::automatic) {
        if (remote.opened) return;
        if (!cannot_open) fail("cannot open slot '" + slot_.canonical() + "'", remote.error);
    }
    // automatic after a failed open, or both: the broadcast port too
    const auto sent = network_->send(message, udp);
    if (sent.ok() || local || (remote.opened && remote.error == 0)) return;
    fail_both(slot_, remote, sent);
}

} // namespace slotlog
