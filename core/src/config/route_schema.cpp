// an output's match and exclude (SPEC "Routing and files"): objects of host,
// app and slot, each a glob or a list of globs. any non-empty string is a glob
// (only * and ? are special), so what can be wrong is the shape
#include "config/route_schema.h"

#include <array>
#include <vector>

namespace slotlog::config_check {

namespace {

constexpr std::string_view a_glob = "a glob such as \"web*\"";
constexpr std::string_view rules_example = "{\"app\": [\"billing\", \"shop*\"], \"host\": \"web??\"}";

bool read_glob(checker& c, const json& v, const std::string& at, std::vector<std::string>& out) {
    auto s = c.non_empty_string(v, at, a_glob);
    if (s) out.push_back(std::move(*s));
    return s.has_value();
}

bool read_globs(checker& c, const json& v, const std::string& at, std::vector<std::string>& out) {
    if (v.is_string()) return read_glob(c, v, at, out);
    if (!v.is_array()) {
        // appended, not operator+: gcc 12 warns falsely (-Warray-bounds) on string&& + literal
        std::string wanted(a_glob);
        wanted += " or a list of globs such as [\"web*\", \"db?\"]";
        c.expected(at, wanted, v);
        return false;
    }
    if (v.empty()) {
        // an empty list could only mean "nothing matches": say so rather than guess
        c.fail(at, "empty; expected at least one glob such as \"web*\" (or leave the key out)");
        return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) ok = read_glob(c, v[i], element_path(at, i), out) && ok;
    return ok;
}

template <std::vector<std::string> route_rules::*Key>
bool read_key(checker& c, const json& v, const std::string& at, route_rules& out) {
    return read_globs(c, v, at, out.*Key);
}

constexpr std::array<field<route_rules>, 3> rule_fields{{
    {"host", read_key<&route_rules::host>},
    {"app", read_key<&route_rules::app>},
    {"slot", read_key<&route_rules::slot>},
}};

bool read_rules(checker& c, const json& v, const std::string& at, route_rules& out) {
    return c.read_section<route_rules>(v, at, rule_fields, rules_example, out);
}

} // namespace

bool read_match(checker& c, const json& v, const std::string& at, output_config& out) {
    return read_rules(c, v, at, out.match);
}

bool read_exclude(checker& c, const json& v, const std::string& at, output_config& out) {
    return read_rules(c, v, at, out.exclude);
}

} // namespace slotlog::config_check
