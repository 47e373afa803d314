#pragma once

// the last entries of a log file for `tail -n`: the current file read
// backwards, then its rotated backups (`name.1.log` or `name.1.log.gz`, then
// `.2`, ...) while it holds fewer than asked

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "entry_filter.h"

namespace slotlog {

class shared_read_file;

struct last_entries {
    std::vector<std::string> lines;  // oldest first
    std::string partial;             // bytes after the last newline of the current file
    std::uint64_t complete_end = 0;  // where that partial line starts
};

// the last `count` entries of an open plain file that pass the filter, read
// backwards in chunks. count_partial: an unfinished last line is one of them
// (it is then in `partial`, not in `lines`; `partial` is empty when it is not)
last_entries read_last_entries(shared_read_file& file, std::size_t count, const entry_filter& filter,
                               bool count_partial);

// the last `count` entries of a gzip file that pass the filter, oldest first.
// a corrupt or truncated file gives what it could and a warning on err
// naming `shown`; `damaged` is then set
std::vector<std::string> read_last_gzip_entries(shared_read_file& file, std::size_t count, const entry_filter& filter,
                                                std::ostream& err, const std::string& shown, bool& damaged);

// the backup `index` of a log file as the collector names it: `app.log` ->
// `app.1.log` (the stem, `.N`, the extension)
std::filesystem::path backup_path(const std::filesystem::path& path, unsigned index);

// the last `count` entries of path's backups that pass the filter, oldest
// first: `.1` (plain, else .gz: a plain one is complete while its .gz may be
// in the making), then `.2`, ... until enough or a number has neither.
// problems are warnings on err, never an exception. `since`: only backups
// last written at or after it (what was rotated away since a given moment)
std::vector<std::string> read_backup_entries(const std::filesystem::path& path, std::size_t count,
                                             const entry_filter& filter, std::ostream& err,
                                             std::optional<std::filesystem::file_time_type> since = std::nullopt);

// true for a rotated backup's name: `name.N.log` (N digits) or any `.gz`
bool is_backup_name(const std::filesystem::path& path);

} // namespace slotlog
