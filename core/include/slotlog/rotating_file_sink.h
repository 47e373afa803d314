#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <slotlog/level.h>
#include <slotlog/problem_reporter.h>

namespace slotlog {

class append_file;
class file_upkeep;

// a sink tells the collector about trouble it handled (rotation failed, write
// failed) through a problem_reporter: the collector turns it into an entry of its own

// a size-rotated file that never loses an entry: spdlog's rotating sink
// truncates the current file when a rename fails, this one keeps appending to
// the current file, reports once, and retries later. max_files counts every
// file kept, the current one included: slotlog.log, slotlog.1.log, ...
//
// lines are buffered and written in chunks of whole lines only, so a crash or
// a full disk never leaves half a line. a write that fails (disk full, folder
// gone and not creatable) keeps the lines in memory up to a bound, reports
// once, retries every second and says when it works again and how many lines
// were lost. a file deleted or moved away while open (its folder removed) is
// noticed before the next write, created again and reported.
//
// with a file_upkeep that compresses, the chain holds name.N.log and
// name.N.log.gz alike and shifts both; current -> name.1.log, which is then
// queued for gzip on the upkeep's thread. a rotation never renames a file
// being compressed: it first waits until the upkeep has no job of this file
// (back-pressure on the writer only when rotations come faster than gzip).
// the current file is held (never deleted by retention) while it is open.
// single-threaded (the collector's writer thread is its only user)
class rotating_file_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    // lines are written once this much is buffered, and on flush
    static constexpr std::size_t buffer_size = 64u << 10;
    // what is kept in memory while the file cannot be written; later lines are lost, counted
    static constexpr std::size_t max_pending = 1u << 20;

    // creates missing folders and opens (appends to) the file; throws
    // std::runtime_error when it cannot, unless !must_open: then the failure
    // is reported and retried like a failed write. `upkeep`: the output's
    // compression and retention, or null for neither
    rotating_file_sink(std::filesystem::path path, std::uint64_t max_size, std::uint32_t max_files,
                       problem_reporter report, std::shared_ptr<file_upkeep> upkeep = nullptr,
                       bool must_open = true);
    ~rotating_file_sink() override;

    // rotates now unless the current file is empty; false if the rotation failed
    bool rotate();
    // one line, without its end of line: what a log() of it would write,
    // without spdlog's formatting on the way (file_output's path per entry)
    void write_line(std::string_view line);
    const std::filesystem::path& path() const noexcept { return path_; }
    // how long after a failed write or rotation the next attempt waits (a
    // second; tests make it 0 to retry at once instead of waiting)
    void set_retry_pause(std::chrono::milliseconds pause) noexcept { retry_pause_ = pause; }
    // lines lost since the file last could be written (0 while it works)
    std::uint64_t lost_lines() const noexcept { return lost_lines_; }
    // lines kept in memory, not written yet (the file failed, or no flush yet)
    std::size_t pending_lines() const noexcept;

    // "logs/slotlog.log", 2 -> "logs/slotlog.2.log"
    static std::filesystem::path backup_path(const std::filesystem::path& path, std::uint32_t index);

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override;

private:
    // a line and its end (empty when the line holds it already)
    void append_(std::string_view line, std::string_view end);
    bool rotate_files_();
    bool shift_backups_(const std::function<bool(const std::filesystem::path&, const std::string&)>& fail);
    bool write_pending_(bool now);
    bool open_file_();
    void write_failed_(const std::string& why);
    void lose_line_();
    void report_(slotlog::level lvl, const std::string& msg);

    std::filesystem::path path_;
    std::uint64_t max_size_;
    std::uint32_t max_files_;
    problem_reporter report_fn_;
    std::shared_ptr<file_upkeep> upkeep_;
    std::unique_ptr<append_file> file_;
    std::string pending_;        // complete lines not written yet
    std::uint64_t size_ = 0;     // file size plus pending_: what rotation goes by
    spdlog::memory_buf_t line_;
    // rotation trouble: retry after a pause, report the first failure and the recovery
    std::uint64_t failed_rotations_ = 0;
    std::chrono::milliseconds retry_pause_ = std::chrono::seconds(1);
    std::chrono::steady_clock::time_point retry_after_{};
    // write trouble: the same, plus the lines that did not fit in memory
    bool failing_ = false;
    std::uint64_t lost_lines_ = 0, reported_lost_ = 0;
    std::chrono::steady_clock::time_point write_retry_after_{}, lost_reported_at_{};
};

} // namespace slotlog
