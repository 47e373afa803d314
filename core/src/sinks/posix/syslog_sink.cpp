#include "sinks/posix/syslog_sink.h"

#include <syslog.h>

#include <array>
#include <string_view>

#include <slotlog/level.h>

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

int syslog_severity(level l) noexcept {
    switch (l) {
    case level::trace:
    case level::debug: return LOG_DEBUG;
    case level::info: return LOG_INFO;
    case level::notice: return LOG_NOTICE;
    case level::warning: return LOG_WARNING;
    case level::error: return LOG_ERR;
    case level::critical: return LOG_CRIT;
    }
    return LOG_INFO;
}

int facility_of(std::string_view name) noexcept {
    for (const auto& f : facilities) {
        if (f.name == name) return f.value;
    }
    return LOG_USER;
}

} // namespace

syslog_sink::syslog_sink(std::string ident, std::string_view facility)
    : ident_(std::move(ident)), facility_(facility_of(facility)) {
    // openlog keeps the pointer: ident_ lives as long as the sink
    ::openlog(ident_.c_str(), LOG_PID | LOG_NDELAY, facility_);
}

syslog_sink::~syslog_sink() { ::closelog(); }

void syslog_sink::sink_it_(const spdlog::details::log_msg& msg) {
    const std::string_view line(msg.payload.data(), msg.payload.size());
    const auto label = parse_level(line.substr(0, line.find(' ')));
    const int severity = label ? syslog_severity(*label) : LOG_INFO;
    ::syslog(facility_ | severity, "%.*s", static_cast<int>(line.size()), line.data());
}

} // namespace slotlog
