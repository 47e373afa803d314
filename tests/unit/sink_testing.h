#pragma once

// driving a rotating_file_sink the way the collector's writer does, for tests

#include <slotlog/outputs.h>
#include <slotlog/rotating_file_sink.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test_files.h"

namespace slotlog::testing {

// what a sink reported, in order
struct reports {
    std::vector<std::pair<level, std::string>> seen;
    problem_reporter reporter() {
        return [this](level l, const std::string& m, report_kind) { seen.emplace_back(l, m); };
    }
};

inline std::shared_ptr<rotating_file_sink> make_sink(const std::filesystem::path& path, std::uint64_t max_size,
                                                     std::uint32_t files, reports& r) {
    auto sink = std::make_shared<rotating_file_sink>(path, max_size, files, r.reporter());
    sink->set_formatter(std::make_unique<line_formatter>());
    return sink;
}

inline void write(rotating_file_sink& sink, const std::string& line) {
    sink.log(spdlog::details::log_msg(spdlog::string_view_t{}, spdlog::level::info,
                                      spdlog::string_view_t(line.data(), line.size())));
}

// every kept file, oldest first, concatenated
inline std::vector<std::string> kept_lines(const std::filesystem::path& path, std::uint32_t max_files) {
    std::vector<std::string> all;
    for (std::uint32_t i = max_files - 1; i >= 1; --i) {
        const auto lines = read_lines(rotating_file_sink::backup_path(path, i));
        all.insert(all.end(), lines.begin(), lines.end());
    }
    const auto current = read_lines(path);
    all.insert(all.end(), current.begin(), current.end());
    return all;
}

} // namespace slotlog::testing
