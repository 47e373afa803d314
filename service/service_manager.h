#pragma once

// tells the service manager where the collector is in its life: on posix
// systemd's notify protocol (a datagram to $NOTIFY_SOCKET, what Type=notify
// units wait for; no libsystemd needed), elsewhere nothing (the windows
// service reports to the SCM itself)

#include <string_view>

namespace slotlog {

// sends one state, e.g. "READY=1\nSTATUS=...": false when no service manager
// listens ($NOTIFY_SOCKET unset) or it cannot be reached. never throws
bool notify_service_manager(std::string_view state) noexcept;

} // namespace slotlog
