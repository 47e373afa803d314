// tcp to a log server on posix
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "forward/connection.h"
#include "forward/posix/socket_posix.h"

namespace slotlog {

namespace {

using posix_socket::steady;
using posix_socket::wait_for;

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
        // acknowledge what arrives at once: a server that answers each message
        // (relp's rsp) in small writes otherwise waits on our delayed ack, 40 ms
        // per window (Nagle on its side); linux clears the flag after each use
        const int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
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

} // namespace

std::unique_ptr<connection> connect_tcp(const target_address& target, std::chrono::milliseconds timeout) {
    return std::make_unique<tcp_connection>(posix_socket::connect_socket(target, steady::now() + timeout));
}

} // namespace slotlog
