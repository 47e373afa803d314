// tcp to a log server on posix: non-blocking sockets waited on with poll, so
// that every step keeps to its timeout
#include <fcntl.h>
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

#include "forward/connection.h"

namespace slotlog {

namespace {

using steady = std::chrono::steady_clock;

int remaining_ms(steady::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// waits for `events` until the deadline: 1 ready, 0 timeout, -1 error (errno)
int wait_for(int fd, short events, steady::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int rc = ::poll(&p, 1, remaining_ms(deadline));
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return rc;
        return 1;
    }
}

class tcp_connection final : public connection {
public:
    explicit tcp_connection(int fd) : fd_(fd) {}
    ~tcp_connection() override { ::close(fd_); }

    std::string send_all(std::string_view data, std::chrono::milliseconds timeout) noexcept override {
        const auto deadline = steady::now() + timeout;
        while (!data.empty()) {
            const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return std::strerror(errno);
            const int rc = wait_for(fd_, POLLOUT, deadline);
            if (rc == 0) return "the server took nothing for " + std::to_string(timeout.count()) + " ms";
            if (rc < 0) return std::strerror(errno);
        }
        return {};
    }

    std::string receive(std::string& into, std::chrono::milliseconds timeout) noexcept override {
        const int rc = wait_for(fd_, POLLIN, steady::now() + timeout);
        if (rc == 0) return {};
        if (rc < 0) return std::strerror(errno);
        char buffer[16384];
        for (;;) {
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n > 0) {
                try {
                    into.append(buffer, static_cast<std::size_t>(n));
                } catch (...) {
                    return "out of memory";
                }
                if (static_cast<std::size_t>(n) < sizeof buffer) return {};
                continue;
            }
            if (n == 0) return "the server closed the connection";
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
            return std::strerror(errno);
        }
    }

private:
    int fd_;
};

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

std::unique_ptr<connection> connect_tcp(const target_address& target, std::chrono::milliseconds timeout) {
    const auto deadline = steady::now() + timeout;
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
        if (fd >= 0) return std::make_unique<tcp_connection>(fd);
    }
    throw std::runtime_error(why);
}

} // namespace slotlog
