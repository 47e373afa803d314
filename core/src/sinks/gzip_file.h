#pragma once

// one rotated file compressed, so that a crash at any moment loses nothing and
// never leaves a broken .gz that passes for done: the gzip goes to X.gz.part,
// is flushed to the disk, renamed to X.gz (never over an existing one), and
// only then is X deleted

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace slotlog {

struct gzip_result {
    std::optional<std::string> error;    // why it failed; X is then untouched
    std::optional<std::string> kept;     // X.gz is complete but X could not be deleted: why
    bool earlier = false;                // X.gz was there already (a crash before X was deleted)
    std::uint64_t in = 0, out = 0;       // bytes read and written
};

// "a.1.log" -> "a.1.log.gz", and "a.1.log.gz.part"
std::filesystem::path gz_path(const std::filesystem::path& file);
std::filesystem::path gz_part_path(const std::filesystem::path& file);

// compresses `file` as above. an X.gz that is there already is never
// replaced: complete, it is taken as the work of an earlier run and X is
// deleted; broken (never renamed so by us), it is removed and made again
gzip_result gzip_file(const std::filesystem::path& file) noexcept;

// true if `gz` is a whole gzip file: every member read to its trailer, checksums right
bool gzip_complete(const std::filesystem::path& gz) noexcept;

} // namespace slotlog
