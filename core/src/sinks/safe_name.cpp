#include "sinks/safe_name.h"

#include <array>

namespace slotlog {

namespace {

bool allowed(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_lower(std::string_view a, std::string_view lower_b) noexcept {
    if (a.size() != lower_b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower_b[i]) return false;
    }
    return true;
}

// the bytes of the utf-8 sequence that starts with `lead`; 1 for a stray byte
std::size_t sequence_length(unsigned char lead) noexcept {
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
    if (lead >= 0xC2) return 2;
    return 1;
}

} // namespace

bool is_device_name(std::string_view name) noexcept {
    // windows ignores what follows the first dot, and trailing spaces
    name = name.substr(0, name.find('.'));
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    static constexpr std::array<std::string_view, 4> plain{"con", "prn", "aux", "nul"};
    for (const auto d : plain) {
        if (equals_lower(name, d)) return true;
    }
    if (name.size() != 4 || name[3] < '1' || name[3] > '9') return false;
    return equals_lower(name.substr(0, 3), "com") || equals_lower(name.substr(0, 3), "lpt");
}

void append_safe_name(std::string& out, std::string_view value) {
    const auto start = out.size();
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size() && chars < max_name_value; ++chars) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (allowed(c)) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        out += '_';
        // one '_' for a whole character: skip its continuation bytes
        std::size_t n = c < 0x80 ? 1 : sequence_length(c);
        std::size_t j = 1;
        while (j < n && i + j < value.size() && (static_cast<unsigned char>(value[i + j]) & 0xC0) == 0x80) ++j;
        i += j;
    }
    std::string_view made(out.data() + start, out.size() - start);
    if (made.empty()) {
        out += '-';
    } else if (made == "." || made == "..") {
        out.replace(start, std::string::npos, "_");
    } else if (made.back() == '.') {
        out.back() = '_';
    }
    if (is_device_name(std::string_view(out).substr(start))) out.insert(out.begin() + static_cast<std::ptrdiff_t>(start), '_');
}

} // namespace slotlog
