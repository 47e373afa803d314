#include <slotlog/outputs.h>

#include <windows.h>

#include <spdlog/sinks/win_eventlog_sink.h>

namespace slotlog {

spdlog::sink_ptr make_platform_sink(const output_config& cfg) {
    if (cfg.type != "eventlog") return nullptr;
    return std::make_shared<spdlog::sinks::win_eventlog::win_eventlog_sink<spdlog::details::null_mutex>>(cfg.source);
}

} // namespace slotlog
