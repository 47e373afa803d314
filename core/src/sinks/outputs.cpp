#include <slotlog/outputs.h>

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "forward/forward_output.h"
#include "sinks/file_output.h"

namespace slotlog {

output make_output(const output_config& cfg, const problem_reporter& report) {
    output out;
    out.cfg = cfg;
    if (cfg.type == "forward") {
        out.forward = open_forward_output(cfg, report);
        out.describe = "forward:" + cfg.forward.name;
        return out;
    }
    try {
        if (cfg.type == "file") {
            out.file = std::make_shared<file_output>(cfg, report);
            out.describe = "file:" + cfg.path.string();
            return out;
        } else if (cfg.type == "console") {
            out.sink = std::make_shared<spdlog::sinks::stdout_color_sink_st>();
            out.describe = "console";
        } else {
            out.sink = make_platform_sink(cfg);
            out.describe = cfg.type;
            out.drop_timestamp = true;
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("cannot open the {} output: {}", cfg.type, e.what()));
    }
    if (!out.sink) throw std::runtime_error(fmt::format("'{}' outputs are not available on this system", cfg.type));
    out.sink->set_formatter(std::make_unique<line_formatter>(cfg.type == "console" && cfg.format == line_format::text));
    out.sink->set_level(spdlog::level::trace);  // filtering is ours, by min_level
    return out;
}

} // namespace slotlog
