#pragma once

// the socket under a connection to a log server (tcp, and tls over it):
// non-blocking, waited on with poll, so that every step keeps to its deadline

#include <chrono>

#include "forward/connection.h"

namespace slotlog::posix_socket {

using steady = std::chrono::steady_clock;

// waits for `events` (POLLIN, POLLOUT) until the deadline: 1 ready, 0 timeout, -1 error (errno)
int wait_for(int fd, short events, steady::time_point deadline);

// a connected non-blocking socket to the first address of the target that
// answers by the deadline; throws std::runtime_error saying why not
int connect_socket(const target_address& target, steady::time_point deadline);

} // namespace slotlog::posix_socket
