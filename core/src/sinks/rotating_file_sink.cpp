#include <slotlog/rotating_file_sink.h>

#include <algorithm>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/details/os.h>

#include "sinks/append_file.h"
#include "sinks/file_ops.h"
#include "sinks/file_upkeep.h"
#include "sinks/gzip_file.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

constexpr auto lost_report_interval = std::chrono::seconds(60);

// the folder of a file that may be gone: created again, quietly if that fails
// (opening the file then says why)
std::error_code create_folder(const fs::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    return ec;
}

} // namespace

rotating_file_sink::rotating_file_sink(fs::path path, std::uint64_t max_size, std::uint32_t max_files,
                                       problem_reporter report, std::shared_ptr<file_upkeep> upkeep, bool must_open)
    : path_(std::move(path)), max_size_(max_size), max_files_(max_files == 0 ? 1 : max_files),
      report_fn_(std::move(report)), upkeep_(std::move(upkeep)), file_(std::make_unique<append_file>()) {
    // held from the start: a file that cannot be opened yet is still this sink's, never retention's
    if (upkeep_) upkeep_->hold(path_);
    // append: a restart never truncates what is there
    const auto folder = create_folder(path_);
    if (auto why = file_->open(path_)) {
        if (!must_open) {
            write_failed_(folder ? "cannot create its folder: " + folder.message() : *why);
            return;
        }
        if (upkeep_) upkeep_->release(path_);
        throw std::runtime_error(fmt::format("cannot open {}: {}", path_.string(),
                                             folder ? "cannot create its folder: " + folder.message() : *why));
    }
    size_ = file_->size();
}

rotating_file_sink::~rotating_file_sink() {
    // the pipeline flushed last; nobody is left to hear about a failure
    report_fn_ = nullptr;
    try {
        write_pending_(true);
    } catch (...) {
    }
    file_->close();
    if (upkeep_) upkeep_->release(path_);
}

fs::path rotating_file_sink::backup_path(const fs::path& path, std::uint32_t index) {
    auto name = path.stem();
    name += fmt::format(".{}", index);
    name += path.extension();
    return path.parent_path() / name;
}

void rotating_file_sink::sink_it_(const spdlog::details::log_msg& msg) {
    line_.clear();
    formatter_->format(msg, line_);
    append_(std::string_view(line_.data(), line_.size()), {});
}

void rotating_file_sink::write_line(std::string_view line) {
    append_(line, spdlog::details::os::default_eol);
}

void rotating_file_sink::append_(std::string_view line, std::string_view end) {
    const auto n = line.size() + end.size();
    if (!failing_ && size_ > 0 && size_ + n > max_size_ && std::chrono::steady_clock::now() >= retry_after_) {
        rotate();
    }
    if (!pending_.empty() && pending_.size() + n > buffer_size) write_pending_(false);
    // the file cannot be written and memory holds all it may: this line is lost
    if (!pending_.empty() && pending_.size() + n > max_pending) return lose_line_();
    pending_.append(line);
    pending_.append(end);
    size_ += n;
    if (pending_.size() >= buffer_size) write_pending_(false);
}

void rotating_file_sink::flush_() {
    // the upkeep starts on the writer thread, after a reload's old outputs are gone
    if (upkeep_) upkeep_->start();
    write_pending_(true);
}

std::size_t rotating_file_sink::pending_lines() const noexcept {
    return static_cast<std::size_t>(std::count(pending_.begin(), pending_.end(), '\n'));
}

// `now`: try even within the pause after a failure (flushes and rotations)
bool rotating_file_sink::write_pending_(bool now) {
    if (pending_.empty()) return true;
    if (failing_ && !now && std::chrono::steady_clock::now() < write_retry_after_) return false;
    if (!open_file_()) return false;
    // in chunks of whole lines: a nearly full disk takes what fits, the rest waits
    std::size_t done = 0;
    while (done < pending_.size()) {
        auto end = pending_.size();
        if (end - done > buffer_size) {
            end = pending_.rfind('\n', done + buffer_size - 1);
            end = end == std::string::npos || end < done ? pending_.find('\n', done + buffer_size) : end;
            end = end == std::string::npos ? pending_.size() : end + 1;
        }
        if (auto why = file_->append(std::string_view(pending_).substr(done, end - done))) {
            pending_.erase(0, done);
            size_ = file_->size() + pending_.size();
            write_failed_(*why);
            return false;
        }
        done = end;
    }
    pending_.clear();
    size_ = file_->size();
    if (failing_) {
        failing_ = false;
        report_(level::notice, lost_lines_ == 0
                                   ? fmt::format("writing to {} works again, no line lost", path_.string())
                                   : fmt::format("writing to {} works again, {} line(s) lost while it failed",
                                                 path_.string(), lost_lines_));
        lost_lines_ = reported_lost_ = 0;
    }
    return true;
}

