#pragma once

// the background work of one file output, shared by all its sinks (one per
// file the path expands to): gzip of rotated files, retention (max_age,
// max_total_size), and after a crash the cleanup of what was left half done.
// one thread, started by the first sink that needs it (from the writer
// thread: after a reload the old output set, and its upkeep, is gone by then),
// stopped and joined in the destructor after the job in progress; jobs still
// queued are found again by the recovery of the next start.
//
// a sink talks to it on open and close (hold, release) and around a rotation
// (begin_rotation, end_rotation); nothing else of the message path waits for it

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <slotlog/problem_reporter.h>

namespace slotlog {

// which files of a folder belong to an output, from its path (or pattern)
struct file_family {
    // true for every file the output's path can produce: current, rotated
    // (name.3.log), compressed (name.3.log.gz) and their .gz.part leftovers.
    // relative to the folder, in generic form ("web1/app.2.log")
    std::function<bool(const std::filesystem::path& relative)> ours;
    // for a rotated, not compressed file ("app.3.log"), the current file it
    // was rotated from ("app.log"); nullopt for any other file
    std::function<std::optional<std::filesystem::path>(const std::filesystem::path& relative)> rotated_from;
};

// the family of a file output's path, fixed ("logs/name.log": name.log,
// name.N.log, name.N.log.gz and name.N.log.gz.part, nothing else) or with
// placeholders (the same for every file it expands to): path_template's
// could_produce and rotated_from
file_family path_family(const std::filesystem::path& path);

struct upkeep_settings {
    std::filesystem::path folder;        // walked by retention and recovery
    bool recursive = true;               // false: the folder's own files only (a fixed path)
    file_family family;
    bool compress = false;
    std::chrono::seconds max_age{0};     // 0: off
    std::uint64_t max_total_size = 0;    // 0: off
    std::chrono::milliseconds check_interval = std::chrono::seconds(60);
    std::string describe;                // how reports name the output's files: "logs/slotlog.log"
};

class file_upkeep {
public:
    file_upkeep(upkeep_settings settings, problem_reporter report);
    ~file_upkeep();
    file_upkeep(const file_upkeep&) = delete;
    file_upkeep& operator=(const file_upkeep&) = delete;

    // starts the thread unless it runs; cheap after the first call
    void start();
    bool compress() const noexcept { return settings_.compress; }

    // a file a sink holds open now: never deleted. counted, thread-safe
    void hold(const std::filesystem::path& file);
    void release(const std::filesystem::path& file);

    // before a sink shifts the files of `current`: waits until no compression
    // of its rotated files is queued or running, and keeps new ones and
    // retention's deletions from starting until end_rotation. back-pressure
    // on the writer only when rotations outpace compression
    void begin_rotation(const std::filesystem::path& current);
    // after the shift; `compress`: the rotated file to gzip now (name.1.log)
    void end_rotation(const std::filesystem::path& current, std::optional<std::filesystem::path> compress);

    // tests: a retention round now instead of at the next check_interval
    void check_now();
    // tests: true once the start-up work is done and no job is queued or running
    bool idle() const;

private:
    struct job {
        std::filesystem::path file;      // absolute: the rotated file
        std::filesystem::path current;   // absolute: the current file it belongs to
    };
    struct found {
        std::filesystem::path file;
        std::uintmax_t size = 0;
        std::filesystem::file_time_type time;
    };

    void run_() noexcept;
    void recover_();
    void retention_();
    void compress_(const job& j);
    std::vector<found> scan_(bool& failed);
    // while it lives, no rotation runs (and none is in the middle of one)
    class no_rotation;
    bool has_job_of_(const std::filesystem::path& current) const;
    bool runnable_() const;
    void report_(level lvl, const std::string& msg) const noexcept;

    upkeep_settings settings_;
    problem_reporter report_fn_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;       // the thread: a job, a check, the stop
    std::condition_variable changed_;    // rotations and retention: a job or a deletion ended
    std::deque<job> queue_;
    std::optional<job> running_;         // the job in progress
    std::map<std::filesystem::path, int> rotating_, held_;
    bool deleting_ = false;
    bool started_ = false, recovered_ = false, stop_ = false, check_ = false, checking_ = false;
    std::thread thread_;
};

} // namespace slotlog
