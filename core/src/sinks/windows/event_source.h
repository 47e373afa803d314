#pragma once

// one event log source handle (RegisterEventSourceW), opened on first use and
// reopened after a failure; shared by eventlog::report and the eventlog sink

#include <windows.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <slotlog/windows/eventlog.h>
#include <slotlog/level.h>

namespace slotlog::eventlog {

// EVENTLOG_ERROR_TYPE, EVENTLOG_WARNING_TYPE or EVENTLOG_INFORMATION_TYPE
WORD event_type(level lvl) noexcept;

class event_source {
public:
    explicit event_source(std::string name) : name_(std::move(name)) {}
    ~event_source();
    event_source(const event_source&) = delete;
    event_source& operator=(const event_source&) = delete;

    // reports `text` (utf-8) as insertion string %1 of `id`; false on failure,
    // with the reason in last_error(). never throws
    bool report(level lvl, event id, std::string_view text) noexcept;

    const std::string& name() const noexcept { return name_; }
    const std::string& last_error() const noexcept { return last_error_; }

private:
    bool open_() noexcept;
    void close_() noexcept;

    std::string name_;
    HANDLE handle_ = nullptr;
    std::wstring text_;  // reused conversion buffer
    std::string last_error_;
};

// the event log takes at most 31839 characters per string: longer text is cut
// at a character boundary and marked
void fit_insertion_string(std::wstring& text);

} // namespace slotlog::eventlog
