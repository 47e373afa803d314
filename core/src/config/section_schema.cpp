// the sections beside inputs and outputs: control, queue, dedup, stats
#include <array>

#include "config/schema.h"

namespace slotlog::config_check {

namespace {

constexpr std::uint64_t min_queue_entries = 16;
constexpr std::uint64_t max_queue_entries = 16u << 20;
constexpr std::uint64_t max_dedup_window_ms = 60 * 1000;
constexpr std::chrono::seconds max_stats_interval = std::chrono::hours(24 * 7);

bool read_key_file(checker& c, const json& v, const std::string& at, control_config& out) {
    auto p = c.path_value(v, at, "a file path such as \"control.key\"");
    if (p) out.key_file = std::move(*p);
    return p.has_value();
}

bool read_allow_plain_stop(checker& c, const json& v, const std::string& at, control_config& out) {
    const auto b = c.bool_value(v, at);
    if (b) out.allow_plain_stop = *b;
    return b.has_value();
}

bool read_max_entries(checker& c, const json& v, const std::string& at, config& out) {
    const auto n = c.integer_value(v, at, min_queue_entries, max_queue_entries);
    if (n) out.queue_max_entries = *n;
    return n.has_value();
}

bool read_window_ms(checker& c, const json& v, const std::string& at, config& out) {
    const auto n = c.integer_value(v, at, 0, max_dedup_window_ms);
    if (n) out.dedup_window = std::chrono::milliseconds(*n);
    return n.has_value();
}

bool read_stats_interval(checker& c, const json& v, const std::string& at, config& out) {
    const auto d = c.duration_value(v, at, max_stats_interval);
    if (d) out.stats_interval = *d;
    return d.has_value();
}

constexpr std::array<field<control_config>, 2> control_fields{{
    {"key_file", read_key_file},
    {"allow_plain_stop", read_allow_plain_stop},
}};
constexpr std::array<field<config>, 1> queue_fields{{{"max_entries", read_max_entries}}};
constexpr std::array<field<config>, 1> dedup_fields{{{"window_ms", read_window_ms}}};
constexpr std::array<field<config>, 1> stats_fields{{{"interval", read_stats_interval}}};

bool read_control(checker& c, const json& v, const std::string& at, config& out) {
    c.read_section<control_config>(v, at, control_fields, "{\"key_file\": \"control.key\"}", out.control);
    return true;
}

bool read_queue(checker& c, const json& v, const std::string& at, config& out) {
    c.read_section<config>(v, at, queue_fields, "{\"max_entries\": 65536}", out);
    return true;
}

bool read_dedup(checker& c, const json& v, const std::string& at, config& out) {
    c.read_section<config>(v, at, dedup_fields, "{\"window_ms\": 2000}", out);
    return true;
}

bool read_stats(checker& c, const json& v, const std::string& at, config& out) {
    c.read_section<config>(v, at, stats_fields, "{\"interval\": \"10m\"}", out);
    return true;
}

constexpr std::array<field<config>, 4> sections{{
    {"control", read_control},
    {"queue", read_queue},
    {"dedup", read_dedup},
    {"stats", read_stats},
}};

} // namespace

constinit const std::span<const field<config>> section_fields = sections;

} // namespace slotlog::config_check
