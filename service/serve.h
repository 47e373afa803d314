#pragma once

#include <filesystem>

namespace slotlog {

// exit codes of slotlogd, listed in --help
enum exit_code : int {
    exit_ok = 0,
    exit_bad_config = 1,    // the configuration is invalid (check-config, serve)
    exit_usage = 2,         // unknown command or option
    exit_startup = 3,       // an input or output could not be opened (slot taken, ...)
};

struct serve_options {
    std::filesystem::path config_file;   // empty: the embedded default
    bool allow_plain_stop = false;
};

// runs the collector in the foreground until SIGINT/SIGTERM/Ctrl+C or an
// accepted STOP; SIGHUP reloads the configuration
int serve(const serve_options& options);

} // namespace slotlog
