#include "config/checker.h"

#include <array>
#include <exception>
#include <fstream>
#include <system_error>

#include <slotlog/detail/utf8.h>
#include <slotlog/platform.h>

#include "config/schema.h"
#include "config/syntax_pass.h"

namespace slotlog::config_check {

namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 7> level_names{"trace", "debug", "info", "notice", "warning", "error", "critical"};

} // namespace

checker::checker(std::string origin, const fs::path& base_dir) : origin_(std::move(origin)) {
    std::error_code ec;
    auto base = fs::absolute(base_dir, ec);
    base_ = (ec ? base_dir : base).lexically_normal();
}

config checker::run(std::string_view text) {
    if (is_blank(text)) {
        fail("", "the document is empty; expected a JSON object with \"inputs\" and \"outputs\"");
        throw config_error(std::move(problems_));
    }
    if (!check_syntax(text, origin_, problems_)) throw config_error(std::move(problems_));
    check_root(json::parse(text.begin(), text.end()));
    if (!problems_.empty()) throw config_error(std::move(problems_));
    cfg_.origin = origin_;
    return std::move(cfg_);
}

void checker::check_root(const json& doc) {
    if (!doc.is_object()) {
        fail("", "expected a JSON object at the top level (with \"inputs\" and \"outputs\"), got " + describe(doc));
        return;
    }
    std::vector<std::string_view> keys{input_schema.key, output_schema.key};
    for (const auto& f : section_fields) keys.push_back(f.key);
    check_keys(doc, "", keys);
    read_list(doc, input_schema, cfg_.inputs);
    read_list(doc, output_schema, cfg_.outputs);
    read_fields(doc, "", section_fields, cfg_);
}

void checker::fail(std::string path, std::string message) {
    problems_.push_back({origin_, std::move(path), std::move(message)});
}

void checker::expected(const std::string& at, std::string_view what, const json& v) {
    fail(at, "expected " + std::string(what) + ", got " + describe(v));
}

std::string checker::claim(std::map<std::string, std::string>& claims, const std::string& id, const std::string& at) {
    const auto [first, inserted] = claims.emplace(id, at);
    return inserted ? std::string() : first->second;
}

std::string checker::element_example(std::string_view list_example) {
    if (list_example.starts_with('[') && list_example.ends_with(']')) {
        list_example = list_example.substr(1, list_example.size() - 2);
    }
    return std::string(list_example);
}

// ---------------------------------------------------------------- values

std::optional<std::string> checker::string_value(const json& v, const std::string& at, std::string_view what) {
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

std::optional<std::string> checker::non_empty_string(const json& v, const std::string& at, std::string_view what) {
    auto s = string_value(v, at, what);
    if (s && s->empty()) {
        fail(at, "must not be empty; expected " + std::string(what));
        return std::nullopt;
    }
    return s;
}

std::optional<std::uint64_t> checker::integer_value(const json& v, const std::string& at, std::uint64_t min,
                                                    std::uint64_t max) {
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

std::optional<std::uint64_t> checker::size_value(const json& v, const std::string& at, std::uint64_t min,
                                                 std::uint64_t max) {
    const auto bytes = size_of(v, at);
    if (!bytes) return std::nullopt;
    if (*bytes < min) {
        fail(at, "size " + describe(v) + " is too small: expected at least " + describe_size(min));
        return std::nullopt;
    }
    if (*bytes > max) {
        fail(at, "size " + describe(v) + " is too large: expected at most " + describe_size(max));
        return std::nullopt;
    }
    return bytes;
}

std::optional<std::uint64_t> checker::size_of(const json& v, const std::string& at) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) {
        fail(at, "invalid size " + describe(v) + ": a size cannot be negative");
    } else if (v.is_number_float()) {
        fail(at, "invalid size " + describe(v) + ": expected a whole number of bytes or a string such as \"10MiB\"");
    } else if (v.is_string()) {
        if (const auto parsed = parse_size(v.get_ref<const std::string&>())) return parsed;
        fail(at, "invalid size " + describe(v) + ": expected bytes or a number with a unit (B, KiB, MiB, GiB)");
    } else {
        expected(at, "a size: a number of bytes or a string such as \"10MiB\"", v);
    }
    return std::nullopt;
}

std::optional<std::string> checker::enum_value(const json& v, const std::string& at,
                                               std::span<const std::string_view> names, std::string_view what) {
    auto s = string_value(v, at, "a string: " + join_or(names));
    if (!s) return std::nullopt;
    if (contains(names, *s)) return s;
    fail(at, "unknown " + std::string(what) + " " + describe(v) + did_you_mean(*s, names) + "; expected " +
                 join_or(names));
    return std::nullopt;
}

