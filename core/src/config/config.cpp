// loading and validating the configuration file
//
// every problem is collected (never just the first) with the json path of the
// offending key, so that `check-config` tells an administrator everything that
// is wrong in one go. nothing here recurses into the document: values nested
// deeper than the schema are described, never walked, so hostile nesting is safe.
#include <slotlog/config.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <system_error>

#include <nlohmann/json.hpp>

#include <slotlog/slot_name.h>
#include <slotlog/detail/edit_distance.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/platform.h>

namespace slotlog {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// ---------------------------------------------------------------- limits

// a configuration is a few hundred bytes; anything this large is the wrong file
constexpr std::size_t max_file_bytes = 1u << 20;
constexpr std::uint64_t min_file_size = 1u << 10;
constexpr std::uint32_t max_max_files = 1000;
constexpr std::uint64_t min_message_size = 1u << 10;
constexpr std::uint64_t max_message_size = 16u << 20;
// a udp datagram never carries more than 65,507 bytes of payload
constexpr std::uint64_t max_udp_message_size = 64u << 10;
constexpr std::uint64_t min_recv_buffer = 1u << 10;
constexpr std::uint64_t max_recv_buffer = 1u << 30;
constexpr std::uint64_t min_queue_entries = 16;
constexpr std::uint64_t max_queue_entries = 16u << 20;
constexpr std::uint64_t max_dedup_window_ms = 60 * 1000;
// duplicate keys are looked for this deep; the schema itself is 3 levels deep
constexpr std::size_t max_tracked_depth = 32;

// ---------------------------------------------------------------- schema

struct kind {
    std::string_view type;
    std::span<const std::string_view> keys;
    bool windows_only = false;
    bool posix_only = false;
};

constexpr std::array<std::string_view, 5> root_keys{"inputs", "outputs", "control", "queue", "dedup"};
constexpr std::array<std::string_view, 2> control_keys{"key_file", "allow_plain_stop"};
constexpr std::array<std::string_view, 1> queue_keys{"max_entries"};
constexpr std::array<std::string_view, 1> dedup_keys{"window_ms"};

constexpr std::array<std::string_view, 3> mailslot_keys{"type", "name", "max_message_size"};
constexpr std::array<std::string_view, 5> udp_keys{"type", "bind", "recv_buffer", "max_message_size", "slot"};
constexpr std::array<std::string_view, 4> netbios_keys{"type", "bind", "slot", "recv_buffer"};
constexpr std::array<kind, 3> input_kinds{{
    {"mailslot", mailslot_keys},
    {"udp", udp_keys},
    {"netbios", netbios_keys},
}};
// where windows and samba send netbios datagrams
constexpr std::string_view default_netbios_bind = "0.0.0.0:138";

constexpr std::array<std::string_view, 6> file_keys{"type", "path", "max_size", "max_files", "format", "min_level"};
constexpr std::array<std::string_view, 3> console_keys{"type", "format", "min_level"};
constexpr std::array<std::string_view, 4> syslog_keys{"type", "ident", "facility", "min_level"};
constexpr std::array<std::string_view, 3> eventlog_keys{"type", "source", "min_level"};
constexpr std::array<kind, 4> output_kinds{{
    {"file", file_keys},
    {"console", console_keys},
    {"syslog", syslog_keys, false, true},
    {"eventlog", eventlog_keys, true, false},
}};

constexpr std::array<std::string_view, 2> format_names{"text", "json"};
constexpr std::array<std::string_view, 7> level_names{"trace", "debug", "info", "notice", "warning", "error", "critical"};
constexpr std::array<std::string_view, 20> facility_names{
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

// ---------------------------------------------------------------- text

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

bool contains(std::span<const std::string_view> list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// "a, b or c"
std::string join_or(std::span<const std::string_view> list) {
    std::string out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += i + 1 == list.size() ? " or " : ", ";
        out += list[i];
    }
    return out;
}

using detail::path_from_utf8;
using detail::path_to_utf8;

using detail::edit_distance;

// the closest candidate when the word is plausibly a typo of it, else empty
std::string_view closest(std::string_view word, std::span<const std::string_view> candidates) {
    const std::size_t threshold = std::clamp<std::size_t>((word.size() + 1) / 3, 1, 3);
    std::string_view best;
    std::size_t best_distance = threshold + 1;
    for (auto c : candidates) {
        const auto d = edit_distance(word, c);
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

// " (did you mean "x"?)" or ""
std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
    const auto c = closest(word, candidates);
    if (c.empty()) return {};
    return " (did you mean \"" + std::string(c) + "\"?)";
}

// a value as written in the file: 42, "text", true, null, an object
std::string describe(const json& v) {
    switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        if (s.size() <= 64) return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
        // long values are cut at a character boundary
        std::size_t cut = 60;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        auto out = json(s.substr(0, cut)).dump(-1, ' ', false, json::error_handler_t::replace);
        out.insert(out.size() - 1, "...");
        return out;
    }
    case json::value_t::number_float:
        if (!std::isfinite(v.get<double>())) return "a number too large to represent";
        return v.dump();
    default: return v.dump();
    }
}

// "1 KiB", "64 KiB", "1000 bytes"
std::string describe_size(std::uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
    if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

// ---------------------------------------------------------------- json paths

bool is_plain_key(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

// outputs[1].max_size; odd keys in brackets: outputs[1]["a b"]
std::string member_path(const std::string& parent, std::string_view key) {
    if (!is_plain_key(key)) {
        return parent + "[" + json(std::string(key)).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
    }
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string element_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// ---------------------------------------------------------------- udp endpoints

struct endpoint {
    std::string host;                    // lower case; ipv6 without brackets
    unsigned port = 0;
    bool ipv6 = false;

    std::string text() const { return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port); }
};

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

// "host:port" or "[v6]:port"; on failure `why` says what is wrong
std::optional<endpoint> parse_bind(std::string_view text, std::string& why) {
    endpoint e;
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            why = "missing ']' after the IPv6 address";
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.starts_with(':')) {
            why = "missing the port after the address: expected \"[address]:port\", e.g. \"[::1]:5514\"";
            return std::nullopt;
        }
        port = rest.substr(1);
        e.ipv6 = true;
        // an optional %zone is kept as written
        const auto zone = host.find('%');
        const auto address = host.substr(0, zone);
        const bool ok = !address.empty() && address.find(':') != std::string_view::npos &&
                        std::all_of(address.begin(), address.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; }) &&
                        (zone == std::string_view::npos ||
                         (host.size() > zone + 1 && std::all_of(host.begin() + static_cast<std::ptrdiff_t>(zone) + 1, host.end(),
                                                                [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; })));
        if (!ok) {
            why = "not an IPv6 address in brackets";
            return std::nullopt;
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            why = "missing the port: expected \"host:port\", e.g. \"127.0.0.1:5514\"";
            return std::nullopt;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            why = "an IPv6 address needs brackets, e.g. \"[::1]:5514\"";
            return std::nullopt;
        }
        if (host.empty()) {
            why = "missing the host: use \"0.0.0.0:port\" for every interface or \"127.0.0.1:port\" for this machine only";
            return std::nullopt;
        }
        const bool ok = std::all_of(host.begin(), host.end(), [](char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; });
        if (!ok) {
            why = "the host must be an IPv4 address, a host name or an IPv6 address in brackets";
            return std::nullopt;
        }
    }
    unsigned value = 0;
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
        for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (!digits || value < 1 || value > 65535) {
        why = "the port must be a number from 1 to 65535";
        return std::nullopt;
    }
    e.host = to_lower(host);
    e.port = value;
    return e;
}

