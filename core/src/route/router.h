#pragma once

#include <functional>
#include <string>
#include <vector>

#include <slotlog/counters.h>
#include <slotlog/entry.h>
#include <slotlog/outputs.h>

namespace slotlog {

using output_set = std::vector<output>;

// routes each entry to the outputs that take it (min_level, then match and
// exclude, compiled with the output set: route_filter.h), formatting each
// line format at most once per entry, whatever the number of outputs, into
// buffers it reuses (no allocation per entry). an entry that no output takes
// is counted (unrouted), not reported: a configuration may mean it. a failing
// output is reported once, and again when it works. writer thread only; never
// throws
class router {
public:
    using reporter = std::function<void(level, const std::string&)>;

    // own_to_host: the host reports the collector's own problems itself, so
    // eventlog outputs carry application entries only and nothing is there twice
    router(pipeline_counters& counters, reporter report, bool own_to_host)
        : counters_(counters), report_(std::move(report)), own_to_host_(own_to_host) {}

    void write(const entry& e, output_set& outputs) noexcept;

private:
    // min_level, match and exclude
    bool takes_(const output& o, const entry& e) const noexcept;
    std::string_view line_(const output& o, const entry& e);
    void write_to_(output& o, const entry& e, std::string_view line) noexcept;

    pipeline_counters& counters_;
    reporter report_;
    bool own_to_host_;
    std::string text_, json_;
};

} // namespace slotlog
