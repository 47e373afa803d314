#pragma once

// the socket under a connection to a log server (tcp, and tls over it):
// non-blocking winsock, waited on with WSAPoll, so that every step keeps to
// its deadline

#include <winsock2.h>

#include <chrono>
#include <string>

#include "forward/connection.h"

namespace slotlog::windows_socket {

using steady = std::chrono::steady_clock;

// waits for `events` (POLLRDNORM, POLLWRNORM) until the deadline: 1 ready, 0 timeout,
// -1 error (WSAGetLastError)
int wait_for(SOCKET s, short events, steady::time_point deadline);

// a winsock error as text
std::string socket_error(int code);

// a connected non-blocking socket to the first address of the target that
// answers by the deadline; throws std::runtime_error saying why not
SOCKET connect_socket(const target_address& target, steady::time_point deadline);

} // namespace slotlog::windows_socket
