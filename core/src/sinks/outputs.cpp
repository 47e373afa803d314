#include <slotlog/outputs.h>

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include "forward/forward_output.h"
#include "sinks/file_upkeep.h"

namespace slotlog {

namespace {

// compression and retention of a file output, or null when it has neither
std::shared_ptr<file_upkeep> make_upkeep(const output_config& cfg, const problem_reporter& report) {
    const bool compress = cfg.compress == file_compression::gzip;
    if (!compress && cfg.max_age.count() == 0 && cfg.max_total_size == 0) return nullptr;
    upkeep_settings s;
    s.folder = cfg.path.parent_path();
    s.recursive = false;  // a fixed path: its folder's own files only
    s.family = fixed_path_family(cfg.path);
    s.compress = compress;
    s.max_age = cfg.max_age;
    s.max_total_size = cfg.max_total_size;
    s.describe = cfg.path.string();
    return std::make_shared<file_upkeep>(std::move(s), report);
}

} // namespace

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
            out.upkeep = make_upkeep(cfg, report);
            out.file = std::make_shared<rotating_file_sink>(cfg.path, cfg.max_size, cfg.max_files, report, out.upkeep);
            out.sink = out.file;
            out.describe = "file:" + cfg.path.string();
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
