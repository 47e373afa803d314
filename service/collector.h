#pragma once

// the collector's lifecycle, shared by the console host (`serve`) and the
// windows service host (`service`): load the configuration, open everything,
// reload on request, stop after draining

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <slotlog/config.h>
#include <slotlog/pipeline.h>

namespace slotlog {

struct collector_options {
    std::filesystem::path config_file;      // empty: the embedded default
    std::filesystem::path default_base;     // where the embedded default's relative paths point
    run_mode mode = run_mode::serve;
    bool allow_plain_stop = false;
    std::function<void()> on_stop_request;  // an accepted STOP or control stop message
    std::function<void()> on_reload_request;  // an accepted control reload message
    problem_reporter on_own_problem;        // see pipeline_options
};

class collector {
public:
    // loads and validates the configuration: throws config_error
    explicit collector(collector_options options);
    ~collector();

    // opens the outputs and inputs and starts reading: throws std::runtime_error
    // naming what could not be opened
    void start();
    // reloads the configuration file; a configuration that cannot be loaded or
    // opened is refused (logged as error entries) and the running one kept:
    // then the reason is returned
    std::optional<std::string> reload() noexcept;
    // stops reading, writes and flushes everything read
    void stop() noexcept;

    const config& current_config() const noexcept { return cfg_; }
    // "config X; inputs: ...; outputs: ..."
    std::string describe() const;
    pipeline* running() noexcept { return pipeline_.get(); }

private:
    config load_() const;

    collector_options options_;
    config cfg_;
    std::unique_ptr<pipeline> pipeline_;
};

} // namespace slotlog
