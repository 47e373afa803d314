#include "forward/forward_output.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <slotlog/detail/utf8.h>

#include "dedup/keyed_hash.h"

namespace slotlog {

namespace {

using namespace std::chrono_literals;

// under when_full "block" the writer waits this long for room, in slices,
// then drops the entry (counted): a server gone for good cannot stop the
// collector's stop
constexpr auto block_slice = 1000ms;
constexpr int block_slices = 60;

std::mutex registry_mutex;
std::map<std::filesystem::path, std::weak_ptr<forward_output>> registry;

disk_queue_options queue_options(const output_config& cfg) {
    disk_queue_options o;
    o.dir = cfg.forward.queue.path;
    o.max_size = cfg.forward.queue.max_size;
    o.fsync_interval = cfg.forward.queue.fsync_interval;
    return o;
}

} // namespace

forwarder::settings forward_output::sender_settings(const output_config& cfg) {
    forwarder::settings s;
    s.name = cfg.forward.name;
    s.protocol = cfg.forward.protocol;
    s.tls = cfg.forward.tls;
    for (const auto& t : cfg.forward.targets) s.targets.push_back(parse_target(t));
    return s;
}

forward_output::forward_output(const output_config& cfg, problem_reporter report)
    : name_(cfg.forward.name), report_(std::move(report)), queue_(queue_options(cfg), report_),
      sd_id_(cfg.forward.sd_id), when_full_(cfg.forward.queue.when_full),
      instance_(hash_key::random().k0), settings_(sender_settings(cfg)) {
    format_.facility = syslog_facility(cfg.facility).value_or(1);
    format_.sd_id = sd_id_;
    if (cfg.forward.tls.enabled && !cfg.forward.tls.verify) {
        report_(level::warning, fmt::format("forward {}: tls.verify is false: the server's certificate and name are "
                                            "not checked, so anyone on the way can read and change the entries",
                                            name_));
    }
    sender_ = std::make_unique<forwarder>(settings_, queue_, counters_, report_);
}

forward_output::~forward_output() {
    flush();
    sender_.reset();
    queue_.sync();
}

bool forward_output::accept(const entry& e) noexcept {
    try {
        std::string id;
        {
            std::lock_guard lock(format_mutex_);
            id = entry_id(e, instance_, ++counter_);
            message_.clear();
            append_rfc5424(message_, e, id, format_);
        }
        auto result = queue_.push(id, message_);
        for (int i = 1; result == disk_queue::push_result::full && when_full_ == when_full::block && i < block_slices;
             ++i) {
            result = queue_.push(id, message_, block_slice);
        }
        if (result == disk_queue::push_result::ok) {
            ++held_;
            return true;
        }
    } catch (...) {
    }
    counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
}

void forward_output::flush() noexcept {
    const auto lost = std::min(queue_.flush(), held_);
    counters_.queued.fetch_add(held_ - lost, std::memory_order_relaxed);
    counters_.dropped.fetch_add(lost, std::memory_order_relaxed);
    held_ = 0;
}

void forward_output::reconfigure(const output_config& cfg) {
    auto settings = sender_settings(cfg);
    {
        std::lock_guard lock(format_mutex_);
        sd_id_ = cfg.forward.sd_id;
        format_.sd_id = sd_id_;
        format_.facility = syslog_facility(cfg.facility).value_or(1);
        when_full_ = cfg.forward.queue.when_full;
    }
    if (settings.protocol == settings_.protocol && settings.targets == settings_.targets && settings.tls == settings_.tls) {
        return;
    }
    sender_.reset();
    settings_ = std::move(settings);
    sender_ = std::make_unique<forwarder>(settings_, queue_, counters_, report_);
}

std::string forward_output::summary() const {
    return fmt::format("forward {}: {} queued, {} sent, {} acknowledged, {} dropped, {} waiting", name_,
                       counters_.queued.load(), counters_.sent.load(), counters_.acknowledged.load(),
                       counters_.dropped.load(), queue_.stats().records);
}

std::shared_ptr<forward_output> open_forward_output(const output_config& cfg, const problem_reporter& report) {
    std::lock_guard lock(registry_mutex);
    auto& slot = registry[cfg.forward.queue.path];
    if (auto open = slot.lock()) {
        open->reconfigure(cfg);
        return open;
    }
    try {
        auto created = std::make_shared<forward_output>(cfg, report);
        slot = created;
        return created;
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("cannot open the forward output '{}' (queue {}): {}", cfg.forward.name,
                                             detail::path_to_utf8(cfg.forward.queue.path), e.what()));
    }
}

} // namespace slotlog
