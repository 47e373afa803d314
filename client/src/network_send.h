#pragma once

// udp for the network writer, one file per platform
// (posix/network_send_posix.cpp, windows/network_send_windows.cpp): send a
// datagram to an ipv4 address, resolve names, list the broadcast addresses
// of this machine's interfaces. no slot or wire knowledge here

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotlog::detail {

// an ipv4 address, network order (a.b.c.d is {a, b, c, d})
using ipv4_address = std::array<std::uint8_t, 4>;

std::string to_string(const ipv4_address& a);
// "a.b.c.d" exactly (no names, no short forms), else nullopt
std::optional<ipv4_address> parse_ipv4(std::string_view text) noexcept;

// one interface's broadcast address and its own address (a datagram's source)
struct broadcast_route {
    ipv4_address broadcast{};
    ipv4_address local{};
};

// every up, non-loopback ipv4 interface that has a broadcast address; empty
// if there is none or they cannot be listed
std::vector<broadcast_route> broadcast_routes();

// the first ipv4 address of host (a dotted address or a name), or nullopt
// with the reason in why
std::optional<ipv4_address> resolve_ipv4(const std::string& host, std::string& why);

// the address this machine sends from to reach `to` (what the kernel picks
// for a connected udp socket), or nullopt
std::optional<ipv4_address> source_address_for(const ipv4_address& to);

// the send failed because this machine has no route there (no network at all)
bool network_unreachable(int code) noexcept;

// one udp socket that may broadcast. throws mailslot_error when it cannot be
// created. send_to is safe from several threads
class udp_sender {
public:
    udp_sender();
    ~udp_sender();
    udp_sender(const udp_sender&) = delete;
    udp_sender& operator=(const udp_sender&) = delete;

    // "" when the datagram was handed to the network, else why not (and
    // code: errno or the winsock error)
    std::string send_to(const ipv4_address& to, std::uint16_t port, std::string_view datagram, int& code);

private:
    std::intptr_t socket_;               // posix: a file descriptor; windows: a SOCKET
};

} // namespace slotlog::detail
