#include "pipeline/writer.h"

#include <utility>

#include <fmt/format.h>
#include <spdlog/details/os.h>

#include <slotlog/decode.h>
#include <slotlog/host.h>
#include <slotlog/text.h>

#include "forward/forward_output.h"
#include "sinks/file_output.h"
#include "thread_name.h"

namespace slotlog {

namespace {

constexpr auto writer_wait = std::chrono::milliseconds(250);
// while a file output put off its flush (file_output::flush), the writer
// waits no longer than this for the next batch: then it is idle, and flushes
constexpr auto put_off_wait = std::chrono::milliseconds(50);
// after a batch smaller than writer_full_batch the writer pauses before it
// takes the next one: a steady stream then comes in large batches, with one
// wake-up and one file write each, instead of a wake-up per entry. a reader
// that waits for room ends the pause (queue.h, push_or_wait)
constexpr auto writer_pause = std::chrono::milliseconds(1);
constexpr std::size_t writer_full_batch = 1024;
constexpr auto flush_interval = std::chrono::seconds(1);
// a queued payload's storage is reused for the next message (queue.h) unless
// it is larger than this: a burst of long messages must not stay in memory
constexpr std::size_t kept_payload_bytes = 1024;

} // namespace

std::string summary_of(const pipeline_counters& c) {
    return fmt::format("{} messages received, {} entries written, {} dropped, {} repeats dropped, {} messages missing",
                       c.received.load(), c.written.load(), c.queue_drops.load() + c.input_drops.load(),
                       c.repeats.load(), c.missing.load());
}

writer::writer(message_queue& queue, writer_requests& requests, pipeline_counters& counters, own_problems& own,
               router::reporter report, std::shared_ptr<output_set> outputs, const dedup_settings& dedup_settings,
               const settings& s)
    : queue_(queue), requests_(requests), counters_(counters), own_(own), settings_(s), outputs_(std::move(outputs)),
      dedup_(dedup_settings, s.own_problem_limit, s.own_problem_window, counters),
      router_(counters, std::move(report), own.host_reports()), host_(sanitise(local_host_name())),
      pid_(static_cast<std::int64_t>(spdlog::details::os::pid())), stats_interval_(s.stats_interval.count()),
      last_stats_(std::chrono::steady_clock::now()) {}

writer::~writer() { join(); }

void writer::start() {
    thread_ = std::thread([this] {
        name_this_thread("slotlog-write");
        run_();
    });
}

void writer::join() noexcept {
    if (thread_.joinable()) thread_.join();
}

void writer::replace(std::shared_ptr<output_set> outputs, const dedup_settings& dedup_settings) {
    std::lock_guard lock(replace_mutex_);
    pending_outputs_ = std::move(outputs);
    pending_dedup_ = dedup_settings;
}

void writer::run_() noexcept {
    message_queue::batch batch;
    last_flush_ = std::chrono::steady_clock::now();
    for (;;) {
        const bool open = queue_.pop_batch(batch, dirty_ ? put_off_wait : writer_wait);
        take_replacement_();
        const bool pause = write_batch_(batch);
        if (!open) break;
        if (pause) queue_.pause(writer_pause);
    }
    finish_();
}

void writer::take_replacement_() noexcept {
    std::lock_guard lock(replace_mutex_);
    if (pending_outputs_) {
        flush_();
        outputs_ = std::move(pending_outputs_);
    }
    if (pending_dedup_) {
        dedup_.apply(*pending_dedup_);
        pending_dedup_.reset();
    }
}

bool writer::write_batch_(message_queue::batch& batch) noexcept {
    // one clock read a batch: the window is seconds, a batch milliseconds
    const auto taken = std::chrono::steady_clock::now();
    for (auto& q : batch) {
        try {
            entry_of_(q, entry_);
            const dedup::arrival a{q.text, std::string_view(q.peer).substr(0, q.sender_size), q.named, q.path};
            if (q.own || !dedup_.drop(entry_, a, taken)) router_.write(entry_, *outputs_);
        } catch (...) {
            // out of memory decoding: this entry is lost, and counted among the dropped
            counters_.input_drops.fetch_add(1, std::memory_order_relaxed);
        }
        if (q.text.capacity() > kept_payload_bytes) std::string().swap(q.text);
    }
    const bool gaps_written = write_gap_warnings_(taken, false);
    const bool pause = !batch.empty() && batch.size() < writer_full_batch;
    after_batch_(!batch.empty() || gaps_written);
    return pause;
}

void writer::after_batch_(bool wrote) noexcept {
    dirty_ = dirty_ || wrote;
    // after the batch: what was read before the request is in the old file
    const bool flush_requested = carry_out_requests_();
    report_drops_(false);
    const auto now = std::chrono::steady_clock::now();
    write_stats_(now);
    // files flush when idle, and at least once a second under load. idle or
    // not, once a second: a file that could not be written retries what it
    // kept. forward queues take each batch in one write
    if (flush_requested || (dirty_ && queue_.size() == 0) || now - last_flush_ >= flush_interval) {
        // right after a batch, with more likely to come, an output with many
        // files may put its flush off (file_output::flush): the writer stays
        // dirty and flushes on its next pass
        const bool soon = wrote && !flush_requested && now - last_flush_ < flush_interval;
        dirty_ = flush_(soon);
        if (!dirty_) last_flush_ = now;
    } else {
        flush_forwards_();
    }
}

void writer::finish_() noexcept {
    // the summary goes last and straight to the outputs: a full queue cannot lose it.
    // nothing can fill a gap now
    write_gap_warnings_(std::chrono::steady_clock::now(), true);
    report_drops_(true);
    try {
        for (const auto& o : *outputs_) {
            if (o.forward) router_.write(own_entry_(level::notice, o.forward->summary()), *outputs_);
        }
        router_.write(own_entry_(level::notice, "slotlogd stopping: " + summary_of(counters_)), *outputs_);
    } catch (...) {
    }
    flush_();
}

entry writer::own_entry_(level lvl, const std::string& msg, clock::time_point time) const {
    entry e;
    e.time = time;
    e.lvl = lvl;
    e.host = host_;
    e.app = "slotlogd";
    e.pid = pid_;
    e.slot = "slotlogd";
    e.msg = sanitise(msg);
    e.own = true;
    return e;
}

void writer::entry_of_(const queued& q, entry& e) const {
    if (q.own) {
        e = own_entry_(q.lvl, q.text, q.time);
    } else {
        decode(q.text, origin{q.slot, q.peer, q.time}, e);
    }
}

void writer::write_own_(level lvl, const std::string& text) noexcept {
    own_.report(lvl, text);
    try {
        router_.write(own_entry_(lvl, text), *outputs_);
    } catch (...) {
    }
}

bool writer::write_gap_warnings_(std::chrono::steady_clock::time_point now, bool final) noexcept {
    dedup_.gap_warnings(now, final, gap_warnings_);
    const bool wrote = !gap_warnings_.empty();
    for (const auto& text : gap_warnings_) write_own_(level::warning, text);
    gap_warnings_.clear();
    return wrote;
}

bool writer::carry_out_requests_() noexcept {
    bool flush = false;
    try {
        for (const auto& r : requests_.take()) {
            router_.write(own_entry_(level::notice, r.notice), *outputs_);
            if (r.verb == control_verb::rotate) rotate_files_();
            flush = flush || r.verb == control_verb::flush;
        }
    } catch (...) {
    }
    return flush;
}

void writer::rotate_files_() noexcept {
    for (auto& o : *outputs_) {
        try {
            if (o.file) o.file->rotate();  // a failure is reported by the sink and retried
        } catch (...) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

bool writer::flush_(bool soon) noexcept {
    flush_forwards_();
    bool put_off = false;
    for (auto& o : *outputs_) {
        try {
            if (o.file) put_off = !o.file->flush(soon) || put_off;
            if (o.sink) o.sink->flush();
        } catch (...) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        }
    }
    return put_off;
}

void writer::flush_forwards_() noexcept {
    for (auto& o : *outputs_) {
        if (o.forward) o.forward->flush();
    }
}

void writer::write_stats_(std::chrono::steady_clock::time_point now) noexcept {
    const auto interval = std::chrono::seconds(stats_interval_.load(std::memory_order_relaxed));
    if (interval.count() == 0 || now - last_stats_ < interval) return;
    last_stats_ = now;
    flush_forwards_();  // the counts include this batch
    try {
        // unrouted here only: the stop summary's words are read by scripts as they are
        std::string text = fmt::format("statistics: {}, {} entries taken by no output", summary_of(counters_),
                                       counters_.unrouted.load(std::memory_order_relaxed));
        if (settings_.input_statistics) text += "; inputs: " + settings_.input_statistics();
        for (const auto& o : *outputs_) {
            if (!o.forward) continue;
            const auto q = o.forward->queue_stats();
            const auto age = q.oldest ? std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now() - *q.oldest)
                                            .count()
                                      : 0;
            text += fmt::format("; {}, queue {} bytes, oldest {} s", o.forward->summary(), q.bytes, age);
        }
        router_.write(own_entry_(level::notice, text), *outputs_);
        own_.report(level::notice, text, report_kind::statistics);  // a host with an event for them
    } catch (...) {
    }
}

void writer::report_drops_(bool final) noexcept {
    const auto dropped = counters_.queue_drops.load(std::memory_order_relaxed);
    if (dropped == reported_drops_) return;
    // the first drops at once, then at most once per drop_report_interval while they go on
    const auto now = std::chrono::steady_clock::now();
    if (!final && last_drop_report_ && now - *last_drop_report_ < settings_.drop_report_interval) return;
    try {
        write_own_(level::warning, fmt::format("{} entries dropped because the queue was full ({} in total)",
                                               dropped - reported_drops_, dropped));
    } catch (...) {
    }
    reported_drops_ = dropped;
    last_drop_report_ = now;
}

} // namespace slotlog
