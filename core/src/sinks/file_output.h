#pragma once

// a file output: one rotating file, or, when its path has placeholders
// ("logs/{host}/{app}.log"), one rotating file per expanded path, of which at
// most max_open_files are open; the least recently written is closed first
// and opened again (appending) when an entry needs it. writer thread only

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <slotlog/config.h>
#include <slotlog/entry.h>
#include <slotlog/problem_reporter.h>
#include <slotlog/rotating_file_sink.h>

#include "sinks/file_upkeep.h"
#include "sinks/path_template.h"

namespace slotlog {

class file_output {
public:
    // what picks dated files; tests pass their own clock
    using clock_fn = std::function<clock::time_point()>;
    // a file not written for this long is closed (rsyslog's dynafile closeTimeout is the same)
    static constexpr auto idle_close = std::chrono::minutes(10);

    // a plain path is opened now and throws std::runtime_error when it cannot
    // be; files of a pattern are opened as entries come, and a failure is
    // reported and retried by that file's sink
    file_output(const output_config& cfg, problem_reporter report, clock_fn now = {});
    ~file_output();
    file_output(const file_output&) = delete;
    file_output& operator=(const file_output&) = delete;

    // the entry's line (without its end) into the entry's file
    void write(const entry& e, std::string_view line);
    // writes what the files hold. soon (more entries are likely to come at
    // once): a path with placeholders flushes at most every put_off_limit and
    // returns false when it put the flush off, so that a steady stream to a
    // thousand files costs a write per file every tenth of a second, not per batch
    bool flush(bool soon = false);
    static constexpr auto put_off_limit = std::chrono::milliseconds(100);
    // rotates every open file
    void rotate();

    std::size_t open_files() const noexcept { return files_.size(); }
    const path_template& pattern() const noexcept { return pattern_; }

private:
    struct open_file {
        std::shared_ptr<rotating_file_sink> sink;
        std::uint64_t written = 0;   // writes_ when last written: the least is closed first
        std::chrono::steady_clock::time_point flushed;  // the flush before its last write
    };
    // node-based: an open_file stays where it is while others come and go.
    // least recently written is found by a walk when a file must be closed,
    // which costs less than keeping a list in order on every write
    using file_map = std::unordered_map<std::string, open_file>;

    open_file& file_for_(const entry& e);
    open_file& open_(bool must_open);
    void close_one_();
    void close_(file_map::iterator it);

    output_config cfg_;
    problem_reporter report_;
    clock_fn now_;
    path_template pattern_;
    // compression and retention; null: neither. before the files, whose sinks use it
    std::shared_ptr<file_upkeep> upkeep_;
    file_map files_;                     // by the path below the folder (lower case on windows)
    open_file* last_ = nullptr;          // the file written last: the next entry often goes there too
    std::uint64_t writes_ = 0;
    std::string name_, key_;             // the expanded path, and it as a key (reused)
    std::string last_key_;               // the key of last_
    std::chrono::steady_clock::time_point flushed_at_;
};

} // namespace slotlog
