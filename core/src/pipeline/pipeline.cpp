#include <slotlog/pipeline.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/details/os.h>

#include <slotlog/host.h>
#include <slotlog/decode.h>
#include <slotlog/format.h>
#include <slotlog/text.h>

#include "dedup/dedup.h"
#include "dedup/rate_limit.h"

namespace slotlog {

namespace {

constexpr auto writer_wait = std::chrono::milliseconds(250);
// after a batch smaller than writer_full_batch the writer pauses before it
// takes the next one: a steady stream then comes in large batches, with one
// wake-up and one file write each, instead of a wake-up per entry. a reader
// that waits for room ends the pause (see sender_wait_limit)
constexpr auto writer_pause = std::chrono::milliseconds(1);
constexpr std::size_t writer_full_batch = 1024;
constexpr auto flush_interval = std::chrono::seconds(1);
// a reader whose transport blocks its senders (origin::blocks_sender) waits
// for room while this many entries are queued (at most half of
// queue.max_entries), this long at a time, instead of filling the queue
constexpr std::size_t sender_wait_limit = 2048;
constexpr auto sender_max_wait = std::chrono::milliseconds(200);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

pipeline::pipeline(config cfg, pipeline_options options)
    : cfg_(std::move(cfg)), options_(std::move(options)), queue_(cfg_.queue_max_entries),
      allow_plain_stop_(options_.allow_plain_stop || cfg_.control.allow_plain_stop),
      control_(std::make_shared<control_plane>(cfg_.control)),
      host_(sanitise(local_host_name())), pid_(static_cast<std::int64_t>(spdlog::details::os::pid())),
      own_problem_limit_(std::make_unique<rate_limit>(options_.own_problem_limit, options_.own_problem_window)),
      // gap warnings share the limit of the collector's other own warnings
      dedup_(std::make_unique<dedup>(dedup_settings::of(cfg_), options_.own_problem_limit,
                                     options_.own_problem_window, counters_)) {
    outputs_ = open_outputs_(cfg_);
}

pipeline::~pipeline() { stop(); }

std::shared_ptr<pipeline::output_set> pipeline::open_outputs_(const config& cfg) {
    auto outputs = std::make_shared<output_set>();
    // sinks report from the writer thread: through the queue, never re-entering a sink
    problem_reporter reporter = [this](level lvl, const std::string& msg) { report(lvl, msg); };
    for (const auto& o : cfg.outputs) outputs->push_back(make_output(o, reporter));
    return outputs;
}

void pipeline::start() {
    writer_ = std::thread([this] { run_writer_(); });
    running_ = true;
    try {
        // open every endpoint before reading from any: a failure starts nothing
        for (const auto& in : cfg_.inputs) inputs_.emplace(in.key(), make_input(in));
    } catch (...) {
        inputs_.clear();
        stop();
        throw;
    }
    report_control_status_(*control_);
    for (auto& [key, in] : inputs_) in->start(*this);
}

void pipeline::report_control_status_(const control_plane& plane) noexcept {
    // a key that was meant to be there but cannot be used is worth a warning
    report(plane.configured() && !plane.enabled() ? level::warning : level::notice, "control plane " + plane.status());
}

void pipeline::reload(config cfg) {
    auto outputs = open_outputs_(cfg);
    auto control = std::make_shared<control_plane>(cfg.control);
    std::map<std::string, std::unique_ptr<input>> added;
    for (const auto& in : cfg.inputs) {
        if (!inputs_.count(in.key()) && !added.count(in.key())) added.emplace(in.key(), make_input(in));
    }
    // nothing failed: commit
    queue_.set_capacity(cfg.queue_max_entries);
    allow_plain_stop_ = options_.allow_plain_stop || cfg.control.allow_plain_stop;
    {
        std::lock_guard lock(control_mutex_);
        if (control->status() != control_->status()) report_control_status_(*control);
        control_ = std::move(control);
    }
    {
        std::lock_guard lock(outputs_mutex_);
        pending_outputs_ = std::move(outputs);
        pending_dedup_ = std::make_unique<dedup_settings>(dedup_settings::of(cfg));
    }
    for (auto& [key, in] : added) in->start(*this);
    for (auto it = inputs_.begin(); it != inputs_.end();) {
        const bool kept = std::any_of(cfg.inputs.begin(), cfg.inputs.end(),
                                      [&](const input_config& c) { return c.key() == it->first; });
        if (kept) {
            ++it;
        } else {
            it->second->stop();
            it = inputs_.erase(it);
        }
    }
    inputs_.merge(added);
    cfg_ = std::move(cfg);
}

void pipeline::stop() noexcept {
    if (!running_) return;
    running_ = false;
    for (auto& [key, in] : inputs_) in->stop();
    queue_.close();
    if (writer_.joinable()) writer_.join();
    inputs_.clear();
}

void pipeline::on_message(std::string_view payload, const origin& from) noexcept {
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    try {
        if (auto text = control_plane::command_text(payload)) {
            if (*text != "STOP") {
                on_control_(*text, from);
            } else if (allow_plain_stop_) {
                report(level::notice, fmt::format("stop requested by a plain STOP message on slot {}", from.slot));
                if (options_.on_stop_request) options_.on_stop_request();
            } else {
                report(level::warning,
                       fmt::format("plain STOP message on slot {} ignored: plain STOP is not allowed "
                                   "(control.allow_plain_stop is false and --allow-plain-stop was not given)",
                                   from.slot));
            }
            return;
        }
        // the writer decodes: this thread goes back to the socket at once
        queued read;
        read.time = from.received;
        read.text.assign(payload);
        read.peer.assign(from.peer_host);
        read.slot.assign(from.slot);
        // a sender name longer than a queued entry keeps is no sender: never a copy
        if (from.sender.size() <= UINT8_MAX && from.peer_host.starts_with(from.sender)) {
            read.sender_size = static_cast<std::uint8_t>(from.sender.size());
            read.named = from.named;
            read.path = from.path;
        }
        // a sender the transport can hold back waits in its socket rather than in
        // the queue (nothing lost, little memory); for a while only: a stuck
        // writer must not stop the reader for good
        const bool accepted = from.blocks_sender
                                ? queue_.push_or_wait(std::move(read), sender_wait_limit, sender_max_wait)
                                : queue_.try_push(std::move(read));
        if (!accepted) {
            counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
        }
    } catch (...) {
        // out of memory: this message is lost and counted, the reader goes on
        counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

void pipeline::on_drop(const std::string& why) noexcept {
    counters_.input_drops.fetch_add(1, std::memory_order_relaxed);
    report(level::warning, "message dropped: " + why);
}

void pipeline::on_problem(level lvl, const std::string& what) noexcept { report(lvl, what); }

void pipeline::on_control_(const std::string& text, const origin& from) noexcept {
    try {
        std::shared_ptr<control_plane> plane;
        {
            std::lock_guard lock(control_mutex_);
            plane = control_;
        }
        const auto decision = plane->check(text, unix_now());
        const auto where = from.peer_host.empty() ? fmt::format("on {}", from.slot)
                                                  : fmt::format("on {} from {}", from.slot, from.peer_host);
        if (!decision.verb) {
            report(level::warning, fmt::format("control message {} rejected: {}", where, decision.reason));
            return;
        }
        auto notice = fmt::format("control message {} accepted: {}", where, to_string(*decision.verb));
        if (*decision.verb == control_verb::rotate || *decision.verb == control_verb::flush) {
            // the writer carries these out, and writes the notice itself just
            // before: it is in the file that is rotated or flushed
            {
                std::lock_guard lock(requests_mutex_);
                requests_.push_back({*decision.verb, std::move(notice)});
            }
            queue_.wake();
            return;
        }
        report(level::notice, notice);
        if (*decision.verb == control_verb::stop && options_.on_stop_request) options_.on_stop_request();
        if (*decision.verb == control_verb::reload && options_.on_reload_request) options_.on_reload_request();
    } catch (...) {
        counters_.input_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

std::string pipeline::summary() const {
    return fmt::format("{} messages received, {} entries written, {} dropped, {} repeats dropped, {} messages missing",
                       counters_.received.load(), counters_.written.load(),
                       counters_.queue_drops.load() + counters_.input_drops.load(), counters_.repeats.load(),
                       counters_.missing.load());
}

entry pipeline::self_entry_(level lvl, const std::string& msg, clock::time_point time) const {
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

entry pipeline::entry_of_(const queued& q) const {
    if (q.own) return self_entry_(q.lvl, q.text, q.time);
    return decode(q.text, origin{q.slot, q.peer, q.time});
}

bool pipeline::write_gap_warnings_(output_set& outputs, std::chrono::steady_clock::time_point now,
                                   bool final) noexcept {
    dedup_->gap_warnings(now, final, gap_warnings_);
    const bool wrote = !gap_warnings_.empty();
    try {
        for (const auto& text : gap_warnings_) {
            own_problem_(level::warning, text);
            write_(self_entry_(level::warning, text), outputs);
        }
    } catch (...) {
    }
    gap_warnings_.clear();
    return wrote;
}

void pipeline::own_problem_(level lvl, const std::string& msg) noexcept {
    if (lvl < level::warning || !options_.on_own_problem) return;
    try {
        std::string text;
        {
            std::lock_guard lock(own_problem_mutex_);
            if (!own_problem_limit_->allow(std::chrono::steady_clock::now())) {
                ++own_problems_left_out_;
                return;
            }
            text = msg;
            if (own_problems_left_out_ > 0) {
                text += fmt::format(" ({} more of the collector's warnings and errors were left out here; "
                                    "its log files have them all)",
                                    std::exchange(own_problems_left_out_, 0));
            }
        }
        options_.on_own_problem(lvl, text);
    } catch (...) {
    }
}

void pipeline::report(level lvl, const std::string& msg) noexcept {
    own_problem_(lvl, msg);
    try {
        queued own;
        own.time = clock::now();
        own.text = msg;
        own.lvl = lvl;
        own.own = true;
        if (!queue_.try_push(std::move(own))) {
            counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
        }
    } catch (...) {
        counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

void pipeline::run_writer_() noexcept {
    std::vector<queued> batch;
    auto last_flush = std::chrono::steady_clock::now();
    bool dirty = false;
    for (;;) {
        const bool open = queue_.pop_batch(batch, writer_wait);
        {
            std::lock_guard lock(outputs_mutex_);
            if (pending_outputs_) {
                flush_(*outputs_);
                outputs_ = std::move(pending_outputs_);
            }
            if (pending_dedup_) {
                dedup_->apply(*pending_dedup_);
                pending_dedup_.reset();
            }
        }
        // one clock read a batch: the window is seconds, a batch milliseconds
        const auto taken = std::chrono::steady_clock::now();
        for (const auto& q : batch) {
            const entry e = entry_of_(q);
            const dedup::arrival a{q.text, std::string_view(q.peer).substr(0, q.sender_size), q.named, q.path};
            if (!q.own && dedup_->drop(e, a, taken)) continue;
            write_(e, *outputs_);
        }
        const bool gaps_written = write_gap_warnings_(*outputs_, taken, false);
        dirty = dirty || !batch.empty() || gaps_written;
        const bool pause = !batch.empty() && batch.size() < writer_full_batch;
        batch.clear();
        // after the batch: what was read before the request is in the old file
        const bool flush_requested = carry_out_requests_(*outputs_);
        report_drops_(*outputs_, false);

        // flush when idle, and at least once a second under load. idle or not,
        // once a second: a file that could not be written retries what it kept
        const auto now = std::chrono::steady_clock::now();
        if (flush_requested || (dirty && queue_.size() == 0) || now - last_flush >= flush_interval) {
            flush_(*outputs_);
            last_flush = now;
            dirty = false;
        }
        if (!open) break;
        if (pause) queue_.pause(writer_pause);
    }
    // the summary goes last and straight to the outputs: a full queue cannot lose it.
    // nothing can fill a gap now
    write_gap_warnings_(*outputs_, std::chrono::steady_clock::now(), true);
    report_drops_(*outputs_, true);
    write_(self_entry_(level::notice, "slotlogd stopping: " + summary()), *outputs_);
    flush_(*outputs_);
}

void pipeline::write_(const entry& e, output_set& outputs) noexcept {
    // each format at most once per entry, whatever the number of outputs,
    // into buffers the writer thread reuses (no allocation per entry)
    std::string& text = text_line_;
    std::string& json = json_line_;
    text.clear();
    json.clear();
    for (auto& o : outputs) {
        if (e.lvl < o.cfg.min_level) continue;
        if (e.own && options_.on_own_problem && o.cfg.type == "eventlog") continue;  // the host has it
        std::string_view line;
        if (o.cfg.format == line_format::json && !o.drop_timestamp) {
            if (json.empty()) format_json(json, e);
            line = json;
        } else {
            if (text.empty()) format_text(text, e);
            line = text;
            if (o.drop_timestamp) line = line.substr(line.find(' ') + 1);
        }
        try {
            const spdlog::details::log_msg msg(e.time, spdlog::source_loc{}, spdlog::string_view_t{},
                                               to_spdlog(e.lvl), spdlog::string_view_t(line.data(), line.size()));
            o.sink->log(msg);
            if (o.failures > 0) {
                report(level::notice, fmt::format("{} works again after {} failed write(s)", o.describe, o.failures));
                o.failures = 0;
            }
        } catch (const std::exception& ex) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
            if (o.failures++ == 0) report(level::error, fmt::format("cannot write to {}: {}", o.describe, ex.what()));
        } catch (...) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
            ++o.failures;
        }
    }
    counters_.written.fetch_add(1, std::memory_order_relaxed);
}

bool pipeline::carry_out_requests_(output_set& outputs) noexcept {
    std::vector<writer_request> requests;
    {
        std::lock_guard lock(requests_mutex_);
        requests.swap(requests_);
    }
    bool flush = false;
    for (const auto& r : requests) {
        write_(self_entry_(level::notice, r.notice), outputs);
        if (r.verb == control_verb::rotate) rotate_files_(outputs);
        flush = flush || r.verb == control_verb::flush;
    }
    return flush;
}

void pipeline::rotate_files_(output_set& outputs) noexcept {
    for (auto& o : outputs) {
        try {
            if (o.file) o.file->rotate();  // a failure is reported by the sink and retried
        } catch (...) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

void pipeline::flush_(output_set& outputs) noexcept {
    for (auto& o : outputs) {
        try {
            o.sink->flush();
        } catch (...) {
            counters_.output_errors.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

void pipeline::report_drops_(output_set& outputs, bool final) noexcept {
    const auto dropped = counters_.queue_drops.load(std::memory_order_relaxed);
    if (dropped == reported_drops_) return;
    // the first drops at once, then at most once a minute while they go on
    const auto now = std::chrono::steady_clock::now();
    if (!final && last_drop_report_ && now - *last_drop_report_ < options_.drop_report_interval) return;
    try {
        // written directly: the queue is what overflowed
        const auto text = fmt::format("{} entries dropped because the queue was full ({} in total)",
                                      dropped - reported_drops_, dropped);
        own_problem_(level::warning, text);
        write_(self_entry_(level::warning, text), outputs);
    } catch (...) {
    }
    reported_drops_ = dropped;
    last_drop_report_ = now;
}

} // namespace slotlog
