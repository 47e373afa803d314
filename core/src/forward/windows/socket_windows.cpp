#include "forward/windows/socket_windows.h"

#include <ws2tcpip.h>

#include <memory>
#include <mutex>
#include <stdexcept>

#include "windows/win_util.h"

namespace slotlog::windows_socket {

namespace {

void start_winsock() {
    static std::once_flag once;
    std::call_once(once, [] {
        WSADATA data;
        ::WSAStartup(MAKEWORD(2, 2), &data);
    });
}

int remaining_ms(steady::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// one address within the deadline: the socket, or INVALID_SOCKET with `why`
SOCKET connect_one(const addrinfo& a, steady::time_point deadline, std::string& why) {
    const SOCKET s = ::socket(a.ai_family, a.ai_socktype, a.ai_protocol);
    if (s == INVALID_SOCKET) {
        why = socket_error(::WSAGetLastError());
        return INVALID_SOCKET;
    }
    u_long non_blocking = 1;
    ::ioctlsocket(s, FIONBIO, &non_blocking);
    if (::connect(s, a.ai_addr, static_cast<int>(a.ai_addrlen)) != 0 && ::WSAGetLastError() != WSAEWOULDBLOCK) {
        why = socket_error(::WSAGetLastError());
        ::closesocket(s);
        return INVALID_SOCKET;
    }
    const int rc = wait_for(s, POLLWRNORM, deadline);
    int err = 0;
    int len = sizeof err;
    if (rc == 1) ::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
    if (rc != 1 || err != 0) {
        why = rc == 0 ? "no answer in time" : socket_error(rc < 0 ? ::WSAGetLastError() : err);
        ::closesocket(s);
        return INVALID_SOCKET;
    }
    // entries go out in batches already: no need to wait for more to fill a packet
    const BOOL one = TRUE;
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
    ::setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&one), sizeof one);
    return s;
}

} // namespace

std::string socket_error(int code) { return error_text(static_cast<DWORD>(code)); }

int wait_for(SOCKET s, short events, steady::time_point deadline) {
    WSAPOLLFD p{};
    p.fd = s;
    p.events = events;
    const int rc = ::WSAPoll(&p, 1, remaining_ms(deadline));
    if (rc <= 0) return rc < 0 ? -1 : 0;
    return 1;
}

SOCKET connect_socket(const target_address& target, steady::time_point deadline) {
    start_winsock();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const auto port = std::to_string(target.port);
    const int rc = ::getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) throw std::runtime_error(socket_error(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
    std::string why = "no address";
    for (const addrinfo* a = found; a; a = a->ai_next) {
        const SOCKET s = connect_one(*a, deadline, why);
        if (s != INVALID_SOCKET) return s;
    }
    throw std::runtime_error(why);
}

} // namespace slotlog::windows_socket
