#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include <slotlog/level.h>
#include <slotlog/problem_reporter.h>

#include "dedup/rate_limit.h"

namespace slotlog {

// the collector's own warnings and errors, and the reports of another kind
// than problem (a forward target's health, the statistics) at any level,
// handed to a host that reports them itself (the windows service: to the
// event log). hostile senders can cause one per message, so at most `limit`
// pass per `window` and the next one says how many were left out. any thread;
// never throws
class own_problems {
public:
    using handler = problem_reporter;

    own_problems(handler h, std::uint32_t limit, std::chrono::milliseconds window)
        : handler_(std::move(h)), limit_(limit, window) {}

    // true if a host takes them: eventlog outputs then carry application entries only
    bool host_reports() const noexcept { return static_cast<bool>(handler_); }

    void report(level lvl, const std::string& msg, report_kind kind = report_kind::problem) noexcept;

private:
    handler handler_;
    std::mutex mutex_;             // guards the two below
    rate_limit limit_;
    std::uint64_t left_out_ = 0;
};

} // namespace slotlog
