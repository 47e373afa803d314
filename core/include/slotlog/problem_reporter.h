#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include <slotlog/level.h>

namespace slotlog {

// what a report of the collector's own is about. core only names the kind: a
// host that reports them itself (the windows service) gives each kind an event
// id of its own, so that an admin can filter and alert on it. in the log files
// every kind is an entry like any other
enum class report_kind : std::uint8_t {
    problem,      // trouble the collector handled (rotation failed, a message dropped, ...)
    target_down,  // a forward output cannot reach a target, or lost it
    target_up,    // a forward output reached a target, at first or again
    statistics,   // the stats.interval entry
};

// how a part of the collector tells it about something of its own (trouble it
// handled, a forward target's health): the collector makes an entry of it.
// the kind defaults to problem: only the sites that know better say more
class problem_reporter {
public:
    using function = std::function<void(level, const std::string&, report_kind)>;

    problem_reporter() = default;
    problem_reporter(std::nullptr_t) noexcept {}
    template <typename F>
        requires std::is_invocable_v<F&, level, const std::string&, report_kind>
    problem_reporter(F f) : fn_(std::move(f)) {}

    void operator()(level lvl, const std::string& msg, report_kind kind = report_kind::problem) const {
        if (fn_) fn_(lvl, msg, kind);
    }
    explicit operator bool() const noexcept { return static_cast<bool>(fn_); }

private:
    function fn_;
};

} // namespace slotlog
