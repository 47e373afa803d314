#include "pipeline/own_problems.h"

#include <utility>

#include <fmt/format.h>

namespace slotlog {

void own_problems::report(level lvl, const std::string& msg, report_kind kind) noexcept {
    // notices are news for the log files, unless the host has an event for their kind
    if ((lvl < level::warning && kind == report_kind::problem) || !handler_) return;
    try {
        std::string text;
        {
            std::lock_guard lock(mutex_);
            if (!limit_.allow(std::chrono::steady_clock::now())) {
                ++left_out_;
                return;
            }
            text = msg;
            if (left_out_ > 0) {
                text += fmt::format(" ({} more of the collector's warnings and errors were left out here; "
                                    "its log files have them all)",
                                    std::exchange(left_out_, 0));
            }
        }
        handler_(lvl, text, kind);
    } catch (...) {
    }
}

} // namespace slotlog
