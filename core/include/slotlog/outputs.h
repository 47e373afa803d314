#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/common.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/sink.h>

#include <slotlog/config.h>
#include <slotlog/rotating_file_sink.h>

namespace slotlog {

class file_upkeep;
class forward_output;
class route_filter;

// one configured output: a spdlog sink that receives pre-formatted lines, or
// a forward output, which takes the entries themselves
struct output {
    output_config cfg;
    spdlog::sink_ptr sink;                     // null for a forward output
    std::shared_ptr<forward_output> forward;   // forward outputs only
    std::shared_ptr<rotating_file_sink> file;  // file outputs only, for rotate
    std::shared_ptr<file_upkeep> upkeep;       // file outputs with compress or retention: shared by its sinks
    std::shared_ptr<const route_filter> filter;  // match and exclude; null: every entry
    std::string describe;                      // "file:/var/log/slotlog.log"
    bool drop_timestamp = false;               // syslog and the event log stamp their own time
    std::uint64_t failures = 0;                // consecutive failed writes, to report once
};

// spdlog sinks get the line we formatted once per entry as their payload; this
// formatter only appends the end of line (and marks the level label for colour)
class line_formatter final : public spdlog::formatter {
public:
    explicit line_formatter(bool colour_label = false) : colour_label_(colour_label) {}
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
    std::unique_ptr<spdlog::formatter> clone() const override;
private:
    bool colour_label_;
};

spdlog::level::level_enum to_spdlog(level l) noexcept;

// opens the output; throws std::runtime_error naming it when it cannot
output make_output(const output_config& cfg, const problem_reporter& report);

// the platform's own outputs (outputs_posix.cpp: syslog; outputs_windows.cpp:
// eventlog); nullptr for a type the platform does not have
spdlog::sink_ptr make_platform_sink(const output_config& cfg);

} // namespace slotlog
