#pragma once

// the lines of a gzip file (a rotated `name.1.log.gz`), decompressed as a
// stream with zlib: memory stays one buffer whatever the file's size

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace slotlog {

class shared_read_file;

// hands each line of the decompressed file to on_line, in order, without its
// newline; a last line without one too. a file of several gzip members (as
// `cat a.gz b.gz` makes) is read through. returns what is wrong when the file
// is corrupt or truncated: then every complete line before the damage has
// been handed, the cut one is not. never throws for bad data
std::optional<std::string> read_gzip_lines(shared_read_file& file,
                                           const std::function<void(std::string_view)>& on_line);

// true if the name ends in `.gz` (ascii case ignored)
bool is_gzip_name(const std::string& file_name) noexcept;

} // namespace slotlog
