#include "control_events.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace slotlog {

namespace {

sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

} // namespace

control_events::control_events() {
    // signals wait in the queue for wait(); no async handler runs anywhere
    const sigset_t set = handled_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

control_events::~control_events() = default;

control_event control_events::wait() {
    const sigset_t set = handled_signals();
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGHUP) return control_event::reload;
        return control_event::stop;
    }
}

void control_events::request_stop() noexcept { ::kill(::getpid(), SIGTERM); }

void control_events::request_reload() noexcept { ::kill(::getpid(), SIGHUP); }

} // namespace slotlog
