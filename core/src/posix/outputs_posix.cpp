#include <slotlog/outputs.h>

#include <syslog.h>

#include <array>
#include <string_view>

#include <spdlog/sinks/syslog_sink.h>

namespace slotlog {

namespace {

struct facility_name {
    std::string_view name;
    int value;
};

constexpr std::array<facility_name, 20> facilities{{
    {"kern", LOG_KERN}, {"user", LOG_USER}, {"mail", LOG_MAIL}, {"daemon", LOG_DAEMON},
    {"auth", LOG_AUTH}, {"syslog", LOG_SYSLOG}, {"lpr", LOG_LPR}, {"news", LOG_NEWS},
    {"uucp", LOG_UUCP}, {"cron", LOG_CRON}, {"authpriv", LOG_AUTHPRIV}, {"ftp", LOG_FTP},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
    {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
}};

} // namespace

spdlog::sink_ptr make_platform_sink(const output_config& cfg) {
    if (cfg.type != "syslog") return nullptr;
    int facility = LOG_USER;
    for (const auto& f : facilities) {
        if (f.name == cfg.facility) facility = f.value;
    }
    // formatting off: the payload is our line, sent as is
    return std::make_shared<spdlog::sinks::syslog_sink_st>(cfg.ident, LOG_PID, facility, false);
}

} // namespace slotlog
