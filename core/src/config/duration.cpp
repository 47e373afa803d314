// durations in configuration files: "30d", "12h", "15m", "90s", and "0"
#include <slotlog/config.h>

#include <limits>

namespace slotlog {

std::optional<std::chrono::seconds> parse_duration(std::string_view text) noexcept {
    std::uint64_t n = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (n > (std::numeric_limits<std::uint32_t>::max() - 9) / 10) return std::nullopt;  // a century is plenty
        n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (i == 0) return std::nullopt;
    const auto unit = text.substr(i);
    std::uint64_t factor = 0;
    if (unit == "s") factor = 1;
    if (unit == "m") factor = 60;
    if (unit == "h") factor = 3600;
    if (unit == "d") factor = 86400;
    if (unit.empty() && n == 0) factor = 1;  // "0": off, whatever the unit
    if (factor == 0) return std::nullopt;
    return std::chrono::seconds(static_cast<std::int64_t>(n * factor));
}

} // namespace slotlog
