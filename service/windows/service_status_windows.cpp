#include "service_status.h"

namespace slotlog {

namespace {

// how long the scm should allow until the next checkpoint: a few heartbeats
constexpr DWORD wait_hint_ms = 5000;
constexpr auto beat_interval = std::chrono::seconds(1);

bool is_pending(DWORD state) { return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING; }

} // namespace

service_status::~service_status() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    if (heartbeat_.joinable()) heartbeat_.join();
}

void service_status::attach(SERVICE_STATUS_HANDLE handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    handle_ = handle;
    status_.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status_.dwCurrentState = SERVICE_STOPPED;
    heartbeat_ = std::thread([this] { beat_(); });
}

void service_status::starting() {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_(SERVICE_START_PENDING);
}

void service_status::running() {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.dwCurrentState = SERVICE_RUNNING;
    status_.dwControlsAccepted =
        SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PRESHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE;
    status_.dwCheckPoint = 0;
    status_.dwWaitHint = 0;
    report_();
}

bool service_status::stopping() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status_.dwCurrentState == SERVICE_STOP_PENDING || status_.dwCurrentState == SERVICE_STOPPED) return false;
    pending_(SERVICE_STOP_PENDING);
    return true;
}

void service_status::stopped(DWORD service_exit_code) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.dwCurrentState = SERVICE_STOPPED;
    status_.dwControlsAccepted = 0;
    status_.dwWin32ExitCode = service_exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    status_.dwServiceSpecificExitCode = service_exit_code;
    status_.dwCheckPoint = 0;
    status_.dwWaitHint = 0;
    report_();
}

void service_status::pending_(DWORD state) {
    status_.dwCurrentState = state;
    status_.dwControlsAccepted = 0;   // nothing more until this is done
    status_.dwCheckPoint = 1;
    status_.dwWaitHint = wait_hint_ms;
    pending_since_ = std::chrono::steady_clock::now();
    report_();
}

void service_status::report_() {
    if (handle_) ::SetServiceStatus(handle_, &status_);
}

void service_status::beat_() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!quit_) {
        wake_.wait_for(lock, beat_interval);
        if (quit_) break;
        if (!is_pending(status_.dwCurrentState)) continue;
        if (std::chrono::steady_clock::now() - pending_since_ > max_pending) continue;
        ++status_.dwCheckPoint;
        report_();
    }
}

} // namespace slotlog
