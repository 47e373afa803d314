#include "route/router.h"

#include <exception>

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>

#include <slotlog/format.h>

#include "forward/forward_output.h"
#include "route/route_filter.h"
#include "sinks/file_output.h"

namespace slotlog {

void router::write(const entry& e, output_set& outputs) noexcept {
    text_.clear();
    json_.clear();
    bool taken = false;
    for (auto& o : outputs) {
        if (!takes_(o, e)) continue;
        taken = true;
        if (e.own && own_to_host_ && o.cfg.type == "eventlog") continue;  // the host reports it
        if (o.forward) {
            o.forward->accept(e);  // into its queue on disk; a drop is counted there
            continue;
        }
        try {
            write_to_(o, e, line_(o, e));
        } catch (...) {
            // out of memory formatting the line
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
            ++o.failures;
        }
    }
    if (!taken) counters_.unrouted.fetch_add(1, std::memory_order_relaxed);
    counters_.written.fetch_add(1, std::memory_order_relaxed);
}

bool router::takes_(const output& o, const entry& e) const noexcept {
    if (e.lvl < o.cfg.min_level) return false;
    return !o.filter || o.filter->takes(e);
}

std::string_view router::line_(const output& o, const entry& e) {
    if (o.cfg.format == line_format::json && !o.drop_timestamp) {
        if (json_.empty()) format_json(json_, e);
        return json_;
    }
    if (text_.empty()) format_text(text_, e);
    std::string_view line = text_;
    if (o.drop_timestamp) line = line.substr(line.find(' ') + 1);
    return line;
}

void router::write_to_(output& o, const entry& e, std::string_view line) noexcept {
    try {
        if (o.file) {
            o.file->write(e, line);
        } else {
            const spdlog::details::log_msg msg(e.time, spdlog::source_loc{}, spdlog::string_view_t{},
                                               to_spdlog(e.lvl), spdlog::string_view_t(line.data(), line.size()));
            o.sink->log(msg);
        }
        if (o.failures > 0) {
            report_(level::notice, fmt::format("{} works again after {} failed write(s)", o.describe, o.failures));
            o.failures = 0;
        }
    } catch (const std::exception& ex) {
        counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        if (o.failures++ == 0) report_(level::error, fmt::format("cannot write to {}: {}", o.describe, ex.what()));
    } catch (...) {
        counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        ++o.failures;
    }
}

} // namespace slotlog
