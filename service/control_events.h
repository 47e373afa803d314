#pragma once

// what the host asks the collector to do: stop (SIGINT, SIGTERM, Ctrl+C,
// console close, an accepted STOP or control stop message) or reload (SIGHUP,
// an accepted control reload message). the platform
// files install the handlers; the main thread waits here

namespace slotlog {

enum class control_event { stop, reload };

class control_events {
public:
    // posix: blocks the signals in every thread created afterwards, so create
    // this before any other thread
    control_events();
    ~control_events();
    control_events(const control_events&) = delete;
    control_events& operator=(const control_events&) = delete;

    control_event wait();
    // from any thread
    void request_stop() noexcept;
    void request_reload() noexcept;
};

} // namespace slotlog
