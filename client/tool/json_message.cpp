#include "json_message.h"

#include <nlohmann/json.hpp>

namespace slotlog {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// "key":"value", (invalid utf-8 in value becomes U+FFFD: json must be utf-8)
std::string member(std::string_view key, std::string_view value) {
    const nlohmann::json v = std::string(value);
    return "\"" + std::string(key) + "\":" + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ",";
}

} // namespace

std::optional<std::string> as_json_entry(std::string_view message, std::string_view level, std::string_view app) {
    // where the object starts, after what the collector skips too
    std::size_t start = message.substr(0, utf8_bom.size()) == utf8_bom ? utf8_bom.size() : 0;
    start = message.find_first_not_of(" \t\r\n", start);
    if (start == std::string_view::npos || message[start] != '{') return std::nullopt;
    const auto doc = nlohmann::json::parse(message.begin(), message.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("msg")) return std::nullopt;

    // the missing keys go first, so that the rest of the text stays as it was
    std::string added;
    if (!level.empty() && !doc.contains("level")) added += member("level", level);
    if (!app.empty() && !doc.contains("app")) added += member("app", app);
    std::string out(message);
    out.insert(start + 1, added);
    return out;
}

} // namespace slotlog
