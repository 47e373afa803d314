#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <slotlog/config.h>
#include <slotlog/rotating_file_sink.h>

#include "forward/connection.h"
#include "forward/disk_queue.h"
#include "forward/relp_client.h"

namespace slotlog {

// what a forward output counted since it started; read from any thread
struct forward_counters {
    std::atomic<std::uint64_t> queued{0};        // entries accepted into the queue
    std::atomic<std::uint64_t> dropped{0};       // refused: the queue was full (when_full) or the disk failed
    std::atomic<std::uint64_t> sent{0};          // records written to a connection (resends included)
    std::atomic<std::uint64_t> acknowledged{0};  // records done: acknowledged (relp) or written (tcp)
};

// the sender thread of one forward output: takes records from the queue and
// delivers them to the first target that answers, over tcp (octet counting;
// a record is done once written) or relp (done once the server acknowledged
// it). a connection that fails is dropped, the queue rewound to the first
// record not done, and the next attempt waits 1 s, doubling to 60 s, with
// jitter. after a failover the first target is tried again every 60 s. a
// target going down or coming back is one entry, not one per attempt
class forwarder {
public:
    struct settings {
        std::string name;                        // the output's name, for messages
        std::string protocol;                    // "tcp" | "relp"
        std::vector<target_address> targets;
        tls_config tls;                          // tls.enabled: tls over tcp
        std::chrono::milliseconds connect_timeout{5000};
        std::chrono::milliseconds io_timeout{30000};
    };

    forwarder(settings s, disk_queue& queue, forward_counters& counters, problem_reporter report);
    ~forwarder();

    // closes the connection politely (relp: close) and joins
    void stop() noexcept;

private:
    void run_() noexcept;
    bool connect_(std::size_t first, std::size_t last) noexcept;
    void await_tls_refusal_();  // throws the reason when the server refused us
    void mark_acknowledged_(std::uint32_t txnr) noexcept;
    void disconnect_(const std::string& why) noexcept;
    bool deliver_tcp_() noexcept;
    bool deliver_relp_() noexcept;
    bool open_relp_() noexcept;
    void close_relp_() noexcept;
    bool take_relp_events_(std::chrono::milliseconds wait) noexcept;
    void back_off_() noexcept;
    bool wait_(std::chrono::milliseconds d) noexcept;    // false once stopping
    bool time_to_return_() const noexcept;

    settings settings_;
    disk_queue& queue_;
    forward_counters& counters_;
    problem_reporter report_;

    std::mutex mutex_;                   // guards stopping_ for the waits
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;

    // sender thread only
    std::unique_ptr<connection> conn_;
    std::size_t current_ = 0;            // the target connected to
    std::vector<int> target_state_;      // 0 unknown, 1 up, -1 down (said once per change)
    std::chrono::steady_clock::time_point failed_over_{};
    std::chrono::milliseconds backoff_{0};
    std::minstd_rand jitter_;
    std::vector<queued_record> batch_;
    std::string out_, in_;
    std::unique_ptr<relp_client> relp_;
    struct in_flight {
        std::uint32_t txnr;              // the relp transaction
        std::uint64_t number;            // the queue's record
        bool acknowledged = false;
    };
    std::deque<in_flight> in_flight_;    // sent, oldest first
    std::chrono::steady_clock::time_point last_progress_{};  // the last acknowledgement (or an empty window)
    std::deque<queued_record> unsent_;   // read from the queue, not yet in a relp window
};

} // namespace slotlog
