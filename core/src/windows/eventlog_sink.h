#pragma once

// the eventlog output: each entry becomes one event of slotlogd.exe's message
// table (entry_information/_warning/_error by level) with its line as %1

#include <cstdio>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <slotlog/eventlog.h>

#include "event_source.h"

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
    // own): no formatter, no end of line. never throws
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto lvl = from_spdlog(msg.level);
        if (source_.report(lvl, entry_event(lvl), std::string_view(msg.payload.data(), msg.payload.size()))) {
            failing_ = false;
            return;
        }
        // once per run of failures, where a console can see it
        if (!failing_) {
            failing_ = true;
            std::fprintf(stderr, "slotlogd: cannot write to the event log source \"%s\": %s\n",
                         source_.name().c_str(), source_.last_error().c_str());
        }
    }
    void flush_() override {}

private:
    event_source source_;
    bool failing_ = false;
};

} // namespace slotlog::eventlog
