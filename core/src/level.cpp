#include <slotlog/level.h>

#include <array>
#include <cctype>

namespace slotlog {

namespace {

constexpr std::array<std::string_view, 7> names{"trace", "debug", "info", "notice", "warning", "error", "critical"};
constexpr std::array<std::string_view, 7> labels{"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"};

struct alias {
    std::string_view name;
    level lvl;
};
constexpr std::array<alias, 13> aliases{{
    {"trace", level::trace}, {"debug", level::debug}, {"info", level::info},
    {"information", level::info}, {"notice", level::notice}, {"warning", level::warning},
    {"warn", level::warning}, {"error", level::error}, {"err", level::error},
    {"critical", level::critical}, {"crit", level::critical}, {"fatal", level::critical},
    {"emerg", level::critical},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
    }
    return true;
}

} // namespace

std::string_view level_name(level l) noexcept { return names[static_cast<std::size_t>(l)]; }

std::string_view level_label(level l) noexcept { return labels[static_cast<std::size_t>(l)]; }

std::optional<level> parse_level(std::string_view text) noexcept {
    for (const auto& a : aliases) {
        if (iequals(text, a.name)) return a.lvl;
    }
    if (iequals(text, "alert") || iequals(text, "emergency")) return level::critical;
    return std::nullopt;
}

level level_from_syslog_severity(int severity) noexcept {
    switch (severity) {
    case 0: case 1: case 2: return level::critical;
    case 3: return level::error;
    case 4: return level::warning;
    case 5: return level::notice;
    case 6: return level::info;
    default: return level::debug;
    }
}

} // namespace slotlog
