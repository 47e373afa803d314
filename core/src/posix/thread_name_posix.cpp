#include "thread_name.h"

#include <pthread.h>

#include <cstring>

namespace slotlog {

void name_this_thread(const char* name) noexcept {
    char text[16] = {};  // linux: 15 bytes and the nul
    std::strncpy(text, name, sizeof text - 1);
    ::pthread_setname_np(::pthread_self(), text);
}

} // namespace slotlog
