#pragma once

// slot names and where a slot lives on this machine: what the client library
// and the collector agree on

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/export.h>

namespace slotlog {

// a slot name: logger, \\.\mailslot\logger, \\*\mailslot\logger,
// \\DOMAIN\mailslot\logger or \\HOST\mailslot\logger (case-insensitive)
struct SLOTLOG_API slot_name {
    enum class scope { local, broadcast, domain_or_host };
    scope where = scope::local;
    std::string server;                  // "." for local, "*" for broadcast, else the domain or host
    std::string name;                    // lower case, may contain '\' for sub-folders ("a\b")

    // "\\.\mailslot\logger", "\\*\mailslot\logger", "\\HOST\mailslot\logger"
    std::string canonical() const;
    // the local reader's name, "\\.\mailslot\logger"
    std::string local_path() const;
};

// throws std::invalid_argument with a message that says what is wrong
SLOTLOG_API slot_name parse_slot_name(std::string_view text);

// posix: the runtime folder of the system's collector (root's runtime_dir())
inline constexpr std::string_view default_system_runtime_dir = "/run/slotlog";

// posix: $SLOTLOG_RUNTIME_DIR, else /run/slotlog for root, else
// $XDG_RUNTIME_DIR/slotlog, else /tmp/slotlog-<uid>. windows (where slots
// need no folder): $SLOTLOG_RUNTIME_DIR, else %TEMP%\slotlog
SLOTLOG_API std::filesystem::path runtime_dir();
// posix: runtime_dir() / name, where a reader creates its slot; a sub-folder's
// '\' stays in the file name literally ("a\b" -> RUNTIME/a\b), so it never
// collides with "a.b". every scope maps to the local socket of that name
// (where \\*\mailslot\x also arrives on this machine)
SLOTLOG_API std::filesystem::path slot_socket_path(const slot_name& slot);
// posix: the sockets a writer tries for slot, in order. with
// $SLOTLOG_RUNTIME_DIR set, slot_socket_path(slot) alone; else the system
// collector's (system_dir / name) first and then its own runtime folder's,
// when that is another folder: every user of a host reaches the collector the
// system runs, and a user's own collector serves where there is none
SLOTLOG_API std::vector<std::filesystem::path> writer_socket_paths(
    const slot_name& slot, const std::filesystem::path& system_dir = default_system_runtime_dir);

// the largest message a writer sends to a slot on other machines (424 bytes
// for \\*\mailslot\logger, less for longer names); 0 for a local slot (no limit)
SLOTLOG_API std::size_t network_message_limit(const slot_name& slot) noexcept;

} // namespace slotlog
