#include "dedup/dedup.h"

#include <algorithm>

#include <fmt/format.h>

namespace slotlog {

namespace {

bool stamped(const entry& e) { return e.pid && e.seq && !e.host.empty(); }

} // namespace

dedup_settings dedup_settings::of(const config& cfg) {
    return {cfg.dedup_window,
            static_cast<std::size_t>(std::count_if(cfg.inputs.begin(), cfg.inputs.end(),
                                                   [](const input_config& in) { return in.type == "udp"; }))};
}

dedup::dedup(settings s, std::uint32_t warning_limit, std::chrono::milliseconds warning_window,
             pipeline_counters& counters)
    : settings_(s), counters_(counters), copies_(s.window), gaps_(s.window), warning_limit_(warning_limit, warning_window) {}

void dedup::apply(settings s) {
    if (s.window != settings_.window) {
        copies_ = repeat_filter(s.window);
        gaps_.set_window(s.window);
    }
    settings_ = s;
}

bool dedup::drop(const entry& e, const arrival& a, time_point now) noexcept {
    bool copy = false;
    try {
        if (stamped(e)) {
            // the same message whichever way it came; the text is part of the
            // key, so a sender that reuses its seq loses nothing
            copy = copies_.stamped_copy(e.host, *e.pid, *e.seq, a.payload, now);
            if (!copy) gaps_.seen(e.host, e.app, *e.pid, e.slot, *e.seq, now, due_);
        } else if (!a.sender.empty() && (a.named || settings_.plain_inputs > 1)) {
            copy = copies_.unstamped_copy(a.sender, a.path, a.payload, now);
        }
    } catch (...) {
        // out of memory for the tables: kept, never dropped for it
    }
    if (copy) counters_.repeats.fetch_add(1, std::memory_order_relaxed);
    return copy;
}

void dedup::gap_warnings(time_point now, bool final, std::vector<std::string>& out) noexcept {
    try {
        // at the end nothing can fill a gap any more
        if (final) {
            gaps_.close_all(due_);
        } else {
            gaps_.expire(now, due_);
        }
        for (const auto& g : due_) {
            counters_.gaps.fetch_add(1, std::memory_order_relaxed);
            counters_.missing.fetch_add(g.missing(), std::memory_order_relaxed);
            // a sender can open a gap a message: the warnings are rate limited
            if (!warning_limit_.allow(now)) {
                ++gaps_left_out_;
                missing_left_out_ += g.missing();
                continue;
            }
            out.push_back(g.first == g.last ? fmt::format("{}: 1 message missing (seq {})", g.label, g.first)
                                            : fmt::format("{}: {} messages missing (seq {} to {})", g.label,
                                                          g.missing(), g.first, g.last));
        }
        due_.clear();
        if (gaps_left_out_ > 0 && (final || warning_limit_.allow(now))) {
            out.push_back(fmt::format("{} more gaps in stamped senders' numbers were not reported one by one: "
                                      "{} messages missing ({} in all since the start)",
                                      gaps_left_out_, missing_left_out_, counters_.missing.load()));
            gaps_left_out_ = missing_left_out_ = 0;
        }
    } catch (...) {
        // out of memory: the gaps are counted, their warnings lost
        due_.clear();
    }
}

} // namespace slotlog
