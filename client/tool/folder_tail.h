#pragma once

// `slotlog tail -f FOLDER`: every log file in a folder and below followed at
// once, files that appear later included (the collector's `logs/{host}/...`)

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <vector>

#include "entry_filter.h"

namespace slotlog {

struct folder_tail_options {
    std::filesystem::path folder;
    std::size_t lines = 10;  // the last entries of each file printed first
    bool follow = false;
    std::chrono::milliseconds poll_interval{100};
    std::chrono::milliseconds scan_interval{500};  // how often the tree is walked for new files
    std::function<void()> on_poll;
};

// the log files under a folder, sorted: `*.log`, not the rotated backups
// (`name.N.log`, `.gz`). the walk holds no folder open after it returns, and
// a folder that goes away meanwhile is skipped, never an error
std::vector<std::filesystem::path> log_files_under(const std::filesystem::path& folder);

// prints the last entries of each file in path order, then follows them all:
// the files there at the start from their end, those that appear later from
// their start. returns the exit code (1: the folder cannot be read)
int run_folder_tail(const folder_tail_options& options, const entry_filter& filter, std::ostream& out,
                    std::ostream& err, const std::atomic<bool>& stop);

} // namespace slotlog
