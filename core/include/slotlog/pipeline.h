#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <slotlog/config.h>
#include <slotlog/control.h>
#include <slotlog/counters.h>
#include <slotlog/entry.h>
#include <slotlog/input.h>
#include <slotlog/outputs.h>
#include <slotlog/queue.h>

namespace slotlog {

class dedup;
struct dedup_settings;
class rate_limit;

struct pipeline_options {
    bool allow_plain_stop = false;        // --allow-plain-stop
    std::function<void()> on_stop_request;   // an accepted stop asks the host to stop
    std::function<void()> on_reload_request; // an accepted reload asks the host to reload
                                             // (the host reloads on its own thread, never the reader's)
    // queue drops are reported at once, then at most this often while they go on
    std::chrono::milliseconds drop_report_interval = std::chrono::minutes(1);
    // the collector's own warnings and errors, for a host that reports them
    // itself (the windows service: to the event log, with the service's event
    // ids). eventlog outputs then carry application entries only, so nothing
    // is there twice. at most own_problem_limit per own_problem_window
    // (hostile senders can cause one per message); the next one says how many
    // were left out. called from any thread
    std::function<void(level, const std::string&)> on_own_problem;
    std::uint32_t own_problem_limit = 20;
    std::chrono::milliseconds own_problem_window = std::chrono::minutes(1);
};

// the data flow of the collector: inputs (transport) -> bounded queue ->
// writer thread: decode -> entry -> drop copies, follow stamped senders'
// numbers -> route by min_level -> outputs (sinks).
// readers only read (and catch control messages), so that a socket is
// drained as fast as it fills; they never block on the outputs. a reader
// whose transport holds back its senders (origin::blocks_sender) waits for
// room in the queue instead, at most 200 ms at a time, rather than dropping.
class pipeline final : public message_handler {
public:
    // opens every output (throws std::runtime_error naming the one that fails)
    pipeline(config cfg, pipeline_options options);
    ~pipeline() override;
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    // starts the writer thread, then opens and starts every input (throws
    // std::runtime_error naming the input that cannot be opened)
    void start();
    // swaps in a new configuration without losing an entry: the queue stays,
    // outputs are swapped between two batches, inputs whose endpoint is
    // unchanged keep running. throws (and keeps the old configuration) on error
    void reload(config cfg);
    // stops the inputs, then writes and flushes everything queued
    void stop() noexcept;

    // the collector's own notable events, as entries from app "slotlogd"
    void report(level lvl, const std::string& msg) noexcept;

    void on_message(std::string_view payload, const origin& from) noexcept override;
    void on_drop(const std::string& why) noexcept override;
    void on_problem(level lvl, const std::string& what) noexcept override;

    const pipeline_counters& counters() const noexcept { return counters_; }
    // "N messages received, N entries written, N dropped, N repeats dropped, N messages missing"
    std::string summary() const;

private:
    using output_set = std::vector<output>;

    // what the queue carries, half the size of an entry: a message as read
    // (the writer decodes it) or a message of the collector's own
    struct queued {
        clock::time_point time{};
        std::string text;              // the payload, or the collector's own message
        std::string peer;              // the sender, where the transport knows it
        std::string slot;              // the input
        std::uint64_t path = 0;        // origin::path
        std::uint8_t sender_size = 0;  // origin::sender, the start of peer
        bool named = false;            // origin::named
        level lvl = level::info;       // the collector's own only
        bool own = false;
    };

    void run_writer_() noexcept;
    void write_(const entry& e, output_set& outputs) noexcept;
    void flush_(output_set& outputs) noexcept;
    void report_drops_(output_set& outputs, bool final) noexcept;
    std::shared_ptr<output_set> open_outputs_(const config& cfg);
    void on_control_(const std::string& text, const origin& from) noexcept;
    void report_control_status_(const control_plane& plane) noexcept;
    // writes the notices of accepted rotate/flush and does them; true if a flush is due
    bool carry_out_requests_(output_set& outputs) noexcept;
    void rotate_files_(output_set& outputs) noexcept;
    entry self_entry_(level lvl, const std::string& msg, clock::time_point time = clock::now()) const;
    entry entry_of_(const queued& q) const;
    // writes the warnings of the gaps due (final: every open one); true if any
    bool write_gap_warnings_(output_set& outputs, std::chrono::steady_clock::time_point now, bool final) noexcept;
    void own_problem_(level lvl, const std::string& msg) noexcept;

    config cfg_;
    pipeline_options options_;
    pipeline_counters counters_;
    bounded_queue<queued> queue_;
    std::atomic<bool> allow_plain_stop_;

    std::mutex control_mutex_;                   // guards control_ (swapped by reload)
    std::shared_ptr<control_plane> control_;
    struct writer_request {
        control_verb verb;                       // rotate or flush
        std::string notice;
    };
    std::mutex requests_mutex_;                  // guards requests_
    std::vector<writer_request> requests_;       // accepted verbs the writer carries out

    std::mutex outputs_mutex_;                   // guards pending_outputs_
    std::shared_ptr<output_set> outputs_;        // the writer thread's
    std::shared_ptr<output_set> pending_outputs_;
    std::unique_ptr<dedup_settings> pending_dedup_;

    std::map<std::string, std::unique_ptr<input>> inputs_;  // by input_config::key()
    std::thread writer_;
    bool running_ = false;

    std::string host_;
    std::int64_t pid_;

    std::mutex own_problem_mutex_;               // guards the two below
    std::unique_ptr<rate_limit> own_problem_limit_;
    std::uint64_t own_problems_left_out_ = 0;

    // writer thread only
    std::unique_ptr<dedup> dedup_;
    std::vector<std::string> gap_warnings_;
    std::string text_line_, json_line_;
    std::uint64_t reported_drops_ = 0;
    std::optional<std::chrono::steady_clock::time_point> last_drop_report_;
};

} // namespace slotlog
