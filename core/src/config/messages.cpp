#include "config/messages.h"

#include <algorithm>
#include <cmath>

#include <slotlog/detail/edit_distance.h>

namespace slotlog::config_check {

namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// the closest candidate when the word is plausibly a typo of it, else empty
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates) {
    const std::size_t threshold = std::clamp<std::size_t>((word.size() + 1) / 3, 1, 3);
    std::string_view best;
    std::size_t best_distance = threshold + 1;
    for (auto c : candidates) {
        const auto d = detail::edit_distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    if (!best.empty()) return best;
    // "level" for "min_level", "size" for "max_size"
    const auto w = to_lower(word);
    if (w.size() < 4) return {};
    for (auto c : candidates) {
        if (c.size() > w.size() && c.ends_with(w) && c[c.size() - w.size() - 1] == '_') return c;
        if (c.size() > w.size() && c.starts_with(w) && c[w.size()] == '_') return c;
    }
    return {};
}

bool is_plain_key(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string quoted(const std::string& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); }

} // namespace

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

bool contains(std::span<const std::string_view> list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

std::string join_or(std::span<const std::string_view> list) {
    std::string out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += i + 1 == list.size() ? " or " : ", ";
        out += list[i];
    }
    return out;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    const auto c = closest(word, candidates);
    if (c.empty()) return {};
    return " (did you mean \"" + std::string(c) + "\"?)";
}

std::string describe(const json& v) {
    switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (s.size() <= 64) return quoted(s);
        // long values are cut at a character boundary
        std::size_t cut = 60;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        auto out = quoted(s.substr(0, cut));
        out.insert(out.size() - 1, "...");
        return out;
    }
    case json::value_t::number_float:
        if (!std::isfinite(v.get<double>())) return "a number too large to represent";
        return v.dump();
    default: return v.dump();
    }
}

std::string describe_size(std::uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
    if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string member_path(const std::string& parent, std::string_view key) {
    if (!is_plain_key(key)) return parent + "[" + quoted(std::string(key)) + "]";
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string element_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

} // namespace slotlog::config_check
