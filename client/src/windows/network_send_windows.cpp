// udp for the network writer on windows: winsock, GetAddrInfoW and the
// adapters' addresses with their prefix lengths (GetAdaptersAddresses)

#include "../network_send.h"

#include <slotlog/client.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <windows.h>

#include <cstring>

#include <slotlog/detail/utf16.h>

namespace slotlog::detail {

namespace {

// once per process, never undone: other parts may use winsock too
void start_winsock() {
    static const int started = [] {
        WSADATA data{};
        return ::WSAStartup(MAKEWORD(2, 2), &data);
    }();
    (void)started;
}

sockaddr_in socket_address(const ipv4_address& a, std::uint16_t port) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = ::htons(port);
    std::memcpy(&s.sin_addr, a.data(), a.size());
    return s;
}

ipv4_address address_of(const sockaddr* sa) {
    ipv4_address a{};
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(a.data(), &in->sin_addr, a.size());
    return a;
}

SOCKET udp_socket() {
    start_winsock();
    // not inherited by child processes; older systems lack the flag
    SOCKET s = ::WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) s = ::socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (s == INVALID_SOCKET) return s;
    // a broadcast address is refused without it, also for connect()
    const BOOL on = TRUE;
    ::setsockopt(s, SOL_SOCKET, SO_BROADCAST, reinterpret_cast<const char*>(&on), sizeof(on));
    return s;
}

} // namespace

std::vector<broadcast_route> broadcast_routes() {
    std::vector<broadcast_route> routes;
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER |
                        GAA_FLAG_SKIP_FRIENDLY_NAME;
    std::vector<unsigned char> buffer(16 * 1024);
    ULONG size = 0;
    ULONG rc = ERROR_BUFFER_OVERFLOW;
    for (int attempt = 0; attempt < 4 && rc == ERROR_BUFFER_OVERFLOW; ++attempt) {
        size = static_cast<ULONG>(buffer.size());
        rc = ::GetAdaptersAddresses(AF_INET, flags, nullptr,
                                    reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()), &size);
        if (rc == ERROR_BUFFER_OVERFLOW) buffer.resize(size + 1024);  // adapters may appear meanwhile
    }
    if (rc != NO_ERROR) return routes;
    for (auto* a = reinterpret_cast<const IP_ADAPTER_ADDRESSES*>(buffer.data()); a; a = a->Next) {
        if (a->OperStatus != IfOperStatusUp || a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) continue;
        for (const IP_ADAPTER_UNICAST_ADDRESS* u = a->FirstUnicastAddress; u; u = u->Next) {
            const sockaddr* sa = u->Address.lpSockaddr;
            // a /31 or /32 has no broadcast address
            if (!sa || sa->sa_family != AF_INET || u->OnLinkPrefixLength >= 31) continue;
            broadcast_route r;
            r.local = address_of(sa);
            const std::uint32_t host_bits =
                u->OnLinkPrefixLength == 0 ? 0xffffffffu : (std::uint32_t{1} << (32 - u->OnLinkPrefixLength)) - 1;
            for (int i = 0; i < 4; ++i) {
                r.broadcast[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(
                    r.local[static_cast<std::size_t>(i)] | ((host_bits >> (8 * (3 - i))) & 0xff));
            }
            bool seen = false;
            for (const auto& known : routes) seen = seen || (known.broadcast == r.broadcast && known.local == r.local);
            if (!seen) routes.push_back(r);
        }
    }
    return routes;
}

std::optional<ipv4_address> resolve_ipv4(const std::string& host, std::string& why) {
    start_winsock();
    ADDRINFOW hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    ADDRINFOW* found = nullptr;
    const int rc = ::GetAddrInfoW(widen(host).c_str(), nullptr, &hints, &found);
    if (rc != 0) {
        why = error_text(static_cast<unsigned long>(rc));
        return std::nullopt;
    }
    std::optional<ipv4_address> a;
    for (const ADDRINFOW* i = found; i && !a; i = i->ai_next) {
        if (i->ai_family == AF_INET && i->ai_addr) a = address_of(i->ai_addr);
    }
    ::FreeAddrInfoW(found);
    if (!a) why = "no ipv4 address";
    return a;
}

std::optional<ipv4_address> source_address_for(const ipv4_address& to) {
    const SOCKET s = udp_socket();
    if (s == INVALID_SOCKET) return std::nullopt;
    // connecting a udp socket sends nothing: it only picks the route and the source address
    const sockaddr_in dest = socket_address(to, 9);
    std::optional<ipv4_address> a;
    sockaddr_in local{};
    int size = sizeof(local);
    if (::connect(s, reinterpret_cast<const sockaddr*>(&dest), sizeof(dest)) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&local), &size) == 0 && local.sin_family == AF_INET) {
        a = address_of(reinterpret_cast<const sockaddr*>(&local));
    }
    ::closesocket(s);
    return a;
}

bool network_unreachable(int code) noexcept { return code == WSAENETUNREACH; }

udp_sender::udp_sender() {
    const SOCKET s = udp_socket();
    if (s == INVALID_SOCKET) {
        const int e = ::WSAGetLastError();
        throw mailslot_error("cannot create a udp socket: " + error_text(static_cast<unsigned long>(e)), e);
    }
    socket_ = static_cast<std::intptr_t>(s);
}

udp_sender::~udp_sender() { ::closesocket(static_cast<SOCKET>(socket_)); }

std::string udp_sender::send_to(const ipv4_address& to, std::uint16_t port, std::string_view datagram, int& code) {
    const sockaddr_in dest = socket_address(to, port);
    if (::sendto(static_cast<SOCKET>(socket_), datagram.data(), static_cast<int>(datagram.size()), 0,
                 reinterpret_cast<const sockaddr*>(&dest), sizeof(dest)) != SOCKET_ERROR) {
        return {};
    }
    code = ::WSAGetLastError();
    return error_text(static_cast<unsigned long>(code));
}

} // namespace slotlog::detail