// the file is open and still where it belongs, or opened (again) now
bool rotating_file_sink::open_file_() {
    if (file_->is_open()) {
        if (file_->still_at(path_)) return true;
        // deleted or moved away while open: what we write would go nowhere
        file_->close();
        report_(level::warning,
                fmt::format("{} was deleted or moved away while open; creating it again", path_.string()));
    }
    const auto folder = create_folder(path_);
    if (auto why = file_->open(path_)) {
        write_failed_(folder ? "cannot create its folder: " + folder.message() : *why);
        return false;
    }
    size_ = file_->size() + pending_.size();
    return true;
}

void rotating_file_sink::write_failed_(const std::string& why) {
    if (!failing_) {
        report_(level::error, fmt::format("cannot write to {}: {}; keeping up to {} KiB of lines in memory and "
                                          "retrying every second",
                                          path_.string(), why, max_pending >> 10));
    }
    failing_ = true;
    write_retry_after_ = std::chrono::steady_clock::now() + retry_pause_;
}

void rotating_file_sink::lose_line_() {
    ++lost_lines_;
    // the first loss at once, then at most once a minute while it goes on
    const auto now = std::chrono::steady_clock::now();
    if (reported_lost_ > 0 && now - lost_reported_at_ < lost_report_interval) return;
    report_(level::warning, fmt::format("{} line(s) for {} lost so far: it cannot be written and the {} KiB of "
                                        "lines kept in memory are full",
                                        lost_lines_, path_.string(), max_pending >> 10));
    reported_lost_ = lost_lines_;
    lost_reported_at_ = now;
}

void rotating_file_sink::report_(slotlog::level lvl, const std::string& msg) {
    if (report_fn_) report_fn_(lvl, msg);
}

bool rotating_file_sink::rotate() {
    // what is buffered belongs to the file being rotated
    if (!write_pending_(true)) return false;
    if (file_->size() == 0) return true;
    file_->close();
    const bool compress = upkeep_ && upkeep_->compress() && max_files_ > 1;
    if (upkeep_) upkeep_->begin_rotation(path_);
    const bool rotated = rotate_files_();
    if (upkeep_) upkeep_->end_rotation(path_, rotated && compress ? std::optional(backup_path(path_, 1)) : std::nullopt);
    open_file_();
    if (rotated) {
        if (failed_rotations_ > 0) {
            report_(level::notice, fmt::format("rotation of {} works again after {} failed attempt(s)",
                                               path_.string(), failed_rotations_));
        }
        failed_rotations_ = 0;
    } else {
        ++failed_rotations_;
        retry_after_ = std::chrono::steady_clock::now() + retry_pause_;
    }
    return rotated;
}

// oldest backup out, every backup one up, current to .1; each target is
// vacated first and a rename never replaces, so a failure anywhere never
// overwrites a kept file
bool rotating_file_sink::rotate_files_() {
    auto fail = [&](const fs::path& what, const std::string& why) {
        if (failed_rotations_ == 0) {
            const auto where = what == path_ ? std::string() : what.string() + ": ";
            report_(level::error, fmt::format("cannot rotate {}: {}{}; still writing to it and retrying",
                                              path_.string(), where, why));
        }
        return false;
    };
    if (max_files_ == 1) {
        // no backups kept: the current file starts over
        std::error_code ec;
        fs::resize_file(path_, 0, ec);
        return ec ? fail(path_, ec.message()) : true;
    }
    if (!shift_backups_(fail)) return false;
    if (auto why = rename_file(path_, backup_path(path_, 1))) return fail(path_, *why);
    return true;
}

// the backups one up, the oldest out. with compression each index may be a
// .log or a .log.gz (or, after a crash, both: they move together)
bool rotating_file_sink::shift_backups_(const std::function<bool(const fs::path&, const std::string&)>& fail) {
    const bool gz = upkeep_ && upkeep_->compress();
    const auto oldest = backup_path(path_, max_files_ - 1);
    if (auto why = remove_file(oldest)) return fail(oldest, *why);
    if (gz) {
        if (auto why = remove_file(gz_path(oldest))) return fail(gz_path(oldest), *why);
    }
    for (std::uint32_t i = max_files_ - 1; i >= 2; --i) {
        const auto from = backup_path(path_, i - 1), to = backup_path(path_, i);
        std::error_code ec;
        if (fs::exists(from, ec)) {
            if (auto why = rename_file(from, to)) return fail(from, *why);
        }
        if (gz && fs::exists(gz_path(from), ec)) {
            if (auto why = rename_file(gz_path(from), gz_path(to))) return fail(gz_path(from), *why);
        }
    }
    return true;
}

} // namespace slotlog
