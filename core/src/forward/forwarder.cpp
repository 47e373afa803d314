#include "forward/forwarder.h"

#include <algorithm>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "forward/relp_client.h"
#include "forward/syslog_message.h"
#include "thread_name.h"

namespace slotlog {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t tcp_batch = 512;                // records per write
constexpr std::size_t relp_window = 4096;             // unacknowledged relp messages
// a server acknowledges each message alone: with more than half the window in
// flight (nothing to send until half is acknowledged) the sender lets them
// gather this long instead of waking for each one
constexpr auto relp_ack_pause = 1ms;
constexpr auto idle_wait = 200ms;                     // for the queue when nothing is in flight
constexpr auto first_backoff = std::chrono::milliseconds(1s);
constexpr auto max_backoff = std::chrono::milliseconds(60s);
constexpr auto return_interval = 60s;                 // to the first target after a failover
constexpr auto close_wait = 1s;                       // for the server's answer to relp close
// tls 1.3 ends the handshake on our side before the server has checked our
// certificate: a server that refuses it says so in an alert one round trip
// later. over plain tcp nothing else would tell, so the sender waits that
// long before it writes, and a refusal is a failed connect (the entries wait)
// instead of a write that looked done (relp learns it from the open's answer)
constexpr auto tls_refusal_wait = 1s;

enum target_state { unknown = 0, up = 1, down = -1 };

} // namespace

forwarder::forwarder(settings s, disk_queue& queue, forward_counters& counters, problem_reporter report)
    : settings_(std::move(s)), queue_(queue), counters_(counters), report_(std::move(report)),
      target_state_(settings_.targets.size(), unknown),
      jitter_(static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count())) {
    thread_ = std::thread([this] {
        name_this_thread("slotlog-forward");
        run_();
    });
}

forwarder::~forwarder() { stop(); }

void forwarder::stop() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool forwarder::wait_(std::chrono::milliseconds d) noexcept {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this] { return stopping_.load(); });
    return !stopping_;
}

void forwarder::back_off_() noexcept {
    backoff_ = backoff_.count() == 0 ? first_backoff : std::min(backoff_ * 2, max_backoff);
    // jitter: collectors that lost the same server do not all come back at once
    std::uniform_real_distribution<double> spread(0.75, 1.25);
    wait_(std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(backoff_.count()) * spread(jitter_))));
}

bool forwarder::time_to_return_() const noexcept {
    return current_ > 0 && std::chrono::steady_clock::now() - failed_over_ >= return_interval;
}

void forwarder::run_() noexcept {
    while (!stopping_) {
        if (!conn_) {
            if (!connect_(0, settings_.targets.size())) back_off_();
            continue;
        }
        if (time_to_return_() && in_flight_.empty()) {
            failed_over_ = std::chrono::steady_clock::now();  // the next try in a minute
            const auto fallback = current_;
            if (settings_.protocol == "relp") close_relp_();
            conn_.reset();
            if (!connect_(0, 1)) connect_(fallback, fallback + 1);
            continue;
        }
        if (settings_.protocol == "relp") {
            deliver_relp_();
        } else {
            deliver_tcp_();
        }
    }
    if (conn_ && settings_.protocol == "relp") close_relp_();
    conn_.reset();
}

