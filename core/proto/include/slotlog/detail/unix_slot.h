#pragma once

// posix: the unix datagram socket of a slot, as both ends address it (the
// reader in core/proto, the writer in the client library)

#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <string>

#include <slotlog/slot_name.h>

namespace slotlog::detail {

struct socket_address {
    sockaddr_un addr{};
    socklen_t size = 0;
};

// the address of the socket file `path` of `slot`; throws mailslot_error
// when the path is too long for a unix socket
socket_address address_of(const slot_name& slot, const std::filesystem::path& path);
// a unix datagram socket, closed on exec; throws mailslot_error
int open_socket();
// strerror, thread-safe
std::string error_text(int e);

} // namespace slotlog::detail
