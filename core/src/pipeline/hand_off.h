#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <slotlog/control.h>
#include <slotlog/counters.h>
#include <slotlog/input.h>

#include "pipeline/hand_over.h"
#include "pipeline/own_problems.h"

namespace slotlog {

// the readers' side of the pipeline: takes each message as read on the
// reader's thread, recognises control messages (stop and reload go to the
// host, rotate and flush to the writer) and queues the rest for the writer
// to decode. it only reads, so that a socket is drained as fast as it fills;
// it never blocks on the outputs. a reader whose transport holds back its
// senders (origin::blocks_sender) waits for room in the queue instead, at
// most 2 s at a time, rather than dropping
class hand_off final : public message_handler {
public:
    struct host_requests {
        std::function<void()> stop;    // an accepted stop asks the host to stop
        std::function<void()> reload;  // an accepted reload asks the host to reload
    };

    hand_off(message_queue& queue, writer_requests& requests, pipeline_counters& counters, own_problems& own,
             host_requests host, std::shared_ptr<control_plane> control, bool allow_plain_stop);

    // a reloaded configuration's control plane; its status is reported if it changed
    void set_control(std::shared_ptr<control_plane> control, bool allow_plain_stop);
    void report_control_status() noexcept;

    // the collector's own notable events, queued as entries from app "slotlogd"
    // (the host hears of them too: own_problems)
    void report(level lvl, const std::string& msg, report_kind kind = report_kind::problem) noexcept;

    void on_message(std::string_view payload, const origin& from) noexcept override;
    void on_drop(const std::string& why) noexcept override;
    void on_problem(level lvl, const std::string& what) noexcept override;

private:
    void on_control_(const std::string& text, const origin& from) noexcept;
    void carry_out_(const std::string& text, const origin& from);
    void on_plain_stop_(const origin& from);
    void enqueue_(std::string_view payload, const origin& from);
    std::shared_ptr<control_plane> control_() const;
    void report_status_(const control_plane& plane) noexcept;

    message_queue& queue_;
    writer_requests& requests_;
    pipeline_counters& counters_;
    own_problems& own_;
    host_requests host_;

    mutable std::mutex control_mutex_;           // guards control_ (swapped by reload)
    std::shared_ptr<control_plane> control_plane_;
    std::atomic<bool> allow_plain_stop_;
};

} // namespace slotlog
