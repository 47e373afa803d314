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
#include <vector>

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
    // what the arena may hold: then every file writes its lines, flush or not
    static constexpr std::size_t arena_limit = 16u << 20;
    const path_template& pattern() const noexcept { return pattern_; }

private:
    struct open_file {
        std::string key;             // the path below the folder (lower case on windows)
        std::unique_ptr<rotating_file_sink> sink;
        std::uint64_t written = 0;   // writes_ when last written: the least is closed first
        std::chrono::steady_clock::time_point flushed;  // the flush before its last write
        std::uint32_t hash = 0;      // of the key, as the index holds it
        std::uint32_t newest = 0;    // its newest line in the arena, + 1; 0: none waits
    };
    // a slot of the index: the key's hash and the file's place in files_, + 1 (0: empty)
    struct slot {
        std::uint32_t hash = 0;
        std::uint32_t file = 0;
    };

    std::size_t file_for_(const entry& e);
    std::size_t open_(bool must_open, std::uint32_t hash, std::size_t at);
    std::size_t slot_of_(std::size_t file) const;
    void close_one_();
    void close_(std::size_t file);
    void keep_(std::size_t file, std::string_view line);
    void hand_over_(open_file& f);
    void hand_over_all_(bool flush);

    output_config cfg_;
    problem_reporter report_;
    clock_fn now_;
    path_template pattern_;
    // compression and retention; null: neither. before the files, whose sinks use it
    std::shared_ptr<file_upkeep> upkeep_;
    // the open files, in no order, and an open-addressing index of them by key
    // (linear probing, at most half full). flat, so that finding the file of
    // an entry costs a cache line or two when a thousand files take turns;
    // the least recently written is found by a walk when a file must be closed
    std::vector<open_file> files_;
    std::vector<slot> index_;
    std::size_t last_ = none;            // the file written last: the next entry often goes there too
    std::uint64_t writes_ = 0;
    std::string name_, key_;             // the expanded path, and it as a key (reused)
    // the lines of a pattern's files wait here, each after its length and the
    // offset of the previous line of its file, until a flush hands each file
    // its lines in one go: the writer then touches one arena in order instead
    // of a thousand buffers of a thousand sinks, and a sink is hot while it
    // takes its lines (see bench/README.md "Per-host files")
    std::string arena_;
    std::vector<std::uint32_t> chain_;   // a file's lines, newest first, while handed over
    std::chrono::steady_clock::time_point flushed_at_;

    static constexpr std::size_t none = static_cast<std::size_t>(-1);
};

} // namespace slotlog
