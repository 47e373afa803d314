#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <slotlog/config.h>
#include <slotlog/entry.h>
#include <slotlog/rotating_file_sink.h>

#include "forward/disk_queue.h"
#include "forward/forwarder.h"
#include "forward/syslog_message.h"

namespace slotlog {

// a forward output (SPEC "Forwarding"): the writer thread formats each entry
// it takes as an RFC 5424 message with a stable id and appends it to the
// output's queue on disk; the output's sender thread (forwarder) delivers the
// queue. the writer never waits on the network
class forward_output {
public:
    // opens the queue (throws std::runtime_error naming the folder) and starts the sender
    forward_output(const output_config& cfg, problem_reporter report);
    ~forward_output();
    forward_output(const forward_output&) = delete;
    forward_output& operator=(const forward_output&) = delete;

    // the writer thread: the entry into the queue; false if it was dropped
    // (the queue full under drop_newest), which is counted
    bool accept(const entry& e) noexcept;

    // the writer thread, after each batch: what accept took, to the queue's file
    // in one write (an entry the disk refused is counted as dropped)
    void flush() noexcept;

    // a reloaded configuration for the same queue: the sender restarts if
    // where or how it sends changed (the queue's own settings apply at restart)
    void reconfigure(const output_config& cfg);

    // "forward central: 10 queued, 10 sent, 10 acknowledged, 0 dropped, 0 waiting"
    std::string summary() const;
    const forward_counters& counters() const noexcept { return counters_; }
    disk_queue_stats queue_stats() const { return queue_.stats(); }

private:
    static forwarder::settings sender_settings(const output_config& cfg);

    std::string name_;
    problem_reporter report_;
    forward_counters counters_;
    disk_queue queue_;
    std::mutex format_mutex_;            // guards the two below (reconfigure vs the writer)
    rfc5424_options format_;
    std::string sd_id_;
    when_full when_full_;
    std::uint64_t instance_;             // ids of unstamped entries: this process...
    std::uint64_t counter_ = 0;          // ...and a count
    std::string message_;                // reused by the writer thread
    std::uint64_t held_ = 0;             // accepted, not yet written (the writer thread's)
    forwarder::settings settings_;
    std::unique_ptr<forwarder> sender_;
};

// the forward output of this queue folder: the one already open (reconfigured;
// a reload never opens a queue twice) or a new one
std::shared_ptr<forward_output> open_forward_output(const output_config& cfg, const problem_reporter& report);

} // namespace slotlog
