#include "service_host.h"

#include <iostream>

#include "serve.h"

namespace slotlog {

namespace {

int windows_only(const char* command) {
    std::cerr << "slotlogd: '" << command << "' is for the Windows service; on this system use 'slotlogd serve'\n";
    return exit_usage;
}

} // namespace

int run_service(const std::vector<std::string>&) { return windows_only("service"); }
int install_service(const std::vector<std::string>&) { return windows_only("install"); }
int uninstall_service(const std::vector<std::string>&) { return windows_only("uninstall"); }
int configure_service(const std::vector<std::string>&) { return windows_only("configure-service"); }

} // namespace slotlog
