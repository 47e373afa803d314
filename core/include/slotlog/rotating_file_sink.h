#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <spdlog/details/file_helper.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <slotlog/level.h>

namespace slotlog {

// how a sink tells the collector about trouble it handled (rotation failed,
// write failed): the collector turns it into an entry of its own
using problem_reporter = std::function<void(level, const std::string&)>;

// a size-rotated file that never loses an entry: spdlog's rotating sink
// truncates the current file when a rename fails, this one keeps appending to
// the current file, reports once, and retries later. max_files counts every
// file kept, the current one included: slotlog.log, slotlog.1.log, ...
// single-threaded (the collector's writer thread is its only user)
class rotating_file_sink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    rotating_file_sink(std::filesystem::path path, std::uint64_t max_size, std::uint32_t max_files,
                       problem_reporter report);
    ~rotating_file_sink() override;

    // rotates now unless the current file is empty; false if the rotation failed
    bool rotate();
    const std::filesystem::path& path() const noexcept { return path_; }
    std::uint64_t current_size() const noexcept { return size_; }

    // "logs/slotlog.log", 2 -> "logs/slotlog.2.log"
    static std::filesystem::path backup_path(const std::filesystem::path& path, std::uint32_t index);

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override;

private:
    bool rotate_files_();
    void reopen_();

    std::filesystem::path path_;
    std::uint64_t max_size_;
    std::uint32_t max_files_;
    problem_reporter report_;
    spdlog::details::file_helper file_;
    std::uint64_t size_ = 0;
    spdlog::memory_buf_t line_;
    // rotation trouble: retry after a pause, report the first failure and the recovery
    std::uint64_t failed_rotations_ = 0;
    std::chrono::steady_clock::time_point retry_after_{};
};

} // namespace slotlog