// ---------------------------------------------------------------- syntax pass

// line and column (in characters, 1-based) of the byte nlohmann reports:
// `position` counts the bytes read, the offending one included
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t position) {
    const std::size_t end = std::min(position == 0 ? 0 : position - 1, text.size());
    std::size_t line = 1;
    std::size_t column = 1;
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? std::min<std::size_t>(3, end) : 0;
    for (std::size_t i = start; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return {line, column};
}

// a sax pass before building the document: reports syntax errors with their
// line and column, and keys given twice (nlohmann would silently keep the last)
class syntax_pass {
public:
    syntax_pass(std::string_view text, std::vector<config_problem>& problems, const std::string& origin)
        : text_(text), problems_(problems), origin_(origin) {}

    bool null() { return value_done(); }
    bool boolean(bool) { return value_done(); }
    bool number_integer(json::number_integer_t) { return value_done(); }
    bool number_unsigned(json::number_unsigned_t) { return value_done(); }
    bool number_float(json::number_float_t, const std::string&) { return value_done(); }
    bool string(std::string&) { return value_done(); }
    bool binary(json::binary_t&) { return value_done(); }

    bool start_object(std::size_t) { return push(true); }
    bool start_array(std::size_t) { return push(false); }
    bool end_object() { return pop(); }
    bool end_array() { return pop(); }

    bool key(std::string& k) {
        if (untracked_ > 0 || frames_.empty()) return true;
        auto& top = frames_.back();
        top.key = k;
        if (!top.keys.insert(k).second) {
            problems_.push_back({origin_, path(), "duplicate key: the object sets it more than once; keep one"});
        }
        return true;
    }

    bool parse_error(std::size_t position, const std::string&, const json::exception& ex) {
        // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..."
        // or "[json.exception.out_of_range.406] number overflow parsing '1e400'"
        std::string what = ex.what();
        if (what.starts_with("[json.exception.")) {
            const auto close = what.find("] ");
            if (close != std::string::npos) what.erase(0, close + 2);
        }
        if (what.starts_with("parse error")) {
            const auto colon = what.find(": ");
            if (colon != std::string::npos) what.erase(0, colon + 2);
        }
        const auto [line, column] = line_column(text_, position);
        problems_.push_back({origin_, "",
                             "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what});
        return false;
    }

private:
    struct frame {
        bool object = false;
        std::size_t index = 0;
        std::string key;
        std::set<std::string> keys;
    };

    bool push(bool object) {
        if (untracked_ > 0 || frames_.size() >= max_tracked_depth) {
            ++untracked_;
        } else {
            frames_.push_back({object, 0, {}, {}});
        }
        return true;
    }

    bool pop() {
        if (untracked_ > 0) {
            --untracked_;
            return true;
        }
        if (!frames_.empty()) frames_.pop_back();
        return value_done();
    }

    bool value_done() {
        if (untracked_ == 0 && !frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }

    std::string path() const {
        std::string out;
        for (const auto& f : frames_) out = f.object ? member_path(out, f.key) : element_path(out, f.index);
        return out;
    }

    std::string_view text_;
    std::vector<config_problem>& problems_;
    const std::string& origin_;
    std::vector<frame> frames_;
    std::size_t untracked_ = 0;
};

bool is_blank(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// ---------------------------------------------------------------- validation

class checker {
public:
    checker(std::string origin, const fs::path& base_dir) : origin_(std::move(origin)) {
        std::error_code ec;
        auto base = fs::absolute(base_dir, ec);
        base_ = (ec ? base_dir : base).lexically_normal();
    }

    config run(std::string_view text) {
        if (is_blank(text)) {
            fail("", "the document is empty; expected a JSON object with \"inputs\" and \"outputs\"");
            throw config_error(std::move(problems_));
        }
        syntax_pass pass(text, problems_, origin_);
        if (!json::sax_parse(text.begin(), text.end(), &pass, json::input_format_t::json, true, false)) {
            throw config_error(std::move(problems_));
        }
        const auto doc = json::parse(text.begin(), text.end());
        check_root(doc);
        if (!problems_.empty()) throw config_error(std::move(problems_));
        cfg_.origin = origin_;
        return std::move(cfg_);
    }

private:
    void fail(std::string path, std::string message) {
        problems_.push_back({origin_, std::move(path), std::move(message)});
    }

    void expected(const std::string& at, std::string_view what, const json& v) {
        fail(at, "expected " + std::string(what) + ", got " + describe(v));
    }

    // reports keys outside `allowed`; keys that belong to another kind say so
    void check_keys(const json& obj, const std::string& at, std::span<const std::string_view> allowed,
                    const kind* k = nullptr, std::span<const kind> kinds = {}, std::string_view what = {}) {
        for (const auto& [key, value] : obj.items()) {
            if (contains(allowed, key)) continue;
            std::string owners;
            for (const auto& other : kinds) {
                if (!contains(other.keys, key)) continue;
                owners += owners.empty() ? "" : " and ";
                owners += std::string(other.type) + " " + std::string(what) + "s";
            }
            if (k != nullptr && !owners.empty()) {
                fail(member_path(at, key), "unknown key: " + std::string(k->type) + " " + std::string(what) +
                                               "s have no \"" + key + "\" (only " + owners + " do)");
                continue;
            }
            auto hint = did_you_mean(key, allowed);
            if (hint.empty()) hint = "; expected " + join_or(allowed);
            fail(member_path(at, key), "unknown key" + hint);
        }
    }

    // the member if present and allowed (unknown keys are reported by check_keys)
    static const json* member(const json& obj, std::string_view key, std::span<const std::string_view> allowed) {
        if (!contains(allowed, key)) return nullptr;
        const auto it = obj.find(std::string(key));
        return it == obj.end() ? nullptr : &*it;
    }

    // ------------------------------------------------------------ values

    std::optional<std::string> string_value(const json& v, const std::string& at, std::string_view what = "a string") {
        if (!v.is_string()) {
            expected(at, what, v);
            return std::nullopt;
        }
        const auto& s = v.get_ref<const std::string&>();
        if (s.find('\0') != std::string::npos) {
            fail(at, "invalid value " + describe(v) + ": must not contain a NUL character");
            return std::nullopt;
        }
        return s;
    }

    std::optional<std::string> non_empty_string(const json& v, const std::string& at, std::string_view what) {
        auto s = string_value(v, at, what);
        if (s && s->empty()) {
            fail(at, "must not be empty; expected " + std::string(what));
            return std::nullopt;
        }
        return s;
    }

    std::optional<std::uint64_t> integer_value(const json& v, const std::string& at, std::uint64_t min, std::uint64_t max) {
        const auto range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
        if (v.is_number_unsigned()) {
            const auto n = v.get<std::uint64_t>();
            if (n >= min && n <= max) return n;
        } else if (!v.is_number_integer()) {
            expected(at, range, v);
            return std::nullopt;
        }
        fail(at, "out of range: expected " + range + ", got " + describe(v));
        return std::nullopt;
    }

    std::optional<std::uint64_t> size_value(const json& v, const std::string& at, std::uint64_t min,
                                            std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
        std::uint64_t bytes = 0;
        if (v.is_number_unsigned()) {
            bytes = v.get<std::uint64_t>();
        } else if (v.is_number_integer()) {
            fail(at, "invalid size " + describe(v) + ": a size cannot be negative");
            return std::nullopt;
        } else if (v.is_number_float()) {
            fail(at, "invalid size " + describe(v) + ": expected a whole number of bytes or a string such as \"10MiB\"");
            return std::nullopt;
        } else if (v.is_string()) {
            const auto parsed = parse_size(v.get_ref<const std::string&>());
            if (!parsed) {
                fail(at, "invalid size " + describe(v) + ": expected bytes or a number with a unit (B, KiB, MiB, GiB)");
                return std::nullopt;
            }
            bytes = *parsed;
        } else {
            expected(at, "a size: a number of bytes or a string such as \"10MiB\"", v);
            return std::nullopt;
        }
        if (bytes < min) {
            fail(at, "size " + describe(v) + " is too small: expected at least " + describe_size(min));
            return std::nullopt;
        }
        if (bytes > max) {
            fail(at, "size " + describe(v) + " is too large: expected at most " + describe_size(max));
            return std::nullopt;
        }
        return bytes;
    }

    std::optional<std::string> enum_value(const json& v, const std::string& at, std::span<const std::string_view> names,
                                          std::string_view what) {
        auto s = string_value(v, at, "a string: " + join_or(names));
        if (!s) return std::nullopt;
        if (contains(names, *s)) return s;
        fail(at, "unknown " + std::string(what) + " " + describe(v) + did_you_mean(*s, names) + "; expected " + join_or(names));
        return std::nullopt;
    }

    std::optional<level> level_value(const json& v, const std::string& at) {
        auto s = string_value(v, at, "a level name: " + join_or(level_names));
        if (!s) return std::nullopt;
        if (auto l = parse_level(*s)) return l;
        fail(at, "unknown level " + describe(v) + did_you_mean(*s, level_names) + "; expected " + join_or(level_names));
        return std::nullopt;
    }

    std::optional<bool> bool_value(const json& v, const std::string& at) {
        if (v.is_boolean()) return v.get<bool>();
        expected(at, "true or false", v);
        return std::nullopt;
    }

    // absolute and lexically normal, relative paths against the base folder
    std::optional<fs::path> path_value(const json& v, const std::string& at, std::string_view what) {
        auto s = non_empty_string(v, at, what);
        if (!s) return std::nullopt;
        try {
            auto p = path_from_utf8(*s);
            if (!p.is_absolute()) p = base_ / p;
            if (!p.is_absolute()) {
                // windows "D:logs": relative to that drive's current folder
                std::error_code ec;
                auto abs = fs::absolute(p, ec);
                if (!ec) p = abs;
            }
            p = p.lexically_normal();
            if (!p.has_filename()) {
                fail(at, "invalid path " + describe(v) + ": names a folder, expected " + std::string(what));
                return std::nullopt;
            }
            return p;
        } catch (const std::exception&) {
            fail(at, "invalid path " + describe(v));
            return std::nullopt;
        }
    }

    // ------------------------------------------------------------ kinds

    // the element's type; platform-only types are reported but still returned
    // so that the rest of the element is checked too
    const kind* check_type(const json& obj, const std::string& at, std::span<const kind> kinds, std::string_view what) {
        std::vector<std::string_view> names;
        for (const auto& k : kinds) names.push_back(k.type);
        const auto type_at = member_path(at, "type");
        const auto it = obj.find("type");
        if (it == obj.end()) {
            fail(type_at, "missing; every " + std::string(what) + " needs a \"type\": " + join_or(names));
            return nullptr;
        }
        if (!it->is_string()) {
            expected(type_at, "a string: " + join_or(names), *it);
            return nullptr;
        }
        const auto& type = it->get_ref<const std::string&>();
        for (const auto& k : kinds) {
            if (k.type != type) continue;
            if (k.windows_only && !on_windows) {
                fail(type_at, "'" + type + "' " + std::string(what) + "s exist only on Windows");
            } else if (k.posix_only && on_windows) {
                fail(type_at, "'" + type + "' " + std::string(what) + "s exist only on POSIX systems (Linux); use an eventlog output on Windows");
            }
            return &k;
        }
        fail(type_at, "unknown " + std::string(what) + " type " + describe(*it) + did_you_mean(type, names) +
                          "; expected " + join_or(names));
        return nullptr;
    }

    // keys any kind allows, for elements whose type is unknown
    static std::vector<std::string_view> all_keys(std::span<const kind> kinds) {
        std::vector<std::string_view> out;
        for (const auto& k : kinds) {
            for (auto key : k.keys) {
                if (!contains(out, key)) out.push_back(key);
            }
        }
        return out;
    }

    // ------------------------------------------------------------ sections

    void check_root(const json& doc) {
        if (!doc.is_object()) {
            fail("", "expected a JSON object at the top level (with \"inputs\" and \"outputs\"), got " + describe(doc));
            return;
        }
        check_keys(doc, "", root_keys);
        check_list(doc, "inputs", "input", "[{\"type\": \"mailslot\", \"name\": \"logger\"}]",
                   [this](const json& v, const std::string& at) { check_input(v, at); });
        check_list(doc, "outputs", "output", "[{\"type\": \"file\", \"path\": \"logs/slotlog.log\"}]",
                   [this](const json& v, const std::string& at) { check_output(v, at); });
        if (const auto it = doc.find("control"); it != doc.end()) check_control(*it, "control");
        if (const auto it = doc.find("queue"); it != doc.end()) check_queue(*it, "queue");
        if (const auto it = doc.find("dedup"); it != doc.end()) check_dedup(*it, "dedup");
    }

    template <class Check>
    void check_list(const json& doc, const char* key, std::string_view what, std::string_view example, Check check) {
        const auto it = doc.find(key);
        if (it == doc.end()) {
            fail(key, "missing; at least one " + std::string(what) + " is required, e.g. " + std::string(example));
            return;
        }
        if (!it->is_array()) {
            expected(key, "an array of " + std::string(what) + "s such as " + std::string(example), *it);
            return;
        }
        if (it->empty()) {
            fail(key, "empty; at least one " + std::string(what) + " is required, e.g. " + std::string(example));
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i) check(it->at(i), element_path(key, i));
    }

    void check_input(const json& v, const std::string& at) {
        if (!v.is_object()) {
            expected(at, "an input object such as {\"type\": \"mailslot\", \"name\": \"logger\"}", v);
            return;
        }
        const kind* k = check_type(v, at, input_kinds, "input");
        const auto any = all_keys(input_kinds);
        const std::span<const std::string_view> allowed = k ? k->keys : std::span<const std::string_view>(any);
        check_keys(v, at, allowed, k, input_kinds, "input");

        input_config in;
        if (k) in.type = k->type;
        bool ok = k != nullptr;
        std::string key_at;
        if (const auto* x = member(v, "name", allowed)) {
            key_at = member_path(at, "name");
            ok = check_slot_name(*x, key_at, in) && ok;
        } else if (k && k->type == "mailslot") {
            fail(member_path(at, "name"), "missing; a mailslot input needs the slot's name, e.g. \"logger\"");
            ok = false;
        }
        if (const auto* x = member(v, "bind", allowed)) {
            key_at = member_path(at, "bind");
            std::string why;
            auto s = non_empty_string(*x, key_at, "\"host:port\", e.g. \"127.0.0.1:5514\"");
            if (s && !parse_bind(*s, why)) {
                fail(key_at, "invalid bind address " + describe(*x) + ": " + why);
                s.reset();
            }
            if (s) in.bind = *s;
            ok = s.has_value() && ok;
        } else if (k && k->type == "udp") {
            fail(member_path(at, "bind"), "missing; a udp input needs \"bind\": \"host:port\", e.g. \"127.0.0.1:5514\"");
            ok = false;
        } else if (k && k->type == "netbios") {
            in.bind = default_netbios_bind;
        }
        if (const auto* x = member(v, "slot", allowed)) {
            ok = check_wire_slot(*x, member_path(at, "slot"), in) && ok;
        } else if (k && k->type == "netbios") {
            fail(member_path(at, "slot"), "missing; a netbios input needs the slot whose mailslot writes it reads, "
                                          "e.g. \"logger\"");
            ok = false;
        }
        if (const auto* x = member(v, "recv_buffer", allowed)) {
            const auto n = size_value(*x, member_path(at, "recv_buffer"), min_recv_buffer, max_recv_buffer);
            if (n) in.recv_buffer = *n;
            ok = n.has_value() && ok;
        }
        if (const auto* x = member(v, "max_message_size", allowed)) {
            const bool udp = k && k->type == "udp";
            const auto n = size_value(*x, member_path(at, "max_message_size"), min_message_size,
                                      udp ? max_udp_message_size : max_message_size);
            if (n) in.max_message_size = *n;
            ok = n.has_value() && ok;
        }
        if (!ok) return;

        // two readers of one endpoint would fight over it
        const auto id = in.endpoint();
        if (key_at.empty()) key_at = at;  // a netbios input on the default bind
        if (const auto [first, inserted] = input_keys_.emplace(id, at); !inserted) {
            fail(key_at, "reads the same endpoint (" + id + ") as " + first->second + "; each slot or address can be read once");
            return;
        }
        cfg_.inputs.push_back(std::move(in));
    }

    bool check_slot_name(const json& v, const std::string& at, input_config& in) {
        const auto s = non_empty_string(v, at, "a slot name such as \"logger\"");
        if (!s) return false;
        slot_name slot;
        try {
            slot = parse_slot_name(*s);
        } catch (const std::exception& e) {
            fail(at, "invalid slot name " + describe(v) + ": " + e.what());
            return false;
        }
        const auto local = json(slot.name).dump(-1, ' ', false, json::error_handler_t::replace);
        if (slot.where == slot_name::scope::broadcast) {
            fail(at, "the collector can only read a local slot; " + describe(v) +
                         " is the broadcast name writers use: use " + local + " instead");
            return false;
        }
        if (slot.where != slot_name::scope::local) {
            fail(at, "the collector can only read a local slot; " + describe(v) +
                         " names a slot on another machine or domain: use " + local + " instead");
            return false;
        }
        in.name = *s;
        return true;
    }

    // the slot a netbios (or udp) input reads remote mailslot writes of: any
    // form writers use ("logger", "\\\\*\\mailslot\\logger"), kept as the name
    bool check_wire_slot(const json& v, const std::string& at, input_config& in) {
        const auto s = non_empty_string(v, at, "a slot name such as \"logger\"");
        if (!s) return false;
        try {
            in.slot = parse_slot_name(*s).name;
        } catch (const std::exception& e) {
            fail(at, "invalid slot name " + describe(v) + ": " + e.what());
            return false;
        }
        return true;
    }

    void check_output(const json& v, const std::string& at) {
        if (!v.is_object()) {
            expected(at, "an output object such as {\"type\": \"file\", \"path\": \"logs/slotlog.log\"}", v);
            return;
        }
        const kind* k = check_type(v, at, output_kinds, "output");
        const auto any = all_keys(output_kinds);
        const std::span<const std::string_view> allowed = k ? k->keys : std::span<const std::string_view>(any);
        check_keys(v, at, allowed, k, output_kinds, "output");

        output_config out;
        bool ok = k != nullptr;
        if (k) {
            out.type = k->type;
            // the event log is for what an administrator must see, not for traces
            if (k->type == "eventlog") out.min_level = level::warning;
        }
        if (const auto* x = member(v, "min_level", allowed)) {
            const auto l = level_value(*x, member_path(at, "min_level"));
            if (l) out.min_level = *l;
            ok = l.has_value() && ok;
        }
        if (const auto* x = member(v, "format", allowed)) {
            const auto f = enum_value(*x, member_path(at, "format"), format_names, "format");
            if (f) out.format = *f == "json" ? line_format::json : line_format::text;
            ok = f.has_value() && ok;
        }
        if (const auto* x = member(v, "path", allowed)) {
            const auto path_at = member_path(at, "path");
            auto p = path_value(*x, path_at, "a file path such as \"logs/slotlog.log\"");
            if (p) {
                // the same file twice would be written and rotated by two sinks
                auto id = p->generic_u8string();
                if constexpr (on_windows) {
                    for (auto& c : id) c = static_cast<char8_t>(lower(static_cast<char>(c)));
                }
                if (const auto [first, inserted] = file_paths_.emplace(std::string(id.begin(), id.end()), at); !inserted) {
                    fail(path_at, "writes the same file as " + first->second + " (" + path_to_utf8(*p) + ")");
                    p.reset();
                }
            }
            if (p) out.path = std::move(*p);
            ok = p.has_value() && ok;
        } else if (k && k->type == "file") {
            fail(member_path(at, "path"), "missing; a file output needs a \"path\", e.g. \"logs/slotlog.log\"");
            ok = false;
        }
        if (const auto* x = member(v, "max_size", allowed)) {
            const auto n = size_value(*x, member_path(at, "max_size"), min_file_size);
            if (n) out.max_size = *n;
            ok = n.has_value() && ok;
        }
        if (const auto* x = member(v, "max_files", allowed)) {
            const auto n = integer_value(*x, member_path(at, "max_files"), 1, max_max_files);
            if (n) out.max_files = static_cast<std::uint32_t>(*n);
            ok = n.has_value() && ok;
        }
        if (const auto* x = member(v, "source", allowed)) {
            const auto s = non_empty_string(*x, member_path(at, "source"), "an event source name such as \"slotlog\"");
            if (s) out.source = *s;
            ok = s.has_value() && ok;
        }
        if (const auto* x = member(v, "ident", allowed)) {
            const auto s = non_empty_string(*x, member_path(at, "ident"), "a syslog ident such as \"slotlog\"");
            if (s) out.ident = *s;
            ok = s.has_value() && ok;
        }
        if (const auto* x = member(v, "facility", allowed)) {
            const auto s = enum_value(*x, member_path(at, "facility"), facility_names, "syslog facility");
            if (s) out.facility = *s;
            ok = s.has_value() && ok;
        }
        if (ok) cfg_.outputs.push_back(std::move(out));
    }

    void check_control(const json& v, const std::string& at) {
        if (!v.is_object()) {
            expected(at, "an object such as {\"key_file\": \"control.key\"}", v);
            return;
        }
        check_keys(v, at, control_keys);
        if (const auto it = v.find("key_file"); it != v.end()) {
            if (auto p = path_value(*it, member_path(at, "key_file"), "a file path such as \"control.key\"")) {
                cfg_.control.key_file = std::move(*p);
            }
        }
        if (const auto it = v.find("allow_plain_stop"); it != v.end()) {
            if (auto b = bool_value(*it, member_path(at, "allow_plain_stop"))) cfg_.control.allow_plain_stop = *b;
        }
    }

    void check_queue(const json& v, const std::string& at) {
        if (!v.is_object()) {
            expected(at, "an object such as {\"max_entries\": 65536}", v);
            return;
        }
        check_keys(v, at, queue_keys);
        if (const auto it = v.find("max_entries"); it != v.end()) {
            if (auto n = integer_value(*it, member_path(at, "max_entries"), min_queue_entries, max_queue_entries)) {
                cfg_.queue_max_entries = *n;
            }
        }
    }

    void check_dedup(const json& v, const std::string& at) {
        if (!v.is_object()) {
            expected(at, "an object such as {\"window_ms\": 2000}", v);
            return;
        }
        check_keys(v, at, dedup_keys);
        if (const auto it = v.find("window_ms"); it != v.end()) {
            if (auto n = integer_value(*it, member_path(at, "window_ms"), 0, max_dedup_window_ms)) {
                cfg_.dedup_window = std::chrono::milliseconds(*n);
            }
        }
    }

    std::string origin_;
    fs::path base_;
    std::vector<config_problem> problems_;
    config cfg_;
    std::map<std::string, std::string> input_keys_;  // key -> json path of the first input
    std::map<std::string, std::string> file_paths_;  // normalised path -> json path of the first output
};

std::string join_problems(const std::vector<config_problem>& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty()) out += '\n';
        out += p.to_string();
    }
    return out.empty() ? "invalid configuration" : out;
}

config_error file_error(const std::string& origin, const std::string& why) {
    return config_error({{origin, "", "cannot read the configuration file: " + why}});
}

} // namespace

std::string config_problem::to_string() const {
    std::string out = file;
    if (!path.empty()) out += (out.empty() ? "" : ": ") + path;
    out += (out.empty() ? "" : ": ") + message;
    return out;
}

config_error::config_error(std::vector<config_problem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems)) {}

namespace {

// "127.0.0.1:0514" -> "127.0.0.1:514": one text per address
std::string normal_bind(const std::string& bind) {
    std::string why;
    if (const auto e = parse_bind(bind, why)) return e->text();
    return to_lower(bind);
}

} // namespace

std::string input_config::key() const {
    if (slot.empty()) return endpoint();
    // the same endpoint read another way is another input (a reload replaces it)
    return type + ":" + normal_bind(bind) + "/" + slot;
}

std::string input_config::endpoint() const {
    if (type == "mailslot") {
        try {
            return "mailslot:" + parse_slot_name(name).name;
        } catch (const std::exception&) {
            return "mailslot:" + to_lower(name);
        }
    }
    // a netbios input reads a udp port like a udp input
    if (type == "udp" || type == "netbios") return "udp:" + normal_bind(bind);
    return type + ":" + name + bind;
}

config parse_config(std::string_view json_text, const std::string& origin, const fs::path& base_dir) {
    try {
        checker c(origin, base_dir);
        return c.run(json_text);
    } catch (const config_error&) {
        throw;
    } catch (const std::exception& e) {
        // nothing but config_error leaves here, whatever the input
        throw config_error({{origin, "", std::string("cannot check the configuration: ") + e.what()}});
    }
}

config load_config_file(const fs::path& file) {
    const auto origin = path_to_utf8(file);
    std::error_code ec;
    const auto st = fs::status(file, ec);
    if (st.type() == fs::file_type::not_found) throw file_error(origin, "no such file");
    if (ec) throw file_error(origin, ec.message());
    if (fs::is_directory(st)) throw file_error(origin, "it is a folder, not a file");

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        const int err = errno;
        throw file_error(origin, err != 0 ? std::generic_category().message(err) : std::string("cannot open it"));
    }
    std::string text;
    char buffer[16384];
    while (in.read(buffer, sizeof buffer), in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_file_bytes) {
            throw file_error(origin, "larger than " + describe_size(max_file_bytes) + "; not a configuration file");
        }
    }
    if (in.bad()) throw file_error(origin, "read error");

    auto dir = fs::absolute(file, ec);
    return parse_config(text, origin, (ec ? file : dir).parent_path());
}

} // namespace slotlog
