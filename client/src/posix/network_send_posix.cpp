// udp for the network writer on posix: sendto, getaddrinfo, getifaddrs

#include "../network_send.h"

#include <slotlog/client.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace slotlog::detail {

namespace {

sockaddr_in socket_address(const ipv4_address& a, std::uint16_t port) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = htons(port);
    std::memcpy(&s.sin_addr, a.data(), a.size());
    return s;
}

ipv4_address address_of(const sockaddr* sa) {
    ipv4_address a{};
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(a.data(), &in->sin_addr, a.size());
    return a;
}

int udp_socket() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return -1;
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    // a broadcast address is refused without it (EACCES), also for connect()
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
    return fd;
}

} // namespace

std::vector<broadcast_route> broadcast_routes() {
    std::vector<broadcast_route> routes;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return routes;
    for (const ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
        if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_BROADCAST)) continue;
        if (!i->ifa_broadaddr || i->ifa_broadaddr->sa_family != AF_INET) continue;
        const broadcast_route r{address_of(i->ifa_broadaddr), address_of(i->ifa_addr)};
        bool seen = false;
        for (const auto& known : routes) seen = seen || (known.broadcast == r.broadcast && known.local == r.local);
        if (!seen) routes.push_back(r);
    }
    ::freeifaddrs(list);
    return routes;
}

std::optional<ipv4_address> resolve_ipv4(const std::string& host, std::string& why) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        why = rc == EAI_SYSTEM ? std::system_category().message(errno) : ::gai_strerror(rc);
        return std::nullopt;
    }
    std::optional<ipv4_address> a;
    for (const addrinfo* i = found; i && !a; i = i->ai_next) {
        if (i->ai_family == AF_INET && i->ai_addr) a = address_of(i->ai_addr);
    }
    ::freeaddrinfo(found);
    if (!a) why = "no ipv4 address";
    return a;
}

std::optional<ipv4_address> source_address_for(const ipv4_address& to) {
    const int fd = udp_socket();
    if (fd < 0) return std::nullopt;
    // connecting a udp socket sends nothing: it only picks the route and the source address
    const sockaddr_in dest = socket_address(to, 9);
    std::optional<ipv4_address> a;
    sockaddr_in local{};
    socklen_t size = sizeof(local);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&dest), sizeof(dest)) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) == 0 && local.sin_family == AF_INET) {
        a = address_of(reinterpret_cast<const sockaddr*>(&local));
    }
    ::close(fd);
    return a;
}

bool network_unreachable(int code) noexcept { return code == ENETUNREACH; }

udp_sender::udp_sender() : socket_(udp_socket()) {
    if (socket_ < 0) {
        const int e = errno;
        throw mailslot_error("cannot create a udp socket: " + std::system_category().message(e), e);
    }
}

udp_sender::~udp_sender() { ::close(static_cast<int>(socket_)); }

std::string udp_sender::send_to(const ipv4_address& to, std::uint16_t port, std::string_view datagram, int& code) {
    const sockaddr_in dest = socket_address(to, port);
    for (;;) {
        if (::sendto(static_cast<int>(socket_), datagram.data(), datagram.size(), 0,
                     reinterpret_cast<const sockaddr*>(&dest), sizeof(dest)) >= 0) {
            return {};
        }
        if (errno == EINTR) continue;
        code = errno;
        return std::system_category().message(code);
    }
}

} // namespace slotlog::detail
