// the outputs a configuration can name, and how each key is read
#include <array>

#include <slotlog/detail/utf8.h>
#include <slotlog/platform.h>

#include "config/forward_schema.h"
#include "config/route_schema.h"
#include "config/schema.h"
#include "sinks/path_template.h"

namespace slotlog::config_check {

namespace {

constexpr std::uint64_t min_file_size = 1u << 10;
constexpr std::uint32_t max_max_files = 1000;
constexpr std::chrono::seconds max_max_age{100ll * 365 * 86400};

constexpr std::uint32_t max_max_open_files = 4096;

constexpr std::array<std::string_view, 2> format_names{"text", "json"};
constexpr std::array<std::string_view, 2> time_zone_names{"utc", "local"};
constexpr std::array<std::string_view, 2> compress_names{"gzip", "none"};
constexpr std::array<std::string_view, 20> facility_names{
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

} // namespace

bool read_min_level(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto l = c.level_value(v, at);
    if (l) out.min_level = *l;
    return l.has_value();
}

bool read_facility(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.enum_value(v, at, facility_names, "syslog facility");
    if (s) out.facility = *s;
    return s.has_value();
}

namespace {

bool read_format(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto f = c.enum_value(v, at, format_names, "format");
    if (f) out.format = *f == "json" ? line_format::json : line_format::text;
    return f.has_value();
}

bool read_path(checker& c, const json& v, const std::string& at, output_config& out) {
    auto p = c.path_value(v, at, "a file path such as \"logs/slotlog.log\" or \"logs/{host}/{app}.log\"");
    if (!p) return false;
    // placeholders: sinks/path_template.h
    if (const auto why = path_template::problem(v.get_ref<const std::string&>())) {
        c.fail(at, *why);
        return false;
    }
    out.path = std::move(*p);
    return true;
}

bool read_max_open_files(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto n = c.integer_value(v, at, 1, max_max_open_files);
    if (n) out.max_open_files = static_cast<std::uint32_t>(*n);
    return n.has_value();
}

bool read_time_zone(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto z = c.enum_value(v, at, time_zone_names, "time zone");
    if (z) out.local_time = *z == "local";
    return z.has_value();
}

bool read_max_size(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto n = c.size_value(v, at, min_file_size);
    if (n) out.max_size = *n;
    return n.has_value();
}

bool read_max_files(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto n = c.integer_value(v, at, 1, max_max_files);
    if (n) out.max_files = static_cast<std::uint32_t>(*n);
    return n.has_value();
}

bool read_compress(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.enum_value(v, at, compress_names, "compression");
    if (s) out.compress = *s == "gzip" ? file_compression::gzip : file_compression::none;
    return s.has_value();
}

bool read_max_age(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto d = c.duration_value(v, at, max_max_age);
    if (d) out.max_age = *d;
    return d.has_value();
}

// 0: off
bool read_max_total_size(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto n = c.size_value(v, at, 0);
    if (n) out.max_total_size = *n;
    return n.has_value();
}

bool read_source(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.non_empty_string(v, at, "an event source name such as \"slotlog\"");
    if (s) out.source = *s;
    return s.has_value();
}

bool read_ident(checker& c, const json& v, const std::string& at, output_config& out) {
    const auto s = c.non_empty_string(v, at, "a syslog ident such as \"slotlog\"");
    if (s) out.ident = *s;
    return s.has_value();
}

constexpr field<output_config> min_level_field{"min_level", read_min_level};
constexpr field<output_config> format_field{"format", read_format};
// every output routes: route_schema.cpp
constexpr field<output_config> match_field{"match", read_match};
constexpr field<output_config> exclude_field{"exclude", read_exclude};

constexpr std::array<field<output_config>, 12> file_fields{{
    {"path", read_path, "a file output needs a \"path\", e.g. \"logs/slotlog.log\""},
    {"max_size", read_max_size},
    {"max_files", read_max_files},
    {"max_open_files", read_max_open_files},
    {"time_zone", read_time_zone},
    {"compress", read_compress},
    {"max_age", read_max_age},
    {"max_total_size", read_max_total_size},
    format_field,
    min_level_field,
    match_field,
    exclude_field,
}};
constexpr std::array<field<output_config>, 4> console_fields{{format_field, min_level_field, match_field, exclude_field}};
constexpr std::array<field<output_config>, 5> syslog_fields{{
    {"ident", read_ident},
    {"facility", read_facility},
    min_level_field,
    match_field,
    exclude_field,
}};
constexpr std::array<field<output_config>, 4> eventlog_fields{{
    {"source", read_source},
    min_level_field,
    match_field,
    exclude_field,
}};

constexpr std::array<kind<output_config>, 5> output_kinds{{
    {"file", file_fields},
    {"console", console_fields},
    {"syslog", syslog_fields, platforms::posix_only},
    // the event log is for what an administrator must see, not for traces
    {"eventlog", eventlog_fields, platforms::windows_only, [](output_config& out) { out.min_level = level::warning; }},
    {"forward", forward_fields},
}};

// the same file twice would be written and rotated by two sinks; a forward
// output checks its name and queue
bool finish_output(checker& c, const std::string& at, output_config& out, bool ok) {
    if (out.type == "forward") return finish_forward(c, at, out, ok);
    if (out.path.empty()) return ok;
    const auto path = out.path.generic_u8string();
    std::string id(path.begin(), path.end());
    if constexpr (on_windows) id = to_lower(id);
    const auto first = c.claim(c.file_paths, id, at);
    if (first.empty()) return ok;
    c.fail(member_path(at, "path"), "writes the same file as " + first + " (" + detail::path_to_utf8(out.path) + ")");
    return false;
}

} // namespace

constinit const list_schema<output_config> output_schema{
    "outputs", "output", "[{\"type\": \"file\", \"path\": \"logs/slotlog.log\"}]", output_kinds, finish_output};

} // namespace slotlog::config_check
