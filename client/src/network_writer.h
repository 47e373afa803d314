#pragma once

// a writer's path to slots on other machines, portable: builds the mailslot
// write datagram of the wire protocol (which netbios names, which datagram
// type, which source address) and sends it over udp to the netbios port, the
// slotlog broadcast port or both. used by mailslot_posix.cpp and
// mailslot_windows.cpp for \\*, \\DOMAIN and \\HOST names

#include <slotlog/client.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "network_send.h"

namespace slotlog::detail {

// which udp ports one message goes to
struct network_ports {
    bool netbios = false;                // options.netbios_port
    bool broadcast = false;              // options.broadcast_port
};

class network_writer {
public:
    // slot is not local. throws std::invalid_argument for bad options
    network_writer(const slot_name& slot, const writer_options& options);
    ~network_writer();

    // one datagram per destination and port; ok() when at least one
    // destination took it, else error names the destinations and why each
    // failed. never throws for trouble on the network or with a name
    struct result {
        std::string error;               // one sentence, "" when delivered
        int code = 0;                    // errno / WSAGetLastError() of the last failure
        bool ok() const noexcept { return error.empty(); }
    };
    result send(std::string_view message, network_ports ports);

    // "\\*\mailslot\logger" or similar, for error messages
    const std::string& target() const noexcept { return target_; }

private:
    struct destination {
        ipv4_address address{};
        ipv4_address source{};           // the datagram's source ip
        std::string label;               // "192.0.2.255" or "web01 (192.0.2.7)", for errors
        std::string unresolved;          // set: this destination does not resolve, and why
        bool fallback = false;           // the limited broadcast, for want of any interface
    };

    // where datagrams go now and how they are addressed; refreshed now and
    // then (interfaces and name lookups change while a writer lives)
    struct plan {
        bool unique = false;             // \\HOST that resolved: direct unique datagram
        std::string destination_name;    // the netbios name the datagram is addressed to
        std::vector<destination> destinations;
        std::string problem;             // set: nothing can be sent, and why
        std::chrono::steady_clock::time_point made;
    };

    // what one message's datagrams did
    struct delivery {
        std::size_t delivered = 0;       // datagrams handed to the network
        bool no_network = true;          // every failure was the limited broadcast finding no network
        std::vector<std::string> failures;  // "label:port: why" or "label: why"
        int code = 0;                    // of the last failed send
    };

    void refresh_plan();
    std::vector<destination> broadcast_destinations() const;
    // one datagram per destination of the plan and port; the lock is held
    delivery send_datagrams(std::string_view message, const std::vector<std::uint16_t>& ports);

    slot_name slot_;
    writer_options options_;
    std::string target_;
    std::string source_name_;
    std::string mailslot_path_;

    std::mutex mutex_;                   // guards what follows
    plan plan_;
    bool planned_ = false;
    std::unique_ptr<udp_sender> sender_; // created with the first datagram
};

// the netbios name for a host: a dotted ipv4 address as it is (it fits 15
// characters; netbios over tcp/ip takes such a name as the address itself),
// else the name up to the first '.', upper case, at most 15 characters, with
// characters netbios forbids as '_'. "" if nothing is left
std::string netbios_name_of(std::string_view host);

} // namespace slotlog::detail
