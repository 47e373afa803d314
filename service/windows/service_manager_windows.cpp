// windows: the service reports its states to the SCM (service_windows.cpp);
// a console `serve` has no manager to tell

#include "service_manager.h"

namespace slotlog {

bool notify_service_manager(std::string_view) noexcept { return false; }

} // namespace slotlog
