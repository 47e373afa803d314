// the inputs a configuration can name, and how each key is read
#include <array>
#include <exception>

#include <slotlog/slot_name.h>

#include "config/bind_address.h"
#include "config/schema.h"

namespace slotlog::config_check {

namespace {

constexpr std::uint64_t min_message_size = 1u << 10;
constexpr std::uint64_t max_message_size = 16u << 20;
// a udp datagram never carries more than 65,507 bytes of payload
constexpr std::uint64_t max_udp_message_size = 64u << 10;
constexpr std::uint64_t min_recv_buffer = 1u << 10;
constexpr std::uint64_t max_recv_buffer = 1u << 30;
// threads reading one socket: more than the cores only take turns, and n
// readers can open n - 1 gaps in a numbered sender's sequence at once, which
// gap_tracker's 8 open gaps per sender must hold
constexpr std::uint64_t max_readers = 8;
// where windows and samba send netbios datagrams
constexpr std::string_view default_netbios_bind = "0.0.0.0:138";

constexpr std::string_view slot_example = "a slot name such as \"logger\"";

bool read_name(checker& c, const json& v, const std::string& at, input_config& in) {
    const auto s = c.non_empty_string(v, at, slot_example);
    if (!s) return false;
    slot_name slot;
    try {
        slot = parse_slot_name(*s);
    } catch (const std::exception& e) {
        c.fail(at, "invalid slot name " + describe(v) + ": " + e.what());
        return false;
    }
    const auto local = json(slot.name).dump(-1, ' ', false, json::error_handler_t::replace);
    if (slot.where == slot_name::scope::broadcast) {
        c.fail(at, "the collector can only read a local slot; " + describe(v) +
                       " is the broadcast name writers use: use " + local + " instead");
        return false;
    }
    if (slot.where != slot_name::scope::local) {
        c.fail(at, "the collector can only read a local slot; " + describe(v) +
                       " names a slot on another machine or domain: use " + local + " instead");
        return false;
    }
    in.name = *s;
    return true;
}

bool read_bind(checker& c, const json& v, const std::string& at, input_config& in) {
    auto s = c.non_empty_string(v, at, "\"host:port\", e.g. \"127.0.0.1:5514\"");
    if (!s) return false;
    std::string why;
    if (!parse_bind(*s, why)) {
        c.fail(at, "invalid bind address " + describe(v) + ": " + why);
        return false;
    }
    in.bind = *s;
    return true;
}

// the slot a netbios (or udp) input reads remote mailslot writes of: any
// form writers use ("logger", "\\\\*\\mailslot\\logger"), kept as the name
bool read_slot(checker& c, const json& v, const std::string& at, input_config& in) {
    const auto s = c.non_empty_string(v, at, slot_example);
    if (!s) return false;
    try {
        in.slot = parse_slot_name(*s).name;
    } catch (const std::exception& e) {
        c.fail(at, "invalid slot name " + describe(v) + ": " + e.what());
        return false;
    }
    return true;
}

bool read_recv_buffer(checker& c, const json& v, const std::string& at, input_config& in) {
    const auto n = c.size_value(v, at, min_recv_buffer, max_recv_buffer);
    if (n) in.recv_buffer = *n;
    return n.has_value();
}

bool read_readers(checker& c, const json& v, const std::string& at, input_config& in) {
    const auto n = c.integer_value(v, at, 1, max_readers);
    if (n) in.readers = static_cast<unsigned>(*n);
    return n.has_value();
}

template <std::uint64_t Max>
bool read_max_message_size(checker& c, const json& v, const std::string& at, input_config& in) {
    const auto n = c.size_value(v, at, min_message_size, Max);
    if (n) in.max_message_size = *n;
    return n.has_value();
}

constexpr std::array<field<input_config>, 2> mailslot_fields{{
    {"name", read_name, "a mailslot input needs the slot's name, e.g. \"logger\""},
    {"max_message_size", read_max_message_size<max_message_size>},
}};
constexpr std::array<field<input_config>, 5> udp_fields{{
    {"bind", read_bind, "a udp input needs \"bind\": \"host:port\", e.g. \"127.0.0.1:5514\""},
    {"recv_buffer", read_recv_buffer},
    {"max_message_size", read_max_message_size<max_udp_message_size>},
    {"slot", read_slot},
    {"readers", read_readers},
}};
constexpr std::array<field<input_config>, 4> netbios_fields{{
    {"bind", read_bind},
    {"slot", read_slot, "a netbios input needs the slot whose mailslot writes it reads, e.g. \"logger\""},
    {"recv_buffer", read_recv_buffer},
    {"readers", read_readers},
}};

constexpr std::array<kind<input_config>, 3> input_kinds{{
    {"mailslot", mailslot_fields},
    {"udp", udp_fields},
    {"netbios", netbios_fields},
}};

// two readers of one endpoint would fight over it
bool claim_endpoint(checker& c, const std::string& at, input_config& in, bool ok) {
    if (!ok) return false;
    // the key that names the endpoint; a netbios input on the default bind has none
    auto key_at = member_path(at, in.type == "mailslot" ? "name" : "bind");
    if (in.type == "netbios" && in.bind.empty()) {
        in.bind = default_netbios_bind;
        key_at = at;
    }
    const auto id = in.endpoint();
    const auto first = c.claim(c.endpoints, id, at);
    if (first.empty()) return true;
    c.fail(key_at, "reads the same endpoint (" + id + ") as " + first + "; each slot or address can be read once");
    return false;
}

} // namespace

constinit const list_schema<input_config> input_schema{
    "inputs", "input", "[{\"type\": \"mailslot\", \"name\": \"logger\"}]", input_kinds, claim_endpoint};

} // namespace slotlog::config_check
