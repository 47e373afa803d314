#include <slotlog/level.h>

#include <array>

namespace slotlog {

namespace {

constexpr std::array<std::string_view, 7> names{"trace", "debug", "info", "notice", "warning", "error", "critical"};
constexpr std::array<std::string_view, 7> labels{"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL"};

struct alias {
    std::string_view name;  // lower case
    level lvl;
};

// the level names, the spec's aliases and the syslog severity keywords
constexpr std::array<alias, 17> aliases{{
    {"trace", level::trace},
    {"debug", level::debug},
    {"info", level::info},
    {"information", level::info},
    {"informational", level::info},
    {"notice", level::notice},
    {"warning", level::warning},
    {"warn", level::warning},
    {"error", level::error},
    {"err", level::error},
    {"critical", level::critical},
    {"crit", level::critical},
    {"fatal", level::critical},
    {"alert", level::critical},
    {"emerg", level::critical},
    {"emergency", level::critical},
    {"panic", level::critical},
}};

// ascii only: std::tolower depends on the c locale
constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view text, std::string_view lower) noexcept {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (ascii_lower(text[i]) != lower[i]) return false;
    }
    return true;
}

constexpr std::size_t index(level l) noexcept {
    const auto i = static_cast<std::size_t>(l);
    return i < names.size() ? i : static_cast<std::size_t>(level::critical);
}

} // namespace

std::string_view level_name(level l) noexcept { return names[index(l)]; }

std::string_view level_label(level l) noexcept { return labels[index(l)]; }

std::optional<level> parse_level(std::string_view text) noexcept {
    for (const auto& a : aliases) {
        if (iequals(text, a.name)) return a.lvl;
    }
    return std::nullopt;
}

level level_from_syslog_severity(int severity) noexcept {
    switch (severity) {
    case 0: // emerg
    case 1: // alert
    case 2: return level::critical;
    case 3: return level::error;
    case 4: return level::warning;
    case 5: return level::notice;
    case 6: return level::info;
    default: return level::debug;
    }
}

} // namespace slotlog
