// tcp to a log server on windows
#include "forward/windows/socket_windows.h"

#include <memory>

#include "forward/connection.h"

namespace slotlog {

namespace {

using windows_socket::socket_error;
using windows_socket::steady;
using windows_socket::wait_for;

class tcp_connection final : public connection {
public:
    explicit tcp_connection(SOCKET s) : s_(s) {}
    ~tcp_connection() override { ::closesocket(s_); }

    std::string send_all(std::string_view data, std::chrono::milliseconds timeout) noexcept override {
        const auto deadline = steady::now() + timeout;
        while (!data.empty()) {
            const int chunk = static_cast<int>(std::min<std::size_t>(data.size(), 1u << 20));
            const int n = ::send(s_, data.data(), chunk, 0);
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            const int err = ::WSAGetLastError();
            if (n < 0 && err != WSAEWOULDBLOCK) return socket_error(err);
            const int rc = wait_for(s_, POLLWRNORM, deadline);
            if (rc == 0) return "the server took nothing for " + std::to_string(timeout.count()) + " ms";
            if (rc < 0) return socket_error(::WSAGetLastError());
        }
        return {};
    }

    std::string receive(std::string& into, std::chrono::milliseconds timeout) noexcept override {
        const int rc = wait_for(s_, POLLRDNORM, steady::now() + timeout);
        if (rc == 0) return {};
        if (rc < 0) return socket_error(::WSAGetLastError());
        char buffer[16384];
        for (;;) {
            const int n = ::recv(s_, buffer, sizeof buffer, 0);
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
            const int err = ::WSAGetLastError();
            if (err == WSAEWOULDBLOCK) return {};
            return socket_error(err);
        }
    }

private:
    SOCKET s_;
};

} // namespace

std::unique_ptr<connection> connect_tcp(const target_address& target, std::chrono::milliseconds timeout) {
    return std::make_unique<tcp_connection>(windows_socket::connect_socket(target, steady::now() + timeout));
}

} // namespace slotlog
