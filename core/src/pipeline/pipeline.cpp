#include <slotlog/pipeline.h>

#include <algorithm>
#include <utility>

#include "pipeline/hand_off.h"
#include "pipeline/writer.h"
#include "route/route_filter.h"

namespace slotlog {

namespace {

bool allows_plain_stop(const pipeline_options& options, const config& cfg) {
    return options.allow_plain_stop || cfg.control.allow_plain_stop;
}

// every output of the configuration, with its match and exclude compiled
// here, once per configuration; sinks report from the writer thread through
// the queue, never re-entering a sink
std::shared_ptr<output_set> open_outputs(const config& cfg, const problem_reporter& report) {
    auto outputs = std::make_shared<output_set>();
    for (const auto& o : cfg.outputs) {
        outputs->push_back(make_output(o, report));
        outputs->back().filter = make_route_filter(o);
    }
    return outputs;
}

} // namespace

pipeline::pipeline(config cfg, pipeline_options options)
    : cfg_(std::move(cfg)), options_(std::move(options)),
      queue_(std::make_unique<message_queue>(cfg_.queue_max_entries)), requests_(std::make_unique<writer_requests>()),
      own_(std::make_unique<own_problems>(options_.on_own_problem, options_.own_problem_limit,
                                          options_.own_problem_window)),
      hand_off_(std::make_unique<hand_off>(*queue_, *requests_, counters_, *own_,
                                           hand_off::host_requests{options_.on_stop_request, options_.on_reload_request},
                                           std::make_shared<control_plane>(cfg_.control),
                                           allows_plain_stop(options_, cfg_))) {}

pipeline::~pipeline() { stop(); }

void pipeline::start() {
    // every endpoint first, before an output is opened: a collector that cannot
    // have its slot (another one reads it) starts nothing, and writes nothing
    // into the files of the one that runs. a failure throws, and what was
    // opened closes with `opened`
    input_map opened;
    for (const auto& in : cfg_.inputs) opened.emplace(in.key(), make_input(in));
    const problem_reporter report = [this](level lvl, const std::string& msg, report_kind kind) {
        hand_off_->report(lvl, msg, kind);
    };
    writer_ = std::make_unique<writer>(
        *queue_, *requests_, counters_, *own_, report, open_outputs(cfg_, report), dedup_settings::of(cfg_),
        writer::settings{options_.own_problem_limit, options_.own_problem_window, options_.drop_report_interval,
                         cfg_.stats_interval, [this] { return input_statistics_(); }});
    writer_->start();
    running_ = true;
    {
        std::lock_guard lock(inputs_mutex_);
        inputs_ = std::move(opened);
    }
    hand_off_->report_control_status();
    for (auto& [key, in] : inputs_) in->start(*hand_off_);
}

void pipeline::reload(config cfg) {
    const problem_reporter report = [this](level lvl, const std::string& msg, report_kind kind) {
        hand_off_->report(lvl, msg, kind);
    };
    auto outputs = open_outputs(cfg, report);
    auto control = std::make_shared<control_plane>(cfg.control);
    auto added = open_added_inputs_(cfg);
    // nothing failed: commit
    queue_->set_capacity(cfg.queue_max_entries);
    hand_off_->set_control(std::move(control), allows_plain_stop(options_, cfg));
    writer_->replace(std::move(outputs), dedup_settings::of(cfg));
    writer_->set_stats_interval(cfg.stats_interval);
    for (auto& [key, in] : added) in->start(*hand_off_);
    stop_removed_inputs_(cfg);
    {
        std::lock_guard lock(inputs_mutex_);
        inputs_.merge(added);
    }
    cfg_ = std::move(cfg);
}

pipeline::input_map pipeline::open_added_inputs_(const config& cfg) const {
    input_map added;
    for (const auto& in : cfg.inputs) {
        if (!inputs_.count(in.key()) && !added.count(in.key())) added.emplace(in.key(), make_input(in));
    }
    return added;
}

void pipeline::stop_removed_inputs_(const config& cfg) noexcept {
    for (auto it = inputs_.begin(); it != inputs_.end();) {
        const bool kept = std::any_of(cfg.inputs.begin(), cfg.inputs.end(),
                                      [&](const input_config& c) { return c.key() == it->first; });
        if (kept) {
            ++it;
        } else {
            it->second->stop();
            std::lock_guard lock(inputs_mutex_);
            it = inputs_.erase(it);
        }
    }
}

void pipeline::stop() noexcept {
    if (!running_) return;
    running_ = false;
    for (auto& [key, in] : inputs_) in->stop();
    queue_->close();
    writer_->join();
    std::lock_guard lock(inputs_mutex_);
    inputs_.clear();
}

std::string pipeline::input_statistics_() const {
    std::lock_guard lock(inputs_mutex_);
    std::string out;
    for (const auto& [key, in] : inputs_) {
        const auto c = in->counts();
        if (!out.empty()) out += "; ";
        out += in->name() + " " + std::to_string(c.received) + " received, " + std::to_string(c.dropped) + " dropped";
    }
    return out;
}

void pipeline::report(level lvl, const std::string& msg) noexcept { hand_off_->report(lvl, msg); }

void pipeline::on_message(std::string_view payload, const origin& from) noexcept {
    hand_off_->on_message(payload, from);
}

void pipeline::on_drop(const std::string& why) noexcept { hand_off_->on_drop(why); }

void pipeline::on_problem(level lvl, const std::string& what) noexcept { hand_off_->on_problem(lvl, what); }

std::string pipeline::summary() const { return summary_of(counters_); }

} // namespace slotlog
