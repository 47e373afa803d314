#include <slotlog/outputs.h>

#include "sinks/posix/syslog_sink.h"

namespace slotlog {

spdlog::sink_ptr make_platform_sink(const output_config& cfg) {
    if (cfg.type != "syslog") return nullptr;
    return std::make_shared<syslog_sink>(cfg.ident, cfg.facility);
}

} // namespace slotlog
