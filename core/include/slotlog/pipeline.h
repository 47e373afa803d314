#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <slotlog/config.h>
#include <slotlog/counters.h>
#include <slotlog/input.h>
#include <slotlog/problem_reporter.h>

namespace slotlog {

class hand_off;
class own_problems;
class writer;
class writer_requests;
struct queued;
template <typename T>
class bounded_queue;

struct pipeline_options {
    bool allow_plain_stop = false;        // --allow-plain-stop
    std::function<void()> on_stop_request;   // an accepted stop asks the host to stop
    std::function<void()> on_reload_request; // an accepted reload asks the host to reload
                                             // (the host reloads on its own thread, never the reader's)
    // queue drops are reported at once, then at most this often while they go on
    std::chrono::milliseconds drop_report_interval = std::chrono::minutes(1);
    // the collector's own warnings and errors, and at any level the reports of
    // a kind other than problem (report_kind: a forward target down or up, the
    // statistics), for a host that reports them itself (the windows service:
    // to the event log, with the service's event ids). eventlog outputs then
    // carry application entries only, so nothing is there twice. at most
    // own_problem_limit per own_problem_window (hostile senders can cause one
    // per message); the next one says how many were left out. called from any thread
    problem_reporter on_own_problem;
    std::uint32_t own_problem_limit = 20;
    std::chrono::milliseconds own_problem_window = std::chrono::minutes(1);
};

// the collector: inputs (transport) -> hand-off (control messages caught
// here) -> bounded queue -> writer thread: decode -> entry -> dedup (copies
// dropped, stamped senders' numbers followed) -> route -> outputs (sinks).
// this class only assembles the pieces (core/src/pipeline/) and reloads them;
// docs/architecture.md draws the flow
class pipeline final : public message_handler {
public:
    // opens every output (throws std::runtime_error naming the one that fails)
    pipeline(config cfg, pipeline_options options);
    ~pipeline() override;
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    // opens every input, then the outputs and the writer thread, then starts
    // the inputs (throws std::runtime_error naming the input that cannot be
    // opened: nothing is written then)
    void start();
    // swaps in a new configuration without losing an entry: the queue stays,
    // outputs are swapped between two batches, inputs whose endpoint is
    // unchanged keep running. throws (and keeps the old configuration) on error
    void reload(config cfg);
    // stops the inputs, then writes and flushes everything queued
    void stop() noexcept;

    // the collector's own notable events, as entries from app "slotlogd"
    void report(level lvl, const std::string& msg) noexcept;

    // what the inputs deliver (see hand_off)
    void on_message(std::string_view payload, const origin& from) noexcept override;
    void on_drop(const std::string& why) noexcept override;
    void on_problem(level lvl, const std::string& what) noexcept override;

    const pipeline_counters& counters() const noexcept { return counters_; }
    // "N messages received, N entries written, N dropped, N repeats dropped, N messages missing"
    std::string summary() const;

private:
    using input_map = std::map<std::string, std::unique_ptr<input>>;  // by input_config::key()

    input_map open_added_inputs_(const config& cfg) const;
    void stop_removed_inputs_(const config& cfg) noexcept;
    // "mailslot:logger 10 received, 0 dropped; udp:..." for the statistics entry
    std::string input_statistics_() const;

    config cfg_;
    pipeline_options options_;
    pipeline_counters counters_;
    std::unique_ptr<bounded_queue<queued>> queue_;
    std::unique_ptr<writer_requests> requests_;
    std::unique_ptr<own_problems> own_;
    std::unique_ptr<hand_off> hand_off_;
    std::unique_ptr<writer> writer_;
    mutable std::mutex inputs_mutex_;   // guards inputs_ against the writer's statistics
    input_map inputs_;
    bool running_ = false;
};

} // namespace slotlog
