// sizes in configuration files: "10MiB", "512 KiB", "4096"
//
// K, KB and KiB all mean 1024 (likewise M and G): a log size is never meant
// in powers of ten, and nobody should have to remember which spelling is which
#include <slotlog/config.h>

#include <array>
#include <limits>

namespace slotlog {

namespace {

struct unit {
    std::string_view name;               // lower case
    std::uint64_t factor;
};

constexpr std::array<unit, 10> units{{
    {"b", 1},
    {"k", 1ull << 10}, {"kb", 1ull << 10}, {"kib", 1ull << 10},
    {"m", 1ull << 20}, {"mb", 1ull << 20}, {"mib", 1ull << 20},
    {"g", 1ull << 30}, {"gb", 1ull << 30}, {"gib", 1ull << 30},
}};

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view text, std::string_view lower_name) noexcept {
    if (text.size() != lower_name.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (lower(text[i]) != lower_name[i]) return false;
    }
    return true;
}

} // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) noexcept {
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();

    // digits only: no sign, no fraction, no leading spaces
    std::size_t i = 0;
    std::uint64_t value = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        const auto digit = static_cast<std::uint64_t>(text[i] - '0');
        if (value > (max - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    if (i == 0) return std::nullopt;

    // spaces are allowed between the number and its unit only
    std::size_t unit_start = i;
    while (unit_start < text.size() && (text[unit_start] == ' ' || text[unit_start] == '\t')) ++unit_start;
    const auto suffix = text.substr(unit_start);
    if (suffix.empty()) {
        // "10 " is a typo, not a size
        if (unit_start != i) return std::nullopt;
        return value;
    }
    for (const auto& u : units) {
        if (!iequals(suffix, u.name)) continue;
        if (value > max / u.factor) return std::nullopt;
        return value * u.factor;
    }
    return std::nullopt;
}

} // namespace slotlog
