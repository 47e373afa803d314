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

struct placeholder {
    std::string_view name;
    std::string_view pattern;  // what its values look like, for could_produce
};

// in the order of path_template::part, after text
constexpr std::array<placeholder, 9> placeholders{{
    {"host", "[A-Za-z0-9._-]{1,65}"},
    {"app", "[A-Za-z0-9._-]{1,65}"},
    {"slot", "[A-Za-z0-9._-]{1,65}"},
    {"level", "(trace|debug|info|notice|warning|error|critical)"},
    {"date", "[0-9]{4}-[0-9]{2}-[0-9]{2}"},
    {"year", "[0-9]{4}"},
    {"month", "[0-9]{2}"},
    {"day", "[0-9]{2}"},
    {"hour", "[0-9]{2}"},
}};

std::string known_list() {
    std::string s;
    for (const auto& p : placeholders) s += fmt::format("{}{{{}}}", s.empty() ? "" : ", ", p.name);
    return s;
}

// the text as itself in an ecmascript regex: its special characters escaped,
// and only those (an escaped letter, digit or '_' means something else)
std::string regex_escape(std::string_view text) {
    constexpr std::string_view special = "^$\\.*+?()[]{}|";
    std::string out;
    for (const char c : text) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
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
        for (const auto& p : placeholders) known = known || p.name == name;
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

    std::string pattern;
    // the pieces below the folder: expand gives the path relative to it
    auto add_text = [&](std::string_view t, std::size_t at) {
        if (at + t.size() <= folder_text_size_) return;
        t.remove_prefix(at < folder_text_size_ ? folder_text_size_ - at : 0);
        pieces_.push_back({part::text, std::string(t)});
        pattern += regex_escape(t);
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
            if (placeholders[k].name != name) continue;
            const auto what = static_cast<part>(k + 1);
            pieces_.push_back({what, {}});
            pattern += placeholders[k].pattern;
            time_ = time_ || what >= part::date;
        }
        i = close + 1;
    }
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if constexpr (on_windows) flags |= std::regex::icase;
    produced_ = std::regex(pattern, flags);
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

std::optional<std::filesystem::path> path_template::rotated_from(const std::filesystem::path& relative) const {
    const auto name = template_text(relative);
    if (name.ends_with(".gz") || name.ends_with(".gz.part") || std::regex_match(name, produced_)) return std::nullopt;
    auto original = unrotated(name);
    if (!original || !std::regex_match(*original, produced_)) return std::nullopt;
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
    if (!compressed && std::regex_match(name, produced_)) return true;
    const auto original = unrotated(name);
    return original && std::regex_match(*original, produced_);
}

} // namespace slotlog
