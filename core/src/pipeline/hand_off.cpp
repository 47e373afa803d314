#include "pipeline/hand_off.h"

#include <chrono>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

namespace slotlog {

namespace {

// a reader whose transport blocks its senders (origin::blocks_sender) waits
// for room while this many entries are queued (at most half of
// queue.max_entries), this long at a time, instead of filling the queue. a
// batch can hold the writer for most of a second when it must create a
// thousand files (a cold start of per-host files: about 0.75 ms a file on
// ext4), and only a writer that takes nothing for this long is stuck
constexpr std::size_t sender_wait_limit = 2048;
constexpr auto sender_max_wait = std::chrono::seconds(2);

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

hand_off::hand_off(message_queue& queue, writer_requests& requests, pipeline_counters& counters, own_problems& own,
                   host_requests host, std::shared_ptr<control_plane> control, bool allow_plain_stop)
    : queue_(queue), requests_(requests), counters_(counters), own_(own), host_(std::move(host)),
      control_plane_(std::move(control)), allow_plain_stop_(allow_plain_stop) {}

void hand_off::set_control(std::shared_ptr<control_plane> control, bool allow_plain_stop) {
    allow_plain_stop_ = allow_plain_stop;
    std::lock_guard lock(control_mutex_);
    if (control->status() != control_plane_->status()) report_status_(*control);
    control_plane_ = std::move(control);
}

std::shared_ptr<control_plane> hand_off::control_() const {
    std::lock_guard lock(control_mutex_);
    return control_plane_;
}

void hand_off::report_control_status() noexcept { report_status_(*control_()); }

void hand_off::report_status_(const control_plane& plane) noexcept {
    // a key that was meant to be there but cannot be used is worth a warning
    report(plane.configured() && !plane.enabled() ? level::warning : level::notice, "control plane " + plane.status());
}

void hand_off::report(level lvl, const std::string& msg, report_kind kind) noexcept {
    own_.report(lvl, msg, kind);
    try {
        queued own;
        own.time = clock::now();
        own.text = msg;
        own.lvl = lvl;
        own.own = true;
        if (!queue_.try_push(std::move(own))) counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
    } catch (...) {
        counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

void hand_off::on_message(std::string_view payload, const origin& from) noexcept {
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    try {
        if (auto text = control_plane::command_text(payload)) {
            if (*text == "STOP") {
                on_plain_stop_(from);
            } else {
                on_control_(*text, from);
            }
            return;
        }
        enqueue_(payload, from);
    } catch (...) {
        // out of memory: this message is lost and counted, the reader goes on
        counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

void hand_off::enqueue_(std::string_view payload, const origin& from) {
    // the writer decodes: this thread goes back to the socket at once. the
    // item is one the writer handed back (queue.h): its strings keep their
    // storage, so a steady stream is queued without allocating
    const auto fill = [&](queued& read) {
        read.time = from.received;
        read.text.assign(payload);
        read.peer.assign(from.peer_host);
        read.slot.assign(from.slot);
        read.path = 0;
        read.sender_size = 0;
        read.named = false;
        read.lvl = level::info;
        read.own = false;
        // a sender name longer than a queued entry keeps is no sender: never a copy
        if (from.sender.size() <= UINT8_MAX && from.peer_host.starts_with(from.sender)) {
            read.sender_size = static_cast<std::uint8_t>(from.sender.size());
            read.named = from.named;
            read.path = from.path;
        }
    };
    // a sender the transport can hold back waits in its socket rather than in
    // the queue (nothing lost, little memory); for a while only: a stuck
    // writer must not stop the reader for good
    const bool accepted = from.blocks_sender ? queue_.fill_or_wait(fill, sender_wait_limit, sender_max_wait)
                                             : queue_.try_fill(fill);
    if (!accepted) counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
}

void hand_off::on_drop(const std::string& why) noexcept {
    counters_.input_drops.fetch_add(1, std::memory_order_relaxed);
    report(level::warning, "message dropped: " + why);
}

void hand_off::on_problem(level lvl, const std::string& what) noexcept { report(lvl, what); }

void hand_off::on_plain_stop_(const origin& from) {
    if (allow_plain_stop_) {
        report(level::notice, fmt::format("stop requested by a plain STOP message on slot {}", from.slot));
        if (host_.stop) host_.stop();
        return;
    }
    report(level::warning, fmt::format("plain STOP message on slot {} ignored: plain STOP is not allowed "
                                       "(control.allow_plain_stop is false and --allow-plain-stop was not given)",
                                       from.slot));
}

void hand_off::on_control_(const std::string& text, const origin& from) noexcept {
    try {
        carry_out_(text, from);
    } catch (...) {
        counters_.input_drops.fetch_add(1, std::memory_order_relaxed);
    }
}

void hand_off::carry_out_(const std::string& text, const origin& from) {
    const auto decision = control_()->check(text, unix_now());
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
        requests_.push({*decision.verb, std::move(notice)});
        queue_.wake();
        return;
    }
    report(level::notice, notice);
    if (*decision.verb == control_verb::stop && host_.stop) host_.stop();
    if (*decision.verb == control_verb::reload && host_.reload) host_.reload();
}

} // namespace slotlog
