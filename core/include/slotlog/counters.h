#pragma once

#include <atomic>
#include <cstdint>

namespace slotlog {

// what the collector counted since it started; read from any thread. the
// readers' counts and the writer's are a cache line apart: each side counts
// every message, and on one line the two cores would pass it back and forth
struct pipeline_counters {
    std::atomic<std::uint64_t> received{0};      // messages read from every input
    std::atomic<std::uint64_t> queue_drops{0};   // entries refused by a full queue
    std::atomic<std::uint64_t> input_drops{0};   // messages an input could not deliver
    alignas(64) std::atomic<std::uint64_t> written{0};  // entries routed to the outputs
    std::atomic<std::uint64_t> unrouted{0};      // of those, entries that no output took (levels, match, exclude)
    std::atomic<std::uint64_t> repeats{0};       // copies dropped (dedup.window_ms, repeat_filter.h)
    std::atomic<std::uint64_t> gaps{0};          // gaps in stamped senders' numbers (gap_tracker.h)
    std::atomic<std::uint64_t> missing{0};       // the messages those gaps left out
    std::atomic<std::uint64_t> output_errors{0}; // writes an output failed
};

} // namespace slotlog
