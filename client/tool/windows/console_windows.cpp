// the tool's console on windows: utf-8 arguments from the wide command line,
// utf-8 output, and a console control handler that sets the stop flag

#include "console.h"

#include <windows.h>

#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <cstdlib>

namespace slotlog {

namespace {

std::atomic<bool>* stop_flag = nullptr;
UINT saved_output_cp = 0;

BOOL WINAPI on_console_event(DWORD event) {
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
        // the first one stops gracefully; a second one ends the process the default way
        return stop_flag && !stop_flag->exchange(true) ? TRUE : FALSE;
    default:
        return FALSE;
    }
}

void restore_console() {
    if (saved_output_cp) ::SetConsoleOutputCP(saved_output_cp);
}

} // namespace

void prepare_console() {
    // the bytes of log files and messages pass through untranslated (no CRLF, no ^Z)
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    saved_output_cp = ::GetConsoleOutputCP();
    if (saved_output_cp && saved_output_cp != CP_UTF8 && ::SetConsoleOutputCP(CP_UTF8)) {
        std::atexit(restore_console);
    } else {
        saved_output_cp = 0;
    }
}

void stop_on_interrupt(std::atomic<bool>& flag) {
    stop_flag = &flag;
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

} // namespace slotlog
