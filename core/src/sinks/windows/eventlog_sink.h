#pragma once

// the eventlog output: each entry becomes one event of slotlogd.exe's message
// table (entry_information/_warning/_error by level) with its line as %1

#include <stdexcept>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <slotlog/windows/eventlog.h>

#include "sinks/windows/event_source.h"

namespace slotlog::eventlog {

// the collector hands each entry over with to_spdlog(level): map it back
constexpr level from_spdlog(spdlog::level::level_enum l) noexcept {
    switch (l) {
    case spdlog::level::trace: return level::trace;
    case spdlog::level::debug: return level::debug;
    case spdlog::level::info: return level::info;
    case spdlog::level::warn: return level::warning;
    case spdlog::level::err: return level::error;
    default: return level::critical;
    }
}

// one writer thread per output set, so no mutex
class eventlog_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    // the source handle is opened on the first entry
    explicit eventlog_sink(std::string source) : source_(std::move(source)) {}

protected:
    // the payload is our line without its timestamp (the event log stamps its
    // own): no formatter, no end of line. a failed write throws, like a file
    // sink's: the collector's writer counts it and reports it once
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto lvl = from_spdlog(msg.level);
        if (!source_.report(lvl, entry_event(lvl), std::string_view(msg.payload.data(), msg.payload.size()))) {
            throw std::runtime_error("event log source \"" + source_.name() + "\": " + source_.last_error());
        }
    }
    void flush_() override {}

private:
    event_source source_;
};

} // namespace slotlog::eventlog
