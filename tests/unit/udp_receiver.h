#pragma once

// a udp socket on 127.0.0.1 and a free port, for tests that check what a
// writer puts on the network. posix sockets or winsock

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace slotlog::testing {

class udp_receiver {
public:
    udp_receiver() {
#ifdef _WIN32
        WSADATA data{};
        ::WSAStartup(MAKEWORD(2, 2), &data);
#endif
        socket_ = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        if (socket_ == invalid) throw std::runtime_error("udp_receiver: cannot create a socket");
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        socklen_type size = sizeof(a);
        if (::bind(socket_, reinterpret_cast<const sockaddr*>(&a), sizeof(a)) != 0 ||
            ::getsockname(socket_, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
            close();
            throw std::runtime_error("udp_receiver: cannot bind 127.0.0.1");
        }
        port_ = ntohs(a.sin_port);
    }
    ~udp_receiver() { close(); }
    udp_receiver(const udp_receiver&) = delete;
    udp_receiver& operator=(const udp_receiver&) = delete;

    std::uint16_t port() const noexcept { return port_; }

    // the next datagram, or nullopt when none comes within timeout
    std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
#ifdef _WIN32
        fd_set ready;
        FD_ZERO(&ready);
        FD_SET(socket_, &ready);
        timeval tv{};
        tv.tv_sec = static_cast<long>(timeout.count() / 1000);
        tv.tv_usec = static_cast<long>(timeout.count() % 1000 * 1000);
        if (::select(0, &ready, nullptr, nullptr, &tv) <= 0) return std::nullopt;
#else
        pollfd p{socket_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
#endif
        std::string buffer(65536, '\0');
        const auto got = ::recv(socket_, buffer.data(), static_cast<int>(buffer.size()), 0);
        if (got < 0) return std::nullopt;
        buffer.resize(static_cast<std::size_t>(got));
        return buffer;
    }

private:
#ifdef _WIN32
    using socket_type = SOCKET;
    using socklen_type = int;
    static constexpr socket_type invalid = INVALID_SOCKET;
    void close() {
        if (socket_ != invalid) ::closesocket(socket_);
        socket_ = invalid;
    }
#else
    using socket_type = int;
    using socklen_type = socklen_t;
    static constexpr socket_type invalid = -1;
    void close() {
        if (socket_ != invalid) ::close(socket_);
        socket_ = invalid;
    }
#endif
    socket_type socket_ = invalid;
    std::uint16_t port_ = 0;
};

} // namespace slotlog::testing
