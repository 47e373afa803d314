#include "serve.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include <slotlog/config.h>
#include <slotlog/pipeline.h>

#include "control_events.h"

namespace slotlog {

namespace {

config load(const serve_options& options) {
    if (options.config_file.empty()) return default_config(run_mode::serve, std::filesystem::current_path());
    return load_config_file(options.config_file);
}

std::string describe(const config& cfg) {
    std::string inputs, outputs;
    for (const auto& in : cfg.inputs) inputs += (inputs.empty() ? "" : ", ") + in.key();
    for (const auto& out : cfg.outputs) {
        outputs += (outputs.empty() ? "" : ", ") + out.type;
        if (out.type == "file") outputs += " " + out.path.string();
    }
    return fmt::format("config {}; inputs: {}; outputs: {}", cfg.origin, inputs, outputs);
}

void print_problems(const config_error& e) {
    for (const auto& p : e.problems()) std::cerr << p.to_string() << '\n';
}

} // namespace

int serve(const serve_options& options) {
    control_events events;  // first: signals are blocked in every thread started later

    config cfg;
    try {
        cfg = load(options);
    } catch (const config_error& e) {
        print_problems(e);
        return exit_bad_config;
    }
    const bool has_console = std::any_of(cfg.outputs.begin(), cfg.outputs.end(),
                                         [](const output_config& o) { return o.type == "console"; });

    std::unique_ptr<pipeline> collector;
    try {
        pipeline_options po;
        po.allow_plain_stop = options.allow_plain_stop;
        po.on_stop_request = [&events] { events.request_stop(); };
        collector = std::make_unique<pipeline>(cfg, std::move(po));
        collector->start();
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: " << e.what() << '\n';
        return exit_startup;
    }
    collector->report(level::notice, fmt::format("slotlogd {} started: {}", SLOTLOG_VERSION, describe(cfg)));
    if (!has_console) std::cerr << "slotlogd: started: " << describe(cfg) << '\n';

    while (events.wait() == control_event::reload) {
        try {
            auto next = load(options);
            const auto text = describe(next);
            collector->reload(std::move(next));
            collector->report(level::notice, "configuration reloaded: " + text);
        } catch (const config_error& e) {
            for (const auto& p : e.problems()) collector->report(level::error, "reload refused: " + p.to_string());
        } catch (const std::exception& e) {
            collector->report(level::error, std::string("reload failed, previous configuration kept: ") + e.what());
        }
    }
    collector->stop();
    return exit_ok;
}

} // namespace slotlog