std::optional<level> checker::level_value(const json& v, const std::string& at) {
    auto s = string_value(v, at, "a level name: " + join_or(level_names));
    if (!s) return std::nullopt;
    if (auto l = parse_level(*s)) return l;
    fail(at, "unknown level " + describe(v) + did_you_mean(*s, level_names) + "; expected " + join_or(level_names));
    return std::nullopt;
}

std::optional<std::chrono::seconds> checker::duration_value(const json& v, const std::string& at,
                                                           std::chrono::seconds max) {
    std::optional<std::chrono::seconds> d;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() == 0) {
        d = std::chrono::seconds(0);
    } else if (v.is_string()) {
        d = parse_duration(v.get_ref<const std::string&>());
    } else {
        expected(at, "a duration such as \"30d\", \"12h\", \"15m\" or \"90s\" (or 0)", v);
        return std::nullopt;
    }
    if (!d) {
        fail(at, "invalid duration " + describe(v) + ": expected a whole number with a unit: d, h, m or s (\"15m\")");
        return std::nullopt;
    }
    if (*d > max) {
        fail(at, "duration " + describe(v) + " is too long: expected at most " + std::to_string(max.count() / 86400) +
                     "d");
        return std::nullopt;
    }
    return d;
}

std::optional<bool> checker::bool_value(const json& v, const std::string& at) {
    if (v.is_boolean()) return v.get<bool>();
    expected(at, "true or false", v);
    return std::nullopt;
}

fs::path checker::resolve(fs::path p) const {
    if (!p.is_absolute()) p = base_ / p;
    if (!p.is_absolute()) {
        // windows "D:logs": relative to that drive's current folder
        std::error_code ec;
        auto abs = fs::absolute(p, ec);
        if (!ec) p = abs;
    }
    return p.lexically_normal();
}

std::optional<fs::path> checker::readable_file(const json& v, const std::string& at, std::string_view what) {
    auto p = path_value(v, at, what);
    if (!p) return std::nullopt;
    std::error_code ec;
    const auto st = fs::status(*p, ec);
    std::string why;
    if (st.type() == fs::file_type::not_found) {
        why = "no such file";
    } else if (ec) {
        why = ec.message();
    } else if (fs::is_directory(st)) {
        why = "it is a folder";
    } else if (!std::ifstream(*p, std::ios::binary)) {
        why = "it cannot be read";
    }
    if (why.empty()) return p;
    fail(at, "cannot use " + describe(v) + " (" + detail::path_to_utf8(*p) + "): " + why);
    return std::nullopt;
}

std::optional<fs::path> checker::path_value(const json& v, const std::string& at, std::string_view what) {
    auto s = non_empty_string(v, at, what);
    if (!s) return std::nullopt;
    try {
        const auto p = resolve(detail::path_from_utf8(*s));
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

// ---------------------------------------------------------------- objects

void checker::check_keys(const json& obj, const std::string& at, std::span<const std::string_view> allowed,
                         const kind_keys* k, std::span<const kind_keys> kinds, std::string_view what) {
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

std::size_t checker::check_type(const json& obj, const std::string& at, std::span<const kind_keys> kinds,
                                std::string_view what) {
    std::vector<std::string_view> names;
    for (const auto& k : kinds) names.push_back(k.type);
    const auto type_at = member_path(at, "type");
    const std::string a(what);
    const auto it = obj.find("type");
    if (it == obj.end()) {
        fail(type_at, "missing; every " + a + " needs a \"type\": " + join_or(names));
        return kinds.size();
    }
    if (!it->is_string()) {
        expected(type_at, "a string: " + join_or(names), *it);
        return kinds.size();
    }
    const auto& type = it->get_ref<const std::string&>();
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        if (kinds[i].type != type) continue;
        if (kinds[i].where == platforms::windows_only && !on_windows) {
            fail(type_at, "'" + type + "' " + a + "s exist only on Windows");
        } else if (kinds[i].where == platforms::posix_only && on_windows) {
            fail(type_at, "'" + type + "' " + a + "s exist only on POSIX systems (Linux); use an eventlog output on Windows");
        }
        return i;
    }
    fail(type_at, "unknown " + a + " type " + describe(*it) + did_you_mean(type, names) + "; expected " + join_or(names));
    return kinds.size();
}

} // namespace slotlog::config_check
