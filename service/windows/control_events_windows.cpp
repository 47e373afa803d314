#include "control_events.h"

#include <windows.h>

namespace slotlog {

namespace {

HANDLE stop_event = nullptr;

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
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

control_events::~control_events() {
    ::SetConsoleCtrlHandler(on_console_event, FALSE);
}

control_event control_events::wait() {
    ::WaitForSingleObject(stop_event, INFINITE);
    return control_event::stop;
}

void control_events::request_stop() noexcept { ::SetEvent(stop_event); }

} // namespace slotlog
