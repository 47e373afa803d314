#pragma once

// names the calling thread, as `top -H`, `ps -L`, perf, gdb and the windows
// debuggers show it: the collector's threads are told apart there (its
// readers, its writer, its senders). best effort: a platform without names
// ignores it; posix keeps the first 15 bytes

namespace slotlog {

void name_this_thread(const char* name) noexcept;

} // namespace slotlog
