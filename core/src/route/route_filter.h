// an output's match and exclude (SPEC "Routing and files"), compiled once per
// configuration: an entry goes to the output when every key of match matches
// it and no key of exclude does
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <slotlog/config.h>
#include <slotlog/entry.h>

#include "route/glob.h"

namespace slotlog {

// the globs of one key (host, app or slot); any of them matching is a match
class glob_list {
public:
    explicit glob_list(const std::vector<std::string>& patterns);

    bool given() const noexcept { return !globs_.empty(); }
    bool matches(std::string_view text) const noexcept;

private:
    std::vector<glob> globs_;
};

class route_filter {
public:
    route_filter(const route_rules& match, const route_rules& exclude);

    // an unknown host or app is the empty text: only "*" matches it
    bool takes(const entry& e) const noexcept;

private:
    struct keys {
        explicit keys(const route_rules& r) : host(r.host), app(r.app), slot(r.slot) {}
        glob_list host, app, slot;
    };

    keys match_;
    keys exclude_;
};

// null when the output has neither match nor exclude: it takes every entry
// (that its min_level lets through) at no cost
std::shared_ptr<const route_filter> make_route_filter(const output_config& cfg);

} // namespace slotlog
