#pragma once

// the queue on disk of a forward output: what the writer thread accepted for
// a log server stays here until the server acknowledged it, across crashes
// and restarts. segment files of checksummed records and a small ledger of
// what was acknowledged (the format: disk_queue.cpp). a damaged record or
// file is skipped, counted and reported, never a failed start. memory stays
// small whatever the queue holds: records are read from the files as needed

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/level.h>
#include <slotlog/rotating_file_sink.h>

#include "forward/crc32c.h"

namespace slotlog {

class queue_file;

struct disk_queue_options {
    std::filesystem::path dir;                      // created (with parents) if missing
    std::uint64_t max_size = 1ull << 30;            // bytes of all segment files together
    std::chrono::milliseconds fsync_interval{1000}; // data and ledger are synced at least this often (0: every push)
    std::uint64_t segment_size = 8ull << 20;        // a new segment file once the current one is this large
};

struct queued_record {
    std::uint64_t number = 0;                       // position in the queue: 1, 2, 3... never reused, survives restarts
    std::chrono::system_clock::time_point queued{}; // when it was pushed
    std::string id;                                 // the entry's stable id (at most 255 bytes)
    std::string payload;                            // the message as it goes on the wire
};

struct disk_queue_stats {
    std::uint64_t records = 0;        // in the queue, not yet acknowledged
    std::uint64_t bytes = 0;          // size of the segment files
    std::uint64_t pushed = 0;         // since this process opened the queue
    std::uint64_t acknowledged = 0;   // since this process opened the queue
    std::uint64_t full_drops = 0;     // pushes refused because the queue was full
    std::uint64_t damaged = 0;        // records skipped as damaged (since open, including at open)
    std::optional<std::chrono::system_clock::time_point> oldest;  // time of the oldest unacknowledged record
};

// threads: one pushes, one reads and acknowledges; stats() from any
class disk_queue {
public:
    enum class push_result { ok, full, failed };

    // a longer id is cut to this; a longer payload is refused (failed)
    static constexpr std::size_t max_id = 255;
    static constexpr std::size_t max_payload = 64u << 20;

    // opens the folder and recovers what a previous process left: every record after the
    // ledger's acknowledged number is read again. damaged records (bad length, bad crc, a
    // torn last record after a crash) are skipped, counted and reported once per segment
    // through `report` (level warning), never thrown. throws std::runtime_error (naming the
    // folder and the reason) only when the folder cannot be created or written at all
    disk_queue(disk_queue_options options, problem_reporter report);
    ~disk_queue();  // syncs
    disk_queue(const disk_queue&) = delete;
    disk_queue& operator=(const disk_queue&) = delete;

    // the writer thread: appends a record to those it holds for the next write (flush), or
    // writes it at once when every push is synced (fsync_interval 0). full: the queue holds
    // max_size bytes already (after waiting up to `wait_for_room` for the sender to
    // acknowledge some); failed: too large, or out of memory. never throws
    push_result push(std::string_view id, std::string_view payload,
                     std::chrono::milliseconds wait_for_room = std::chrono::milliseconds(0)) noexcept;

    // the writer thread: what push holds, to the file in one write, for the reader to take.
    // push also writes on its own when it holds flush_bytes. returns how many records were
    // lost since the last call because the disk refused them (reported once until a write
    // works again). never throws
    std::uint64_t flush() noexcept;
    static constexpr std::size_t flush_bytes = 256u << 10;

    // the sender thread: appends to `out` up to `max` records that come after the last one
    // read (since open or the last rewind); waits up to `wait` for one when there is none.
    // false if nothing was read (timeout, or close())
    bool read(std::vector<queued_record>& out, std::size_t max, std::chrono::milliseconds wait);

    // every record up to and including `number` is done (the server acknowledged it). the
    // ledger remembers it (synced on the interval); a segment whose records are all
    // acknowledged is deleted
    void acknowledge(std::uint64_t number) noexcept;

    // the next read starts again at the first unacknowledged record (after a reconnect)
    void rewind() noexcept;

    // data and ledger to disk now (FlushFileBuffers on windows, fsync/fdatasync on posix)
    void sync() noexcept;

    // wakes a waiting read (and a waiting push), which then return at once; for stop
    void close() noexcept;

