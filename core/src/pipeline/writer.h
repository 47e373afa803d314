#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <slotlog/counters.h>
#include <slotlog/entry.h>

#include "dedup/dedup.h"
#include "pipeline/hand_over.h"
#include "pipeline/own_problems.h"
#include "route/router.h"

namespace slotlog {

// the writer thread: takes the queue's batches, decodes each message into an
// entry, drops copies and follows stamped senders' numbers (dedup), routes
// the entries to the outputs, flushes them, and carries out rotate and flush
// requests. it writes its own reports (gaps, queue drops, the stop summary)
// straight to the outputs: the queue may be what overflowed
class writer {
public:
    struct settings {
        std::uint32_t own_problem_limit;          // gap warnings share the limit of
        std::chrono::milliseconds own_problem_window;  // the collector's own warnings
        // queue drops are reported at once, then at most this often while they go on
        std::chrono::milliseconds drop_report_interval;
        std::chrono::seconds stats_interval;           // stats.interval (0: never)
        std::function<std::string()> input_statistics; // per input, for the statistics entry
    };

    writer(message_queue& queue, writer_requests& requests, pipeline_counters& counters, own_problems& own,
           router::reporter report, std::shared_ptr<output_set> outputs, const dedup_settings& dedup_settings,
           const settings& s);
    ~writer();

    void start();
    // returns when the queue is closed and everything in it is written
    void join() noexcept;

    // the outputs and dedup settings of a reloaded configuration, taken
    // between two batches (the old outputs are flushed first)
    void replace(std::shared_ptr<output_set> outputs, const dedup_settings& dedup_settings);
    void set_stats_interval(std::chrono::seconds interval) noexcept { stats_interval_ = interval.count(); }

private:
    void run_() noexcept;
    void take_replacement_() noexcept;
    // false once the queue is closed and drained
    bool write_batch_(message_queue::batch& batch) noexcept;
    void after_batch_(bool wrote) noexcept;
    void write_own_(level lvl, const std::string& text) noexcept;
    bool write_gap_warnings_(std::chrono::steady_clock::time_point now, bool final) noexcept;
    bool carry_out_requests_() noexcept;
    void report_drops_(bool final) noexcept;
    void write_stats_(std::chrono::steady_clock::time_point now) noexcept;
    // soon: more entries are likely to come at once, and an output may put
    // its flush off; true if one did
    bool flush_(bool soon = false) noexcept;
    void flush_forwards_() noexcept;
    void rotate_files_() noexcept;
    void finish_() noexcept;
    // decodes q into e, reusing e's storage
    void entry_of_(const queued& q, entry& e) const;
    entry own_entry_(level lvl, const std::string& msg, clock::time_point time = clock::now()) const;

    message_queue& queue_;
    writer_requests& requests_;
    pipeline_counters& counters_;
    own_problems& own_;
    settings settings_;
    std::thread thread_;

    std::mutex replace_mutex_;                   // guards the two below
    std::shared_ptr<output_set> pending_outputs_;
    std::optional<dedup_settings> pending_dedup_;

    // writer thread only
    std::shared_ptr<output_set> outputs_;
    dedup dedup_;
    router router_;
    std::string host_;
    std::int64_t pid_;
    entry entry_;                                // the entry being written, reused
    std::vector<std::string> gap_warnings_;
    std::chrono::steady_clock::time_point last_flush_;
    bool dirty_ = false;
    std::uint64_t reported_drops_ = 0;
    std::optional<std::chrono::steady_clock::time_point> last_drop_report_;
    std::atomic<std::int64_t> stats_interval_;   // seconds; set by reload
    std::chrono::steady_clock::time_point last_stats_{};
};

// "N messages received, N entries written, N dropped, N repeats dropped, N messages missing"
std::string summary_of(const pipeline_counters& counters);

} // namespace slotlog
