#pragma once

// what the service tells the scm (SetServiceStatus), from the service thread
// and from the control handler. while start or stop is pending a heartbeat
// thread raises the checkpoint every second, so a long drain is not taken for
// a hang; it gives up after max_pending, and then the scm's own timeout rules

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <windows.h>

namespace slotlog {

class service_status {
public:
    static constexpr std::chrono::seconds max_pending{120};

    service_status() = default;
    ~service_status();
    service_status(const service_status&) = delete;
    service_status& operator=(const service_status&) = delete;

    // from RegisterServiceCtrlHandlerExW; starts the heartbeat
    void attach(SERVICE_STATUS_HANDLE handle);

    // SERVICE_START_PENDING
    void starting();
    // SERVICE_RUNNING, accepting stop, shutdown, preshutdown and paramchange
    void running();
    // SERVICE_STOP_PENDING, unless already stopping or stopped: false then.
    // never blocks for long (safe in the control handler)
    bool stopping();
    // SERVICE_STOPPED; a non-zero service_exit_code is reported as
    // ERROR_SERVICE_SPECIFIC_ERROR with that code (sc query: SERVICE_EXIT_CODE)
    void stopped(DWORD service_exit_code);

private:
    // both with mutex_ held
    void pending_(DWORD state);
    void report_();
    void beat_();

    std::mutex mutex_;
    std::condition_variable wake_;
    SERVICE_STATUS_HANDLE handle_ = nullptr;
    SERVICE_STATUS status_{};
    std::chrono::steady_clock::time_point pending_since_;
    bool quit_ = false;
    std::thread heartbeat_;
};

} // namespace slotlog
