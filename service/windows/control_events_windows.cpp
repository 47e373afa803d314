#include "control_events.h"

#include <windows.h>

namespace slotlog {

namespace {

HANDLE stop_event = nullptr;
HANDLE reload_event = nullptr;  // auto-reset: one reload per request

BOOL WINAPI on_console_event(DWORD type) {
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        ::SetEvent(stop_event);
        // close/logoff/shutdown end the process when this returns: give the
        // main thread the time to drain (the system allows about 5 s)
        if (type >= CTRL_CLOSE_EVENT) ::Sleep(4500);
        return TRUE;
    default:
        return FALSE;
    }
}

} // namespace

control_events::control_events() {
    stop_event = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    reload_event = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

control_events::~control_events() {
    ::SetConsoleCtrlHandler(on_console_event, FALSE);
}

control_event control_events::wait() {
    const HANDLE events[] = {stop_event, reload_event};
    // stop wins when both are set
    return ::WaitForMultipleObjects(2, events, FALSE, INFINITE) == WAIT_OBJECT_0 + 1 ? control_event::reload
                                                                                       : control_event::stop;
}

void control_events::request_stop() noexcept { ::SetEvent(stop_event); }

void control_events::request_reload() noexcept { ::SetEvent(reload_event); }

} // namespace slotlog
