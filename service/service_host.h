#pragma once

// the windows service host (windows/service_windows.cpp); on posix these say
// they are windows only (posix/service_posix.cpp)

#include <string>
#include <vector>

namespace slotlog {

// `slotlogd service [-c CONFIG]`: what the SCM runs (binPath=)
int run_service(const std::vector<std::string>& args);
// `slotlogd install [-c CONFIG] [--start auto|demand]`
int install_service(const std::vector<std::string>& args);
// `slotlogd uninstall`
int uninstall_service(const std::vector<std::string>& args);
// `slotlogd configure-service [--slot SLOT] [--logdir DIR]`: what the msi runs
// after creating the service (wixl has no ServiceConfig)
int configure_service(const std::vector<std::string>& args);

} // namespace slotlog
