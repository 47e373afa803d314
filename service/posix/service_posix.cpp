#include "service_host.h"

#include <algorithm>
#include <iostream>

#include <slotlog/command_line.h>

#include "serve.h"

namespace slotlog {

namespace {

int windows_only(const char* command, const std::vector<std::string>& args) {
    // the help is there on every system: an administrator may read it anywhere
    if (std::find(args.begin(), args.end(), "--help") != args.end() ||
        std::find(args.begin(), args.end(), "-h") != args.end()) {
        throw cli::help_requested{command};
    }
    std::cerr << "slotlogd: '" << command << "' is for the Windows service; on this system use 'slotlogd serve'\n";
    return exit_usage;
}

} // namespace

int run_service(const std::vector<std::string>& args) { return windows_only("service", args); }
int install_service(const std::vector<std::string>& args) { return windows_only("install", args); }
int uninstall_service(const std::vector<std::string>& args) { return windows_only("uninstall", args); }
int configure_service(const std::vector<std::string>& args) { return windows_only("configure-service", args); }

} // namespace slotlog
