#pragma once

// a remote mailslot write as it crosses the network ([MS-MAIL]): one netbios
// datagram (rfc 1002) carrying an smb TRANSACTION that writes to
// \MAILSLOT\<name>. it is what windows sends for \\*\mailslot\logger, what the
// netbios input reads, and what `slotlog send` and the broadcast fallback send.
// encoding and decoding only, no i/o. portable; the client library uses it too
// (library slotlog_proto). the layout, limits and what decode refuses: docs/network.md

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotlog::wire {

// where netbios datagrams go (nmbd or windows' own netbios owns it)
inline constexpr std::uint16_t netbios_datagram_port = 138;
// the slotlog broadcast port: the same datagram, for hosts where 138 is taken
// or remote mailslots are disabled (windows 11 24h2, server 2025)
inline constexpr std::uint16_t broadcast_port = 5138;

// rfc 1002 datagram types a mailslot write may come in
enum class datagram_type : std::uint8_t {
    direct_unique = 0x10,  // to one computer's name: \\HOST\mailslot\x
    direct_group = 0x11,   // to a group name: \\*\mailslot\x, \\DOMAIN\mailslot\x
    broadcast = 0x12,      // to every node
};

// a netbios name: up to 15 characters and a suffix byte (the name's type)
struct netbios_name {
    std::string name;            // encode: upper-cased; decode: trailing spaces trimmed
    std::uint8_t suffix = 0x00;  // 0x00: workstation (unique) or domain (group)
};

struct mailslot_write {
    datagram_type type = datagram_type::direct_group;
    std::uint16_t datagram_id = 0;
    std::array<std::uint8_t, 4> source_ip{};            // ipv4, network order
    std::uint16_t source_port = netbios_datagram_port;
    netbios_name source;                                // the sender's computer name
    netbios_name destination;                           // DOMAIN<00> for a group, HOST<00> for one
    std::string mailslot;                               // "\MAILSLOT\LOGGER"
    std::string data;                                   // the message, as written
};

// a decoded write: names copied (short), mailslot and data view the packet
struct mailslot_write_view {
    datagram_type type = datagram_type::direct_group;
    std::uint16_t datagram_id = 0;
    std::array<std::uint8_t, 4> source_ip{};
    std::uint16_t source_port = 0;
    netbios_name source;
    netbios_name destination;
    std::string_view mailslot;                          // without its terminating nul
    std::string_view data;
};

struct decode_result {
    std::optional<mailslot_write_view> write;           // set when the packet is a mailslot write
    std::string error;                                  // else why not, one short sentence
};

// "logger" -> "\MAILSLOT\LOGGER"; a sub-folder "a\b" -> "\MAILSLOT\A\B"
std::string mailslot_path(std::string_view slot_name);

// the largest message windows sends to this slot on other machines: 424
// bytes for "logger", less for longer names (432 minus the name rounded up to 4)
std::size_t max_data_size(std::string_view slot_name) noexcept;

// true if a mailslot path as on the wire names this slot ("\MAILSLOT\LOGGER"
// and "logger"; case-insensitive)
bool names_slot(std::string_view mailslot, std::string_view slot_name) noexcept;

// the datagram. throws std::invalid_argument saying what is wrong: data over
// max_data_size, a netbios name over 15 characters, a mailslot path that does
// not start with \MAILSLOT\ ...
std::string encode(const mailslot_write& w);

// strict: every length and offset is checked against the packet. never throws
decode_result decode(std::string_view packet);

} // namespace slotlog::wire