bool forwarder::connect_(std::size_t first, std::size_t last) noexcept {
    for (std::size_t i = first; i < last && !stopping_; ++i) {
        const auto& target = settings_.targets[i];
        try {
            conn_ = settings_.tls.enabled ? connect_tls(target, settings_.tls, settings_.connect_timeout)
                                          : connect_tcp(target, settings_.connect_timeout);
            current_ = i;
            queue_.rewind();
            unsent_.clear();
            in_flight_.clear();
            if (settings_.protocol == "relp" && !open_relp_()) continue;
            if (settings_.protocol != "relp" && settings_.tls.enabled) await_tls_refusal_();
        } catch (const std::exception& e) {
            conn_.reset();
            if (target_state_[i] != down) {
                report_(level::warning,
                        fmt::format("forward {}: cannot reach {}: {}; entries wait in the queue", settings_.name,
                                    target.text, e.what()),
                        report_kind::target_down);
            }
            target_state_[i] = down;
            continue;
        }
        // a new connection to a target that was up (after a return attempt) is no change: news for the log only
        report_(level::notice,
                fmt::format("forward {}: {} {} ({}{})", settings_.name,
                            target_state_[i] == down ? "reached again:" : "connected to", target.text,
                            settings_.protocol, settings_.tls.enabled ? " over tls" : ""),
                target_state_[i] == up ? report_kind::problem : report_kind::target_up);
        target_state_[i] = up;
        if (i > 0 && first == 0) failed_over_ = std::chrono::steady_clock::now();
        backoff_ = std::chrono::milliseconds(0);
        return true;
    }
    return false;
}

void forwarder::await_tls_refusal_() {
    in_.clear();
    const auto why = conn_->receive(in_, std::min<std::chrono::milliseconds>(tls_refusal_wait, settings_.connect_timeout));
    if (!why.empty()) throw std::runtime_error(why);
}

void forwarder::disconnect_(const std::string& why) noexcept {
    if (target_state_[current_] != down) {
        report_(level::warning,
                fmt::format("forward {}: lost {}: {}; entries wait in the queue", settings_.name,
                            settings_.targets[current_].text, why),
                report_kind::target_down);
    }
    target_state_[current_] = down;
    conn_.reset();
    relp_.reset();
    queue_.rewind();
    unsent_.clear();
    in_flight_.clear();
    back_off_();
}

bool forwarder::deliver_tcp_() noexcept {
    batch_.clear();
    if (!queue_.read(batch_, tcp_batch, idle_wait)) {
        // idle: a server that closed the connection is noticed now, not at the next entry
        in_.clear();
        const auto why = conn_->receive(in_, 0ms);
        if (!why.empty()) disconnect_(why);
        return why.empty();
    }
    try {
        out_.clear();
        for (const auto& r : batch_) append_octet_counted(out_, r.payload);
    } catch (...) {
        disconnect_("out of memory");
        return false;
    }
    const auto why = conn_->send_all(out_, settings_.io_timeout);
    if (!why.empty()) {
        disconnect_(why);
        return false;
    }
    // tcp has no acknowledgement: written is done (RFC 6587; docs/forwarding.md)
    counters_.sent.fetch_add(batch_.size(), std::memory_order_relaxed);
    counters_.acknowledged.fetch_add(batch_.size(), std::memory_order_relaxed);
    queue_.acknowledge(batch_.back().number);
    return true;
}

bool forwarder::open_relp_() noexcept {
    try {
        relp_ = std::make_unique<relp_client>(relp_window);
        out_.clear();
        relp_->start(out_);
        auto why = conn_->send_all(out_, settings_.io_timeout);
        const auto deadline = std::chrono::steady_clock::now() + settings_.connect_timeout;
        while (why.empty() && !relp_->opened() && std::chrono::steady_clock::now() < deadline && !stopping_) {
            if (!take_relp_events_(100ms)) return false;
        }
        if (why.empty() && !relp_->opened()) why = "the server did not answer the relp open";
        if (why.empty()) return true;
        throw std::runtime_error(why);
    } catch (const std::exception& e) {
        // said once, like any other way a target goes down
        if (target_state_[current_] != down) {
            report_(level::warning,
                    fmt::format("forward {}: {} refused the relp session: {}", settings_.name,
                                settings_.targets[current_].text, e.what()),
                    report_kind::target_down);
        }
        target_state_[current_] = down;
        conn_.reset();
        relp_.reset();
        return false;
    }
}

