#pragma once

// what the tool needs from its console, one file per platform
// (posix/console_posix.cpp, windows/console_windows.cpp)

#include <atomic>
#include <string>
#include <vector>

namespace slotlog {

// windows: utf-8 console output and untranslated bytes on stdin/stdout, the
// console's code page restored at exit. posix: nothing to do
void prepare_console();

// ctrl+c, SIGINT and SIGTERM set flag instead of ending the process
void stop_on_interrupt(std::atomic<bool>& flag);

} // namespace slotlog
