#pragma once

// `slotlog tail`: the last entries of a log file (its rotated backups, .gz
// ones too, when it holds fewer) and, when following, what is appended to it,
// across rotations (like tail -F); or of every log file in a folder tree

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <slotlog/level.h>

#include "entry_filter.h"

namespace slotlog {

struct tail_options {
    std::filesystem::path path;                      // a log file, a .gz file or a folder
    std::size_t lines = 10;                          // entries printed first (of each file of a folder)
    bool follow = false;
    // the filters, all of them together
    std::optional<level> min_level;                  // at least this severe
    std::optional<std::string> host;                 // a glob of the host, case-insensitive
    std::optional<std::string> app;                  // a glob of the app
    std::optional<std::string> grep;                 // in the message, case-insensitive
    std::chrono::milliseconds poll_interval{100};
    std::chrono::milliseconds scan_interval{500};    // a followed folder walked for new files
    // called after each look at the file while following: a test waits for
    // the follower to have looked again instead of sleeping
    std::function<void()> on_poll;
};

// what is wrong with a --host or --app glob, nullopt if nothing (the empty
// glob is refused: it would match only unknown values)
std::optional<std::string> glob_problem(std::string_view pattern);

// prints the last entries, then follows (options.follow) until stop is set.
// returns the exit code: 0, or 1 when the path cannot be read (said on err)
// or a .gz path is damaged (what it held before the damage is printed)
int run_tail(const tail_options& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop);

} // namespace slotlog
