#include "forward/posix/socket_posix.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace slotlog::posix_socket {

namespace {

int remaining_ms(steady::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// one address within the deadline: the socket, or -1 with `why`
int connect_one(const addrinfo& a, steady::time_point deadline, std::string& why) {
    const int fd = ::socket(a.ai_family, a.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a.ai_protocol);
    if (fd < 0) {
        why = std::strerror(errno);
        return -1;
    }
    if (::connect(fd, a.ai_addr, a.ai_addrlen) != 0 && errno != EINPROGRESS) {
        why = std::strerror(errno);
        ::close(fd);
        return -1;
    }
    const int rc = wait_for(fd, POLLOUT, deadline);
    int err = 0;
    socklen_t len = sizeof err;
    if (rc == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (rc != 1 || err != 0) {
        why = rc == 0 ? "no answer in time" : std::strerror(rc < 0 ? errno : err);
        ::close(fd);
        return -1;
    }
    // entries go out in batches already: no need to wait for more to fill a packet
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    return fd;
}

} // namespace

int wait_for(int fd, short events, steady::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int rc = ::poll(&p, 1, remaining_ms(deadline));
        if (rc < 0 && errno == EINTR) continue;
        return rc <= 0 ? rc : 1;
    }
}

int connect_socket(const target_address& target, steady::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const auto port = std::to_string(target.port);
    const int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) throw std::runtime_error(::gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
    std::string why = "no address";
    for (const addrinfo* a = found; a; a = a->ai_next) {
        const int fd = connect_one(*a, deadline, why);
        if (fd >= 0) return fd;
    }
    throw std::runtime_error(why);
}

} // namespace slotlog::posix_socket
