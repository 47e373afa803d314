#pragma once

// one log file followed like tail -F: what is appended to it, across its
// rotations (renamed away and created anew) and truncations

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>

#include "entry_filter.h"
#include "file_follow.h"

namespace slotlog {

class file_tail {
public:
    static constexpr std::size_t chunk_size = 64 * 1024;

    // in_folder: one of a folder's files; its path going away is no news
    // (the folder follower drops it), and nothing waits for it
    file_tail(std::filesystem::path path, const entry_filter& filter, std::ostream& out, std::ostream& err,
              bool in_folder);
    file_tail(const file_tail&) = delete;
    file_tail& operator=(const file_tail&) = delete;

    // opens the file to follow from its start; false if it does not exist.
    // throws std::system_error when it cannot be read
    bool open();

    // prints the last `count` entries that pass the filter, its backups' first
    // when it holds fewer, and follows after them: an unfinished last line is
    // printed once complete. follow false: that line is one of the entries
    void print_last(std::size_t count, bool follow);

    // reads what has been appended and follows the path to a new file; true
    // if anything happened. throws std::system_error when a new file cannot
    // be read
    bool poll();

    // the path named no file when last looked at (renamed away, deleted)
    bool path_gone() const noexcept { return gone_; }

    // the file's last bytes, an unfinished line too, then closes it
    void finish();

    bool is_open() const noexcept { return file_.is_open(); }
    const std::filesystem::path& path() const noexcept { return path_; }
    const std::string& shown() const noexcept { return shown_; }

private:
    bool drain_();
    void emit_complete_lines_();
    void emit_(std::string_view line);
    void flush_partial_();
    bool check_path_();

    std::filesystem::path path_;
    const entry_filter& filter_;
    std::ostream& out_;
    std::ostream& err_;
    std::string shown_;  // the path in utf-8, for messages
    bool in_folder_;
    shared_read_file file_;
    file_identity id_;
    std::uint64_t offset_ = 0;
    std::string pending_;  // bytes of a line whose newline has not come yet
    bool gone_ = false;
    bool missing_said_ = false;
    bool refused_said_ = false;  // the path names a file that cannot be opened
    std::unique_ptr<char[]> buffer_;  // a chunk read at a time
};

} // namespace slotlog
