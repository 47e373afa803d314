#pragma once

// `slotlog tail`: the last entries of a log file and, when following, what is
// appended to it, across rotations (like tail -F)

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string_view>

#include <slotlog/level.h>

namespace slotlog {

struct tail_options {
    std::filesystem::path path;
    std::size_t lines = 10;                          // entries printed first
    bool follow = false;
    std::optional<level> min_level;                  // keep entries at least this severe
    std::chrono::milliseconds poll_interval{100};
    // called after each look at the file while following: a test waits for
    // the follower to have looked again instead of sleeping
    std::function<void()> on_poll;
};

// the level of a text line (`<time> <LABEL> ...`) or of a json line
// ("level":"warning"); nullopt for a line that has none
std::optional<level> line_level(std::string_view line);

// prints the last entries, then follows (options.follow) until stop is set.
// returns the exit code: 0, or 1 when the file cannot be read (said on err)
int run_tail(const tail_options& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop);

} // namespace slotlog
