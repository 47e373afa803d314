#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace slotlog {

// ordered by severity so that min_level filtering is a comparison
enum class level : std::uint8_t { trace, debug, info, notice, warning, error, critical };

// "warning"
std::string_view level_name(level l) noexcept;
// "WARNING", as in text lines
std::string_view level_label(level l) noexcept;
// case-insensitive; accepts the aliases warn, err, crit, fatal (and emerg, alert, information)
std::optional<level> parse_level(std::string_view text) noexcept;
// syslog severity 0..7 (emerg..debug)
level level_from_syslog_severity(int severity) noexcept;

} // namespace slotlog
