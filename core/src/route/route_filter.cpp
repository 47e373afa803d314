#include "route/route_filter.h"

#include <algorithm>

namespace slotlog {

glob_list::glob_list(const std::vector<std::string>& patterns) {
    globs_.reserve(patterns.size());
    for (const auto& p : patterns) globs_.emplace_back(p);
}

bool glob_list::matches(std::string_view text) const noexcept {
    return std::any_of(globs_.begin(), globs_.end(), [&](const glob& g) { return g.matches(text); });
}

route_filter::route_filter(const route_rules& match, const route_rules& exclude) : match_(match), exclude_(exclude) {}

bool route_filter::takes(const entry& e) const noexcept {
    // a key not given matches in match and excludes nothing in exclude
    const auto must = [](const glob_list& l, std::string_view text) { return !l.given() || l.matches(text); };
    const auto hits = [](const glob_list& l, std::string_view text) { return l.given() && l.matches(text); };
    if (!must(match_.host, e.host) || !must(match_.app, e.app) || !must(match_.slot, e.slot)) return false;
    return !hits(exclude_.host, e.host) && !hits(exclude_.app, e.app) && !hits(exclude_.slot, e.slot);
}

std::shared_ptr<const route_filter> make_route_filter(const output_config& cfg) {
    if (cfg.match.empty() && cfg.exclude.empty()) return nullptr;
    return std::make_shared<const route_filter>(cfg.match, cfg.exclude);
}

} // namespace slotlog
