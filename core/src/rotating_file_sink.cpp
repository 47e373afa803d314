#include <slotlog/rotating_file_sink.h>

#include <system_error>

#include <fmt/format.h>

#include "file_ops.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

constexpr auto rotation_retry_pause = std::chrono::seconds(1);

spdlog::filename_t native(const fs::path& p) {
    return spdlog::filename_t(p.native());
}

} // namespace

rotating_file_sink::rotating_file_sink(fs::path path, std::uint64_t max_size, std::uint32_t max_files,
                                       problem_reporter report)
    : path_(std::move(path)), max_size_(max_size), max_files_(max_files == 0 ? 1 : max_files),
      report_(std::move(report)) {
    // append: a restart never truncates what is there
    file_.open(native(path_), false);
    size_ = file_.size();
}

rotating_file_sink::~rotating_file_sink() = default;

fs::path rotating_file_sink::backup_path(const fs::path& path, std::uint32_t index) {
    auto name = path.stem();
    name += fmt::format(".{}", index);
    name += path.extension();
    return path.parent_path() / name;
}

void rotating_file_sink::sink_it_(const spdlog::details::log_msg& msg) {
    line_.clear();
    formatter_->format(msg, line_);
    if (size_ > 0 && size_ + line_.size() > max_size_ &&
        std::chrono::steady_clock::now() >= retry_after_) {
        rotate();
    }
    file_.write(line_);
    size_ += line_.size();
}

void rotating_file_sink::flush_() { file_.flush(); }

bool rotating_file_sink::rotate() {
    if (size_ == 0) return true;
    file_.flush();
    file_.close();
    const bool rotated = rotate_files_();
    reopen_();
    if (rotated) {
        if (failed_rotations_ > 0 && report_) {
            report_(level::notice, fmt::format("rotation of {} works again after {} failed attempt(s)",
                                               path_.string(), failed_rotations_));
        }
        failed_rotations_ = 0;
    } else {
        ++failed_rotations_;
        retry_after_ = std::chrono::steady_clock::now() + rotation_retry_pause;
    }
    return rotated;
}

// oldest backup out, every backup one up, current to .1; each target is
// vacated first and a rename never replaces, so a failure anywhere never
// overwrites a kept file
bool rotating_file_sink::rotate_files_() {
    auto fail = [&](const fs::path& what, const std::string& why) {
        if (failed_rotations_ == 0 && report_) {
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
    const auto oldest = backup_path(path_, max_files_ - 1);
    if (auto why = remove_file(oldest)) return fail(oldest, *why);
    for (std::uint32_t i = max_files_ - 1; i >= 2; --i) {
        const auto from = backup_path(path_, i - 1);
        std::error_code ec;
        if (!fs::exists(from, ec)) continue;
        if (auto why = rename_file(from, backup_path(path_, i))) return fail(from, *why);
    }
    if (auto why = rename_file(path_, backup_path(path_, 1))) return fail(path_, *why);
    return true;
}

void rotating_file_sink::reopen_() {
    file_.open(native(path_), false);
    size_ = file_.size();
}

} // namespace slotlog
