#pragma once

#include <string>
#include <string_view>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

namespace slotlog {

// syslog(3) with our seven levels: spdlog's syslog sink has no notice. the
// collector hands this sink text lines without the time stamp, which start
// with the level label ("NOTICE host app[pid]: ..."), so the severity is exact
class syslog_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    // facility by name ("user", "local0"); an unknown name is "user"
    syslog_sink(std::string ident, std::string_view facility);
    ~syslog_sink() override;

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::string ident_;
    int facility_;
};

} // namespace slotlog
