#include "collector.h"

#include <fmt/format.h>

namespace slotlog {

namespace {

std::string describe_config(const config& cfg) {
    std::string inputs, outputs;
    for (const auto& in : cfg.inputs) inputs += (inputs.empty() ? "" : ", ") + in.key();
    for (const auto& out : cfg.outputs) {
        outputs += (outputs.empty() ? "" : ", ") + out.type;
        if (out.type == "file") outputs += " " + out.path.string();
    }
    return fmt::format("config {}; inputs: {}; outputs: {}", cfg.origin, inputs, outputs);
}

} // namespace

collector::collector(collector_options options) : options_(std::move(options)), cfg_(load_()) {}

collector::~collector() { stop(); }

config collector::load_() const {
    if (options_.config_file.empty()) return default_config(options_.mode, options_.default_base);
    return load_config_file(options_.config_file);
}

std::string collector::describe() const { return describe_config(cfg_); }

void collector::start() {
    pipeline_options po;
    po.allow_plain_stop = options_.allow_plain_stop;
    po.on_stop_request = options_.on_stop_request;
    po.on_reload_request = options_.on_reload_request;
    po.on_own_problem = options_.on_own_problem;
    pipeline_ = std::make_unique<pipeline>(cfg_, std::move(po));
    pipeline_->start();
    pipeline_->report(level::notice, fmt::format("slotlogd {} started: {}", SLOTLOG_VERSION, describe()));
}

std::optional<std::string> collector::reload() noexcept {
    if (!pipeline_) return std::nullopt;
    try {
        auto next = load_();
        const auto text = describe_config(next);
        pipeline_->reload(next);
        cfg_ = std::move(next);
        pipeline_->report(level::notice, "configuration reloaded: " + text);
        return std::nullopt;
    } catch (const config_error& e) {
        for (const auto& p : e.problems()) pipeline_->report(level::error, "reload refused: " + p.to_string());
        return std::string(e.what());
    } catch (const std::exception& e) {
        pipeline_->report(level::error, std::string("reload failed, previous configuration kept: ") + e.what());
        return std::string(e.what());
    }
}

void collector::stop() noexcept {
    if (pipeline_) pipeline_->stop();
}

} // namespace slotlog
