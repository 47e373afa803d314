#include <slotlog/outputs.h>

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/details/os.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace slotlog {

void line_formatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    const auto payload = msg.payload;
    if (colour_label_) {
        // text lines: "<time> <LABEL> ...": colour the label only
        const auto start = std::string_view(payload.data(), payload.size()).find(' ');
        if (start != std::string_view::npos) {
            const auto end = std::string_view(payload.data(), payload.size()).find(' ', start + 1);
            msg.color_range_start = dest.size() + start + 1;
            msg.color_range_end = dest.size() + (end == std::string_view::npos ? payload.size() : end);
        }
    }
    dest.append(payload.data(), payload.data() + payload.size());
    constexpr std::string_view eol{spdlog::details::os::default_eol};
    dest.append(eol.data(), eol.data() + eol.size());
}

std::unique_ptr<spdlog::formatter> line_formatter::clone() const {
    return std::make_unique<line_formatter>(colour_label_);
}

spdlog::level::level_enum to_spdlog(level l) noexcept {
    switch (l) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info:
    case level::notice: return spdlog::level::info;
    case level::warning: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    case level::critical: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

output make_output(const output_config& cfg, const problem_reporter& report) {
    output out;
    out.cfg = cfg;
    try {
        if (cfg.type == "file") {
            out.file = std::make_shared<rotating_file_sink>(cfg.path, cfg.max_size, cfg.max_files, report);
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
