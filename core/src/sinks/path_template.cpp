#include "sinks/path_template.h"

#include <array>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/details/os.h>

#include <slotlog/detail/utf8.h>
#include <slotlog/level.h>
#include <slotlog/platform.h>

#include "sinks/safe_name.h"

namespace slotlog {

namespace {

// in the order of path_template::part, after text
constexpr std::array<std::string_view, 9> placeholders{"host", "app", "slot", "level", "date", "year", "month", "day", "hour"};
constexpr std::array<std::string_view, 7> level_names{"trace", "debug", "info", "notice", "warning", "error", "critical"};
// the longest {host}, {app} or {slot} value: a device name's '_' before the longest name
constexpr std::size_t max_value = max_name_value + 1;

std::string known_list() {
    std::string s;
    for (const auto& name : placeholders) s += fmt::format("{}{{{}}}", s.empty() ? "" : ", ", name);
    return s;
}

// a character of a {host}, {app} or {slot} value (safe_name.h)
bool value_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// whether `name` starts with `text`; on windows letters match either case, as
// the file system does
bool starts_with_text(std::string_view name, std::string_view text) {
    if (name.size() < text.size()) return false;
    if constexpr (!on_windows) return name.starts_with(text);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (ascii_lower(name[i]) != ascii_lower(text[i])) return false;
    }
    return true;
}

// whether `name` starts with the shape of a date or time: 'd' a digit, any
// other character itself
bool starts_with_shape(std::string_view name, std::string_view shape) {
    if (name.size() < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool ok = shape[i] == 'd' ? name[i] >= '0' && name[i] <= '9' : name[i] == shape[i];
        if (!ok) return false;
    }
    return true;
}

std::string template_text(const std::filesystem::path& path) {
    // generic separators: "logs\{host}.log" and "logs/{host}.log" alike
    const auto u = path.generic_u8string();
    return std::string(u.begin(), u.end());
}

// the texts of the clock's hour that holds `seconds`, and where that hour starts
std::tm broken_down(std::int64_t seconds, bool local) {
    const auto t = static_cast<std::time_t>(seconds);
    return local ? spdlog::details::os::localtime(t) : spdlog::details::os::gmtime(t);
}

// "name.3.log" -> "name.log", "name.3" -> "name"; nullopt if not a rotated name
std::optional<std::string> unrotated(std::string_view name) {
    const auto slash = name.rfind('/');
    const auto base = slash == std::string_view::npos ? 0 : slash + 1;
    auto digits_before = [&](std::size_t end) -> std::optional<std::size_t> {
        std::size_t i = end;
        while (i > base && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
        if (i == end || i <= base || name[i - 1] != '.') return std::nullopt;
        return i - 1;  // the dot
    };
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot < base) return std::nullopt;
    // name.N.ext: the number before the extension
    if (const auto at = digits_before(dot)) return std::string(name.substr(0, *at)) + std::string(name.substr(dot));
    // name.N: no extension of its own
    if (const auto at = digits_before(name.size())) return std::string(name.substr(0, *at));
    return std::nullopt;
}

} // namespace

std::optional<std::string> path_template::problem(std::string_view path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '}') return "a '}' without its '{': braces only surround placeholders such as {host}";
        if (path[i] != '{') continue;
        const auto close = path.find('}', i);
        if (close == std::string_view::npos) return fmt::format("'{}' is not closed: write a placeholder such as {{host}}", path.substr(i));
        const auto name = path.substr(i + 1, close - i - 1);
        bool known = false;
        for (const auto& p : placeholders) known = known || p == name;
        if (!known) return fmt::format("unknown placeholder {{{}}} (known: {})", name, known_list());
        i = close;
    }
    const auto last = path.find_last_of("/\\");
    if (path.substr(last == std::string_view::npos ? 0 : last + 1).empty()) return "the path ends with a folder, not a file name";
    return std::nullopt;
}

path_template::path_template(const std::filesystem::path& path, bool local_time) : local_time_(local_time) {
    const auto text = template_text(path);
    const auto first = text.find('{');
    placeholders_ = first != std::string::npos;
    const auto slash = text.rfind('/', placeholders_ ? first : std::string::npos);
    folder_text_size_ = slash == std::string::npos ? 0 : slash + 1;
    folder_ = detail::path_from_utf8(std::string_view(text).substr(0, folder_text_size_));

    // the pieces below the folder: expand gives the path relative to it
    auto add_text = [&](std::string_view t, std::size_t at) {
        if (at + t.size() <= folder_text_size_) return;
        t.remove_prefix(at < folder_text_size_ ? folder_text_size_ - at : 0);
        pieces_.push_back({part::text, std::string(t)});
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const auto open = text.find('{', i);
        if (open == std::string::npos) {
            add_text(std::string_view(text).substr(i), i);
            break;
        }
        add_text(std::string_view(text).substr(i, open - i), i);
        const auto close = text.find('}', open);
        const auto name = std::string_view(text).substr(open + 1, close - open - 1);
        for (std::size_t k = 0; k < placeholders.size(); ++k) {
            if (placeholders[k] != name) continue;
            const auto what = static_cast<part>(k + 1);
            pieces_.push_back({what, {}});
            time_ = time_ || what >= part::date;
        }
        i = close + 1;
    }
}

