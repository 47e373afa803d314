// the tool's console on posix: arguments are already utf-8 bytes; signals set a flag

#include "console.h"

#include <signal.h>

namespace slotlog {

namespace {

static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");
std::atomic<bool>* stop_flag = nullptr;

extern "C" void on_signal(int) { stop_flag->store(true); }

} // namespace

void prepare_console() {}

void stop_on_interrupt(std::atomic<bool>& flag) {
    stop_flag = &flag;
    struct sigaction action {};
    action.sa_handler = on_signal;
    // a write blocked on a full pipe resumes, so no line is cut; a second
    // signal ends the process the default way
    action.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

} // namespace slotlog
