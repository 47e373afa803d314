// reading an entry's fields back from the line the collector wrote

#include "entry_filter.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace slotlog {

namespace {

std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

char fold(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// the next space-separated field from `at`, which moves past it and its space
std::string_view next_field(std::string_view line, std::size_t& at) {
    if (at > line.size()) return {};
    const auto end = std::min(line.find(' ', at), line.size());
    const auto field = line.substr(at, end - at);
    at = end + 1;
    return field;
}

// `-` is how a text line writes an unknown host or app
std::string known(std::string_view field) { return field == "-" ? std::string() : std::string(field); }

// a json string value, or the empty text for null, absent or not a string
std::string string_of(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<line_fields> parse_json(std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    line_fields f;
    if (const auto it = j.find("level"); it != j.end() && it->is_string()) {
        f.lvl = parse_level(it->get_ref<const std::string&>());
    }
    f.host = string_of(j, "host");
    f.app = string_of(j, "app");
    f.msg = string_of(j, "msg");
    return f;
}

// `<time> <LABEL> <host> <app>[<pid>]: <msg>`: host and app never hold a
// space (the collector escapes it), the message may hold anything
std::optional<line_fields> parse_text(std::string_view line) {
    std::size_t at = 0;
    const auto time = next_field(line, at);
    if (time.empty() || time[0] < '0' || time[0] > '9' || at > line.size()) return std::nullopt;
    line_fields f;
    f.lvl = parse_level(next_field(line, at));
    if (!f.lvl || at > line.size()) return std::nullopt;
    const auto host = next_field(line, at);
    auto app = next_field(line, at);
    if (host.empty() || app.size() < 2 || app.back() != ':') return std::nullopt;
    app.remove_suffix(1);
    if (app.back() == ']') {
        const auto open = app.rfind('[');
        if (open == std::string_view::npos) return std::nullopt;
        app = app.substr(0, open);
    }
    f.host = known(host);
    f.app = known(app);
    if (at < line.size()) f.msg = std::string(line.substr(at));
    return f;
}

} // namespace

std::optional<level> line_level(std::string_view line) {
    line = without_cr(line);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::nullopt;
    if (line[first] == '{') {
        const auto j = nlohmann::json::parse(line.substr(first), nullptr, false);
        if (!j.is_object()) return std::nullopt;
        const auto it = j.find("level");
        if (it == j.end() || !it->is_string()) return std::nullopt;
        return parse_level(it->get_ref<const std::string&>());
    }
    // text: `<time> <LABEL> host app[pid]: msg`, the time starts with a digit
    if (line[first] < '0' || line[first] > '9') return std::nullopt;
    const auto time_end = line.find(' ', first);
    if (time_end == std::string_view::npos) return std::nullopt;
    const auto label_end = std::min(line.find(' ', time_end + 1), line.size());
    return parse_level(line.substr(time_end + 1, label_end - time_end - 1));
}

std::optional<line_fields> parse_line(std::string_view line) {
    line = without_cr(line);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::nullopt;
    line.remove_prefix(first);
    return line[0] == '{' ? parse_json(line) : parse_text(line);
}

bool contains_folded(std::string_view text, std::string_view needle) noexcept {
    return std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                       [](char a, char b) { return fold(a) == fold(b); }) != text.end();
}

bool entry_filter::passes(std::string_view line) const {
    if (!host && !app && !grep) {
        if (!min_level) return true;
        const auto l = line_level(line);
        return l && *l >= *min_level;
    }
    const auto f = parse_line(line);
    if (!f) return false;
    if (min_level && (!f->lvl || *f->lvl < *min_level)) return false;
    if (host && !host->matches(f->host)) return false;
    if (app && !app->matches(f->app)) return false;
    return !grep || contains_folded(f->msg, *grep);
}

} // namespace slotlog
