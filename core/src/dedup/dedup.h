#pragma once

// the writer's stage between decode and routing: drops the copies of a
// message (repeat_filter.h) and follows the numbers of stamped senders
// (gap_tracker.h), whose gaps become warnings. writer thread only

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/config.h>
#include <slotlog/counters.h>
#include <slotlog/entry.h>

#include "dedup/gap_tracker.h"
#include "dedup/rate_limit.h"
#include "dedup/repeat_filter.h"

namespace slotlog {

// what the stage takes from the configuration
struct dedup_settings {
    std::chrono::milliseconds window{2000};   // dedup.window_ms
    // udp inputs: a plain datagram's sender is its address and its path the
    // input, so with fewer than two it is never a copy
    std::size_t plain_inputs = 0;
    static dedup_settings of(const config& cfg);
};

class dedup {
public:
    using time_point = std::chrono::steady_clock::time_point;
    using settings = dedup_settings;

    // what the transport said of a message besides its payload (origin)
    struct arrival {
        std::string_view payload;
        std::string_view sender;              // empty: none named
        bool named = false;
        std::uint64_t path = 0;
    };

    // gap warnings: at most warning_limit per warning_window
    dedup(settings s, std::uint32_t warning_limit, std::chrono::milliseconds warning_window,
          pipeline_counters& counters);

    // a new window means a new filter; the senders' numbers are still followed
    void apply(settings s);

    // true if the entry is a copy (counted): it is not written. otherwise a
    // stamped sender's number is followed
    bool drop(const entry& e, const arrival& a, time_point now) noexcept;

    // the warnings of the gaps due by now (final: every open gap, and the
    // count of those left out whatever the limit)
    void gap_warnings(time_point now, bool final, std::vector<std::string>& out) noexcept;

private:
    settings settings_;
    pipeline_counters& counters_;
    repeat_filter copies_;
    gap_tracker gaps_;
    std::vector<sequence_gap> due_;
    rate_limit warning_limit_;
    std::uint64_t gaps_left_out_ = 0, missing_left_out_ = 0;
};

} // namespace slotlog
