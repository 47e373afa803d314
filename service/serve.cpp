#include "serve.h"

#include <algorithm>
#include <iostream>

#include "collector.h"
#include "control_events.h"
#include "process_memory.h"
#include "service_manager.h"

namespace slotlog {

int serve(const serve_options& options) {
    share_one_heap_arena();  // before any thread
    control_events events;  // first: signals are blocked in every thread started later

    collector_options co;
    co.config_file = options.config_file;
    co.default_base = std::filesystem::current_path();
    co.mode = run_mode::serve;
    co.allow_plain_stop = options.allow_plain_stop;
    co.on_stop_request = [&events] { events.request_stop(); };
    co.on_reload_request = [&events] { events.request_reload(); };

    std::unique_ptr<collector> c;
    try {
        c = std::make_unique<collector>(std::move(co));
    } catch (const config_error& e) {
        for (const auto& p : e.problems()) std::cerr << p.to_string() << '\n';
        return exit_bad_config;
    }
    try {
        c->start();
    } catch (const std::exception& e) {
        std::cerr << "slotlogd: " << e.what() << '\n';
        return exit_startup;
    }
    const auto& outputs = c->current_config().outputs;
    if (std::none_of(outputs.begin(), outputs.end(), [](const output_config& o) { return o.type == "console"; })) {
        std::cerr << "slotlogd: started: " << c->describe() << '\n';
    }
    // every input is open: a Type=notify unit becomes active only now
    notify_service_manager("READY=1\nSTATUS=" + c->describe());

    while (events.wait() == control_event::reload) {
        notify_service_manager("RELOADING=1");
        const auto refused = c->reload();
        notify_service_manager("READY=1\nSTATUS=" + (refused ? "reload refused, kept: " : std::string()) + c->describe());
    }
    notify_service_manager("STOPPING=1");
    c->stop();
    return exit_ok;
}

} // namespace slotlog