void forwarder::close_relp_() noexcept {
    if (!conn_ || !relp_ || !relp_->opened()) return;
    try {
        out_.clear();
        relp_->close(out_);
        if (!conn_->send_all(out_, close_wait).empty()) return;
        const auto deadline = std::chrono::steady_clock::now() + close_wait;
        while (conn_ && std::chrono::steady_clock::now() < deadline) {
            if (!take_relp_events_(100ms)) return;
        }
    } catch (...) {
    }
}

bool forwarder::deliver_relp_() noexcept {
    // the window is refilled once half of it is acknowledged: one write for many
    // messages, not one per acknowledgement
    if (relp_->unacknowledged() <= relp_window / 2) {
        try {
            out_.clear();
            while (relp_->can_send()) {
                if (unsent_.empty()) {
                    batch_.clear();
                    if (!queue_.read(batch_, relp_window, in_flight_.empty() ? idle_wait : 0ms)) break;
                    for (auto& r : batch_) unsent_.push_back(std::move(r));
                }
                auto& r = unsent_.front();
                in_flight_.push_back({relp_->send_syslog(out_, r.payload), r.number});
                unsent_.pop_front();
                counters_.sent.fetch_add(1, std::memory_order_relaxed);
            }
        } catch (...) {
            disconnect_("out of memory");
            return false;
        }
        if (!out_.empty()) {
            const auto why = conn_->send_all(out_, settings_.io_timeout);
            if (!why.empty()) {
                disconnect_(why);
                return false;
            }
        }
    }
    if (relp_->unacknowledged() > relp_window / 2) std::this_thread::sleep_for(relp_ack_pause);
    return take_relp_events_(in_flight_.empty() ? 0ms : idle_wait);
}

void forwarder::mark_acknowledged_(std::uint32_t txnr) noexcept {
    // transaction numbers go up by one per message (relp_client): where it
    // should be is looked at first, then everywhere (after a wrap)
    if (in_flight_.empty()) return;
    const std::size_t at = txnr - in_flight_.front().txnr;
    if (txnr >= in_flight_.front().txnr && at < in_flight_.size() && in_flight_[at].txnr == txnr) {
        in_flight_[at].acknowledged = true;
        return;
    }
    for (auto& f : in_flight_) {
        if (f.txnr == txnr) f.acknowledged = true;
    }
}

bool forwarder::take_relp_events_(std::chrono::milliseconds wait) noexcept {
    in_.clear();
    auto why = conn_->receive(in_, wait);
    std::vector<relp_client::event> events;
    try {
        if (!in_.empty()) relp_->receive(in_, events);
    } catch (...) {
        why = "out of memory";
    }
    std::uint64_t done = 0;
    std::size_t count = 0;
    for (const auto& e : events) {
        using kind = relp_client::event::kind;
        if (e.what == kind::acknowledged) {
            mark_acknowledged_(e.txnr);
            // the queue is done up to the first message still unacknowledged
            while (!in_flight_.empty() && in_flight_.front().acknowledged) {
                done = in_flight_.front().number;
                in_flight_.pop_front();
                ++count;
            }
        } else if (e.what == kind::refused) {
            why = "the server refused a message: " + e.text;
        } else if (e.what == kind::server_closed) {
            why = "the server closed the session" + (e.text.empty() ? std::string() : ": " + e.text);
        } else if (e.what == kind::protocol_error) {
            why = "relp protocol error: " + e.text;
        } else if (e.what == kind::closed) {
            conn_.reset();
            return false;
        }
    }
    const auto now = std::chrono::steady_clock::now();
    if (done > 0) {
        queue_.acknowledge(done);
        counters_.acknowledged.fetch_add(count, std::memory_order_relaxed);
    }
    if (done > 0 || in_flight_.empty()) last_progress_ = now;
    if (why.empty() && now - last_progress_ > settings_.io_timeout) {
        why = fmt::format("no acknowledgement for {} s", settings_.io_timeout.count() / 1000);
    }
    if (!why.empty()) {
        disconnect_(why);
        return false;
    }
    return true;
}

} // namespace slotlog
