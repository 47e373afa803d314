// following one file across rotations (tail -F)

#include "file_tail.h"

#include <memory>
#include <ostream>
#include <system_error>

#include <slotlog/detail/utf8.h>

#include "last_entries.h"

namespace slotlog {

file_tail::file_tail(std::filesystem::path path, const entry_filter& filter, std::ostream& out, std::ostream& err,
                     bool in_folder)
    : path_(std::move(path)), filter_(filter), out_(out), err_(err), shown_(detail::path_to_utf8(path_)),
      in_folder_(in_folder), buffer_(std::make_unique<char[]>(chunk_size)) {}

bool file_tail::open() {
    if (!file_.open(path_)) return false;
    id_ = file_.identity();
    offset_ = 0;
    gone_ = false;
    return true;
}

void file_tail::print_last(std::size_t count, bool follow) {
    auto last = read_last_entries(file_, count, filter_, !follow);
    const bool counted_partial = !follow && !last.partial.empty();
    const std::size_t found = last.lines.size() + (counted_partial ? 1 : 0);
    if (found < count) {
        for (const auto& line : read_backup_entries(path_, count - found, filter_, err_)) out_ << line << '\n';
    }
    for (const auto& line : last.lines) out_ << line << '\n';
    if (counted_partial) out_ << last.partial << '\n';
    // following: an unfinished last line is printed once it is complete
    offset_ = last.complete_end;
}

bool file_tail::poll() {
    bool progressed = file_.is_open() && drain_();
    progressed = check_path_() || progressed;
    return progressed;
}

void file_tail::finish() {
    if (file_.is_open()) drain_();
    flush_partial_();
    file_.close();
}

// whatever the open file holds beyond offset_; true if there was something
bool file_tail::drain_() {
    bool any = false;
    for (;;) {
        const std::size_t got = file_.read_at(offset_, buffer_.get(), chunk_size);
        if (got == 0) return any;
        any = true;
        offset_ += got;
        pending_.append(buffer_.get(), got);
        emit_complete_lines_();
    }
}

void file_tail::emit_complete_lines_() {
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
        emit_(std::string_view(pending_).substr(start, nl - start));
    }
    pending_.erase(0, start);
}

void file_tail::emit_(std::string_view line) {
    if (filter_.passes(line)) out_ << line << '\n';
}

// the old file ended in the middle of a line: print what it had, once
void file_tail::flush_partial_() {
    if (!pending_.empty()) emit_(pending_);
    pending_.clear();
}

// follows the path to a new file (rotation) or back to the start (truncation)
bool file_tail::check_path_() {
    if (file_.is_open() && file_.delete_pending()) {
        // deleted (windows): its last bytes, then let go so that the name is free again
        drain_();
        flush_partial_();
        file_.close();
        gone_ = true;
        if (!in_folder_) err_ << "slotlog tail: '" << shown_ << "' has been deleted; waiting for it to come back\n";
        missing_said_ = true;
        return true;
    }
    const auto now = identity_of(path_);
    gone_ = !now;
    if (!file_.is_open()) {
        if (!now) return false;
        try {
            if (!file_.open(path_)) return false;
        } catch (const std::system_error& e) {
            // windows: a deleted file that another process still holds refuses
            // to open until its name goes; or no right to read it (yet)
            if (!refused_said_) err_ << "slotlog tail: '" << shown_ << "': " << e.what() << "; trying again\n";
            refused_said_ = true;
            return false;
        }
        if (file_.delete_pending()) {
            file_.close();
            return false;
        }
        refused_said_ = false;
        id_ = file_.identity();
        offset_ = 0;
        err_ << "slotlog tail: '" << shown_ << "' has appeared; following it\n";
        missing_said_ = false;
        return true;
    }
    if (!now) {
        // renamed away and not yet recreated: keep reading the old file meanwhile
        if (!missing_said_ && !in_folder_) {
            err_ << "slotlog tail: '" << shown_ << "' has gone; waiting for it to come back\n";
        }
        missing_said_ = true;
        return false;
    }
    const bool replaced = *now != id_;
    const bool truncated = !replaced && file_.size() < offset_;
    if (!replaced && !truncated) return false;

    // the old file first, to its very end, then the path from its start
    if (replaced) drain_();
    flush_partial_();
    offset_ = 0;
    missing_said_ = false;
    if (!file_.open(path_)) {
        gone_ = true;
        if (!in_folder_) err_ << "slotlog tail: '" << shown_ << "' has gone; waiting for it to come back\n";
        missing_said_ = true;
        return true;
    }
    id_ = file_.identity();
    err_ << "slotlog tail: '" << shown_ << (replaced ? "' has been replaced" : "' was truncated")
         << "; following it from the start\n";
    return true;
}

} // namespace slotlog