    disk_queue_stats stats() const;

private:
    struct segment;
    class segment_reader;
    // a place in the queue: a segment (none: before the first), an offset in it,
    // the number of the last valid record before it, and how many valid
    // records this position has passed since open (to count acknowledged ones)
    struct position {
        std::shared_ptr<segment> seg;
        std::uint64_t offset = 0;
        std::uint64_t prev = 0;
        std::uint64_t passed = 0;
    };
    enum class sync_kind { if_due, try_now, now };

    void open_();
    // where push puts its record
    struct slot {
        std::shared_ptr<segment> seg;
        std::shared_ptr<queue_file> file;
        std::uint64_t offset = 0, number = 0;
    };
    bool reserve_(std::size_t size, std::chrono::milliseconds wait_for_room, slot& place);
    void encode_record_(std::uint64_t number, std::chrono::system_clock::time_point queued, std::string_view id,
                        std::string_view payload);
    void write_pending_() noexcept;
    void commit_(const std::shared_ptr<segment>& seg, std::size_t size, std::uint64_t records,
                 std::chrono::system_clock::time_point queued);
    std::uint64_t read_ledger_(bool found, bool has_segments);
    void adopt_segments_(const std::vector<std::uint64_t>& firsts, std::vector<std::filesystem::path>& removed);
    void scan_();
    void write_ledger_(std::uint64_t acked, std::uint64_t next);
    std::shared_ptr<segment> new_segment_();
    bool retire_write_segment_(std::vector<std::filesystem::path>& removed);
    bool seek_(position& p, queued_record& rec, std::uint64_t& end);
    static void consume_(position& p, const queued_record& rec, std::uint64_t end) noexcept;
    std::shared_ptr<segment> segment_after_(const std::shared_ptr<segment>& seg) const;
    bool at_end_(const position& p) const;
    static bool before_(const position& a, const position& b) noexcept;
    void remove_files_(const std::vector<std::filesystem::path>& paths);
    void sync_(sync_kind kind) noexcept;
    bool sync_due_(std::chrono::steady_clock::time_point now) const;
    void report_(level lvl, const std::string& msg) noexcept;
    std::string name_() const;

    disk_queue_options options_;
    problem_reporter report_fn_;
    std::filesystem::path ledger_path_, ledger_temp_;

    // shared by the threads, under mu_
    mutable std::mutex mu_;
    std::condition_variable data_cv_;  // a record was pushed, or close()
    std::condition_variable room_cv_;  // something was acknowledged, or close()
    std::deque<std::shared_ptr<segment>> segments_;  // oldest first; the last is written to
    std::shared_ptr<segment> write_seg_;             // null until the first push after open
    std::uint64_t next_ = 1;                         // the number the next record gets
    std::uint64_t acked_ = 0;                        // every record up to this one is done
    std::uint64_t records_ = 0, bytes_ = 0, pushed_ = 0, acknowledged_ = 0, full_drops_ = 0, damaged_ = 0;
    std::optional<std::chrono::system_clock::time_point> oldest_;
    bool closed_ = false, reader_waiting_ = false, writer_waiting_ = false;
    // what the next sync has to do
    std::vector<std::shared_ptr<queue_file>> unsynced_;  // segments sealed since the last sync
    bool write_dirty_ = false, ledger_dirty_ = false, folder_dirty_ = false;
    std::chrono::steady_clock::time_point next_sync_{};

    // one sync at a time, from whichever thread finds it due
    std::mutex sync_mu_;
    bool sync_failing_ = false;  // under sync_mu_

    // the writer thread's own: records pushed and not yet written, all for one
    // segment (whose numbers, bytes and place they have reserved)
    struct pending_records {
        std::string bytes;
        std::uint64_t records = 0, lost = 0;   // held; lost since the last flush()
        std::shared_ptr<segment> seg;
        std::shared_ptr<queue_file> file;
        std::uint64_t offset = 0;              // where in the segment the first goes
        std::chrono::system_clock::time_point first_queued{};
    } pending_;
    bool push_failing_ = false;

    // the reader thread's own
    std::unique_ptr<segment_reader> reader_;
    position read_, ack_;        // the next record to read; the first unacknowledged one
};

} // namespace slotlog
