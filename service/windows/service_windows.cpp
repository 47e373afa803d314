#include "service_host.h"

#include <iostream>

#include "serve.h"

namespace slotlog {

// the service host is being written (issue 3)
int run_service(const std::vector<std::string>&) { return exit_usage; }
int install_service(const std::vector<std::string>&) { return exit_usage; }
int uninstall_service(const std::vector<std::string>&) { return exit_usage; }

} // namespace slotlog
