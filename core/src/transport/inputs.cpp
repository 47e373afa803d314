#include "transport/inputs.h"

#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include <slotlog/mailslot_wire.h>

namespace slotlog {

std::unique_ptr<input> make_input(const input_config& cfg) {
    if (cfg.type == "mailslot") return make_mailslot_input(cfg);
    if (cfg.type == "udp" || cfg.type == "netbios") return make_udp_input(cfg);
    throw std::runtime_error("'" + cfg.type + "' inputs are not available on this system");
}

datagram_delivery::datagram_delivery(const input_config& cfg)
    : mode_(cfg.type == "netbios" ? mode::wire : cfg.slot.empty() ? mode::plain : mode::either),
      where_(cfg.type + ":" + cfg.bind), where_tag_(std::hash<std::string>{}(where_)), slot_(cfg.slot) {}

void datagram_delivery::deliver(std::string_view datagram, std::string_view peer, clock::time_point received,
                                message_handler& handler) noexcept {
    // a plain datagram's sender is its address: its path is the input alone
    origin plain{where_, peer, received, peer, false, where_tag_};
    if (mode_ == mode::plain) {
        handler.on_message(datagram, plain);
        return;
    }
    const auto decoded = wire::decode(datagram);
    if (!decoded.write) {
        if (mode_ == mode::either) {
            handler.on_message(datagram, plain);
            return;
        }
        try {
            handler.on_drop(fmt::format("a datagram of {} bytes from {} to {} is not a mailslot write: {}",
                                        datagram.size(), peer.empty() ? "?" : peer, where_, decoded.error));
        } catch (...) {
        }
        return;
    }
    const auto& w = *decoded.write;
    // other mailslots' writes (\MAILSLOT\BROWSE, \MAILSLOT\NET\NETLOGON) are not ours
    if (!wire::names_slot(w.mailslot, slot_)) return;
    try {
        // the sender as "NAME/address": the name it gives and where it really came from
        peer_.assign(w.source.name);
        if (!peer_.empty() && !peer.empty()) peer_ += '/';
        peer_.append(peer);
    } catch (...) {
        peer_.clear();
    }
    // a name may come from several addresses (a multi-homed sender): the
    // address is part of the path. an unnamed write has no sender
    const std::string_view sender = std::string_view(peer_).substr(0, w.source.name.size());
    const auto path = where_tag_ ^ (std::hash<std::string_view>{}(peer) * 0x9e3779b97f4a7c15ull);
    handler.on_message(w.data, origin{slot_, peer_, received, sender, true, path});
}

host_port split_host_port(const std::string& bind) {
    const auto colon = bind.rfind(':');
    if (colon == std::string::npos) return {bind, ""};
    std::string host = bind.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, bind.substr(colon + 1)};
}

} // namespace slotlog
