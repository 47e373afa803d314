#include <slotlog/outputs.h>

#include "sinks/windows/eventlog_sink.h"

namespace slotlog {

spdlog::sink_ptr make_platform_sink(const output_config& cfg) {
    if (cfg.type != "eventlog") return nullptr;
    return std::make_shared<eventlog::eventlog_sink>(cfg.source);
}

} // namespace slotlog