const path_template::hour_texts& path_template::hour_of_(clock::time_point now) const {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (s >= hour_.from && s < hour_.to) return hour_;
    const auto tm = broken_down(s, local_time_);
    hour_.from = s - tm.tm_min * 60 - tm.tm_sec;
    hour_.to = hour_.from + 3600;
    hour_.year = fmt::format("{:04}", tm.tm_year + 1900);
    hour_.month = fmt::format("{:02}", tm.tm_mon + 1);
    hour_.day = fmt::format("{:02}", tm.tm_mday);
    hour_.hour = fmt::format("{:02}", tm.tm_hour);
    hour_.date = hour_.year + '-' + hour_.month + '-' + hour_.day;
    return hour_;
}

void path_template::expand(std::string& out, const entry& e, clock::time_point now) const {
    out.clear();
    const hour_texts* h = time_ ? &hour_of_(now) : nullptr;
    for (const auto& p : pieces_) {
        switch (p.what) {
        case part::text: out += p.text; break;
        case part::host: append_safe_name(out, e.host); break;
        case part::app: append_safe_name(out, e.app); break;
        case part::slot: append_safe_name(out, e.slot); break;
        case part::level: out += level_name(e.lvl); break;
        case part::date: out += h->date; break;
        case part::year: out += h->year; break;
        case part::month: out += h->month; break;
        case part::day: out += h->day; break;
        case part::hour: out += h->hour; break;
        }
    }
}

bool path_template::matches_(std::string_view name) const {
    // failed[i * row + at]: the pieces from i on cannot give the name from at
    // (remembered, so that values that could end in several places, such as
    // {host}.{app}, cost at most pieces x characters x a value's length)
    const auto row = name.size() + 1;
    std::vector<bool> failed(pieces_.size() * row);
    const auto match_from = [&](const auto& self, std::size_t i, std::size_t at) -> bool {
        if (i == pieces_.size()) return at == name.size();
        if (failed[i * row + at]) return false;
        const auto rest = name.substr(at);
        const auto then = [&](std::size_t length) { return self(self, i + 1, at + length); };
        bool found = false;
        switch (pieces_[i].what) {
        case part::text: {
            const auto& text = pieces_[i].text;
            found = starts_with_text(rest, text) && then(text.size());
            break;
        }
        case part::host:
        case part::app:
        case part::slot: {
            std::size_t run = 0;
            while (run < rest.size() && run < max_value && value_char(rest[run])) ++run;
            for (std::size_t length = run; length > 0 && !found; --length) found = then(length);
            break;
        }
        case part::level:
            for (const auto level : level_names) found = found || (starts_with_text(rest, level) && then(level.size()));
            break;
        case part::date: found = starts_with_shape(rest, "dddd-dd-dd") && then(10); break;
        case part::year: found = starts_with_shape(rest, "dddd") && then(4); break;
        case part::month:
        case part::day:
        case part::hour: found = starts_with_shape(rest, "dd") && then(2); break;
        }
        if (!found) failed[i * row + at] = true;
        return found;
    };
    return match_from(match_from, 0, 0);
}

std::optional<std::filesystem::path> path_template::rotated_from(const std::filesystem::path& relative) const {
    const auto name = template_text(relative);
    if (name.ends_with(".gz") || name.ends_with(".gz.part") || matches_(name)) return std::nullopt;
    auto original = unrotated(name);
    if (!original || !matches_(*original)) return std::nullopt;
    return detail::path_from_utf8(*original);
}

bool path_template::could_produce(const std::filesystem::path& relative) const {
    auto name = template_text(relative);
    // what compression makes of a backup, finished or cut short by a crash:
    // only backups are compressed, so "app.log.gz" is not ours
    bool compressed = false;
    for (const std::string_view suffix : {".gz.part", ".gz"}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            name.resize(name.size() - suffix.size());
            compressed = true;
            break;
        }
    }
    if (!compressed && matches_(name)) return true;
    const auto original = unrotated(name);
    return original && matches_(*original);
}

} // namespace slotlog
