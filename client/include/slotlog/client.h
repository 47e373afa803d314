#pragma once

// the slotlog client library: slot names and both ends of a mailslot, with an
// api that mirrors winsys's ipc.Mailslot (put; get with block and timeout;
// iteration; name normalisation). on windows a slot is a real mailslot; on
// posix it is a unix datagram socket at RUNTIME/<name in lower case>, and a
// writer without $SLOTLOG_RUNTIME_DIR looks in the system collector's
// /run/slotlog first (writer_socket_paths in slot_name.h). a
// writer reaches slots on other machines with the mailslot wire protocol (a
// netbios datagram carrying an smb mailslot write, udp 138) or the same
// datagram on the slotlog broadcast port (udp 5138): see writer_options

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/export.h>
#include <slotlog/host.h>
#include <slotlog/mailslot_reader.h>
#include <slotlog/slot_name.h>

namespace slotlog {

// how a writer reaches a slot on other machines (\\*\mailslot\x,
// \\DOMAIN\mailslot\x, \\HOST\mailslot\x); local slots ignore it
enum class network_transport {
    // posix: mailslot. windows: the real mailslot (CreateFile); where remote
    // mailslots are disabled (error 3025) or missing (wine), the broadcast port
    automatic,
    // the mailslot protocol only. posix: the netbios datagram to netbios_port.
    // windows: CreateFile on the remote mailslot, nothing else
    mailslot,
    // the same datagram to broadcast_port over udp only
    broadcast,
    // mailslot and broadcast: delivered if either path took the message
    both,
};

// "auto" (or "automatic"), "mailslot", "broadcast", "both"; case-insensitive.
// nullopt for anything else
SLOTLOG_API std::optional<network_transport> parse_network_transport(std::string_view text) noexcept;
// "auto", "mailslot", "broadcast", "both"
SLOTLOG_API std::string_view network_transport_name(network_transport t) noexcept;

struct SLOTLOG_API writer_options {
    static constexpr std::uint16_t default_netbios_port = 138;
    static constexpr std::uint16_t default_broadcast_port = 5138;

    // which path a message to another machine takes
    network_transport transport = network_transport::automatic;
    // posix: the udp port mailslot writes go to (138, where windows and samba's
    // nmbd listen; a test or a collector on an unprivileged port may use another)
    std::uint16_t netbios_port = default_netbios_port;
    // the slotlog broadcast port: the same datagram, for collectors that cannot
    // own 138 and for windows hosts whose remote mailslots are off
    std::uint16_t broadcast_port = default_broadcast_port;
    // where \\*\ and \\DOMAIN\ datagrams go: ipv4 addresses or host names, each
    // sent to as given (127.0.0.1 works). empty: the broadcast address of every
    // up, non-loopback ipv4 interface, or 255.255.255.255 if there is none.
    // \\HOST\ datagrams go to that host alone
    std::vector<std::string> broadcast_to;
    // the netbios group name a \\*\ datagram is addressed to when slotlog
    // builds it (up to 15 characters; windows' own mailslot uses the machine's
    // domain or workgroup instead)
    std::string workgroup = "WORKGROUP";
    // posix, local slots: the system collector's runtime folder, tried first
    // by a writer without $SLOTLOG_RUNTIME_DIR (slot_name.h,
    // writer_socket_paths); another folder stands in for it in tests
    std::filesystem::path system_runtime_dir{default_system_runtime_dir};

    // the defaults, overridden by SLOTLOG_TRANSPORT (auto, mailslot, broadcast,
    // both), SLOTLOG_NETBIOS_PORT, SLOTLOG_BROADCAST_PORT, SLOTLOG_BROADCAST_TO
    // (a comma-separated list) and SLOTLOG_WORKGROUP; an unset or empty
    // variable keeps the default. a bad value throws std::invalid_argument
    // naming the variable
    static writer_options from_environment();
};

// throws std::invalid_argument saying which field is wrong (port 0, a
// workgroup over 15 characters, an empty or blank destination, ...)
SLOTLOG_API void check_writer_options(const writer_options& options);

namespace detail {
class network_writer;
}

class SLOTLOG_API mailslot_writer {
public:
    // options other than system_runtime_dir only matter for names of other
    // machines; the environment's are read here, so a bad SLOTLOG_* value
    // throws std::invalid_argument
    explicit mailslot_writer(std::string_view name, writer_options options = writer_options::from_environment());
    ~mailslot_writer();
    mailslot_writer(const mailslot_writer&) = delete;
    mailslot_writer& operator=(const mailslot_writer&) = delete;

    // sends one message; throws mailslot_error (no reader on a local slot,
    // naming every socket or mailslot tried; message too large; no network
    // destination took it, ...). fire and forget: no reply is awaited. a broadcast with nobody listening succeeds.
    // safe to call from several threads. posix: waits while a local reader's
    // queue is full. messages to other machines are limited to
    // network_message_limit() bytes, checked before anything is sent
    void put(std::string_view message);
    const slot_name& slot() const noexcept { return slot_; }
    const writer_options& options() const noexcept { return options_; }

private:
    slot_name slot_;
    writer_options options_;
    native_handle_type handle_;          // windows: unused, the slot is opened per message
    std::unique_ptr<detail::network_writer> network_;  // names of other machines only
};

// what `slotlog send` and applications send: a json entry stamped with host,
// pid and a sequence number, so that collectors can tell copies and say when
// messages went missing. the numbers count from 1 for each (slot, app) of a
// process, the stream a collector follows: messages of one app to a slot
// that another collector reads leave no gap in this one's numbers
struct message_fields {
    std::string_view level{};            // empty: not sent (collector uses info)
    std::string_view app{};              // empty: not sent
    std::string_view slot{};             // the slot's name ("logger"), for the numbering
};
SLOTLOG_API std::string make_json_message(std::string_view msg, const message_fields& fields);

} // namespace slotlog
