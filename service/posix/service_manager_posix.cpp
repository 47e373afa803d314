// systemd's notify protocol: one datagram of "KEY=value" lines to the unix
// socket named by $NOTIFY_SOCKET, a path or, with a leading '@', an abstract
// name (see sd_notify(3))

#include "service_manager.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace slotlog {

bool notify_service_manager(std::string_view state) noexcept {
    const char* name = std::getenv("NOTIFY_SOCKET");
    if (!name || (name[0] != '/' && name[0] != '@')) return false;
    const std::size_t length = std::strlen(name);
    sockaddr_un addr{};
    if (length < 2 || length >= sizeof addr.sun_path) return false;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name, length);
    socklen_t size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
    if (name[0] == '@') {
        addr.sun_path[0] = '\0';  // abstract: the name is the bytes after it, without a terminator
    } else {
        ++size;
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), size);
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

} // namespace slotlog
