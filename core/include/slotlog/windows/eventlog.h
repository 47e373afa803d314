#pragma once

// the windows event log (core/src/sinks/windows/eventlog_windows.cpp; windows only).
// slotlogd.exe carries the message table (service/windows/slotlog_messages.mc),
// so Event Viewer shows real text for every event id below. docs/eventlog.md
// documents them for administrators.

#include <array>
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
    // the collector's own trouble while running (rotation failed, entries
    // dropped, an output failing): %1 says what
    service_warning = 105,
    service_error = 106,
    // a forward output's health and the statistics, apart from 105 so that an
    // admin can filter and alert on them: %1 is the collector's entry
    forward_unreachable = 110,  // a target cannot be reached or was lost: entries wait in the queue
    forward_reached = 111,      // a target reached, at the start or again
    statistics = 112,           // the stats.interval counts
    // an entry routed to an eventlog output, by level: %1 is the entry's line
    entry_information = 1000,
    entry_warning = 1001,
    entry_error = 1002,
};

inline constexpr std::array<event, 13> all_events{
    event::service_started, event::service_stopped, event::config_rejected, event::startup_failed,
    event::reload_refused, event::service_warning, event::service_error,
    event::forward_unreachable, event::forward_reached, event::statistics,
    event::entry_information, event::entry_warning, event::entry_error,
};

// the task categories (message ids 1 and 2 of the same table)
enum class category : std::uint16_t {
    service = 1,  // the collector itself: start, stop, configuration
    entry = 2,    // an entry received from an application
};
inline constexpr std::uint32_t category_count = 2;

// the full message id, severity bits included, as ReportEventW wants it so
// that Event Viewer and FormatMessage find the text (entry_warning: 0x800003E9)
std::uint32_t message_id(event id) noexcept;
category category_of(event id) noexcept;

// the event an entry of this level becomes in an eventlog output
event entry_event(level lvl) noexcept;

// writes one event from `source` with `text` as its insertion string %1;
// type from the level (critical and error: error, warning: warning, others:
// information); never throws (a failure is lost: there is nowhere to report it)
void report(const std::string& source, level lvl, event id, std::string_view text) noexcept;

// HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\<source>:
// EventMessageFile and CategoryMessageFile (REG_EXPAND_SZ) = message_file made
// absolute, TypesSupported = 7, CategoryCount = category_count.
// throws std::runtime_error with the reason (e.g. access denied without admin rights)
void register_source(const std::string& source, const std::filesystem::path& message_file);
// removes that key; absent is fine. throws std::runtime_error with the reason
void unregister_source(const std::string& source);
// the key exists and names an EventMessageFile
bool source_registered(const std::string& source) noexcept;

} // namespace slotlog::eventlog
