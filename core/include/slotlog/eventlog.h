#pragma once

// the windows event log (core/src/windows/eventlog_windows.cpp; windows only).
// slotlogd.exe carries the message table (service/windows/slotlog_messages.mc),
// so Event Viewer shows real text for every event id below.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <slotlog/level.h>

namespace slotlog::eventlog {

// the event ids Event Viewer shows (the low 16 bits of the message ids)
enum class event : std::uint16_t {
    service_started = 100,   // the service is running: %1 describes the configuration
    service_stopped = 101,   // stopped after writing everything: %1 has the counts
    config_rejected = 102,   // the configuration is invalid: %1 lists the problems
    startup_failed = 103,    // an input or output could not be opened: %1 says which and why
    reload_refused = 104,    // a reload was refused, the running configuration kept: %1 why
    // an entry routed to an eventlog output, by level: %1 is the entry's line
    entry_information = 1000,
    entry_warning = 1001,
    entry_error = 1002,
};

// the event an entry of this level becomes in an eventlog output
event entry_event(level lvl) noexcept;

// writes one event from `source`: type from the level (error, warning,
// information); never throws
void report(const std::string& source, level lvl, event id, std::string_view text) noexcept;

// HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\<source>:
// EventMessageFile (REG_EXPAND_SZ) = message_file, TypesSupported = 7.
// throws std::runtime_error with the reason
void register_source(const std::string& source, const std::filesystem::path& message_file);
// removes that key; absent is fine. throws std::runtime_error with the reason
void unregister_source(const std::string& source);
bool source_registered(const std::string& source);

} // namespace slotlog::eventlog
