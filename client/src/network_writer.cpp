// the datagram a writer sends to slots on other machines and where it goes:
// \\*\mailslot\x is a direct group datagram to WORKGROUP<00> on the broadcast
// addresses; \\HOST\mailslot\x a direct unique one to HOST<00> at the host's
// address; \\DOMAIN\mailslot\x (a name that does not resolve) a direct group
// one to DOMAIN<00> on the broadcast addresses. as windows sends them

#include "network_writer.h"

#include <slotlog/mailslot_wire.h>

#include <atomic>
#include <charconv>
#include <ctime>

#include <slotlog/detail/system.h>

namespace slotlog::detail {

namespace {

// interfaces come and go and names move: how long one plan is trusted
constexpr auto plan_lifetime = std::chrono::seconds(30);
constexpr ipv4_address everyone{255, 255, 255, 255};

// the client header spells the default ports out; they must be the wire's
static_assert(writer_options::default_netbios_port == wire::netbios_datagram_port);
static_assert(writer_options::default_broadcast_port == wire::broadcast_port);

// windows numbers its datagrams per machine; per process is close enough,
// and a random start keeps two senders apart
std::uint16_t next_datagram_id() {
    static std::atomic<std::uint32_t> next{process_id() * 2654435761u ^ static_cast<std::uint32_t>(std::time(nullptr))};
    return static_cast<std::uint16_t>(next.fetch_add(1, std::memory_order_relaxed));
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += "; ";
        out += p;
    }
    return out;
}

} // namespace

// ---- ipv4 text ----

std::string to_string(const ipv4_address& a) {
    return std::to_string(a[0]) + '.' + std::to_string(a[1]) + '.' + std::to_string(a[2]) + '.' + std::to_string(a[3]);
}

std::optional<ipv4_address> parse_ipv4(std::string_view text) noexcept {
    ipv4_address a{};
    const char* p = text.data();
    const char* end = p + text.size();
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
        // 1 to 3 digits, no sign, no leading zeros (they read as octal elsewhere)
        unsigned part = 0;
        const auto [next, ec] = std::from_chars(p, end, part);
        if (ec != std::errc() || next == p || next - p > 3 || part > 255 || (*p == '0' && next - p > 1)) {
            return std::nullopt;
        }
        a[i] = static_cast<std::uint8_t>(part);
        p = next;
    }
    if (p != end) return std::nullopt;
    return a;
}

std::string netbios_name_of(std::string_view host) {
    if (parse_ipv4(host)) return std::string(host);
    std::string out;
    for (const char c : host.substr(0, host.find('.'))) {
        if (out.size() == 15) break;
        const auto u = static_cast<unsigned char>(c);
        if (c >= 'a' && c <= 'z') {
            out += static_cast<char>(c - 'a' + 'A');
        } else if (u <= 0x20 || u >= 0x7f || std::string_view("\\/:*?\"<>|+=;,[]").find(c) != std::string_view::npos) {
            out += '_';
        } else {
            out += c;
        }
    }
    return out;
}

// ---- the writer ----

network_writer::network_writer(const slot_name& slot, const writer_options& options)
    : slot_(slot), options_(options), target_(slot.canonical()) {
    check_writer_options(options_);
    source_name_ = netbios_name_of(local_host_name());
    if (source_name_.empty()) source_name_ = "UNKNOWN";
    mailslot_path_ = wire::mailslot_path(slot_.name);
}

network_writer::~network_writer() = default;

std::vector<network_writer::destination> network_writer::broadcast_destinations() const {
    std::vector<destination> out;
    const std::vector<broadcast_route> routes = broadcast_routes();
    if (options_.broadcast_to.empty()) {
        for (const auto& r : routes) out.push_back({r.broadcast, r.local, to_string(r.broadcast), {}, false});
        if (out.empty()) {
            // no interface with a broadcast address: the limited broadcast, from wherever the kernel sends it
            out.push_back(
                {everyone, source_address_for(everyone).value_or(ipv4_address{}), to_string(everyone), {}, true});
        }
        return out;
    }
    for (const auto& to : options_.broadcast_to) {
        destination d;
        d.label = to;
        std::string why;
        if (auto a = parse_ipv4(to)) {
            d.address = *a;
        } else if (auto resolved = resolve_ipv4(to, why)) {
            d.address = *resolved;
            d.label = to + " (" + to_string(*resolved) + ")";
        } else {
            d.unresolved = why;
        }
        if (d.unresolved.empty()) {
            // an interface's broadcast address: that interface's own address is the source
            bool found = false;
            for (const auto& r : routes) {
                if (r.broadcast == d.address) {
                    d.source = r.local;
                    found = true;
                    break;
                }
            }
            if (!found) d.source = source_address_for(d.address).value_or(ipv4_address{});
        }
        out.push_back(std::move(d));
    }
    return out;
}

void network_writer::refresh_plan() {
    plan p;
    p.made = std::chrono::steady_clock::now();
    if (slot_.where == slot_name::scope::broadcast) {
        p.destination_name = options_.workgroup;
        p.destinations = broadcast_destinations();
    } else {
        // a name that resolves is a host; one that does not is taken for a domain
        std::string why;
        if (auto a = resolve_ipv4(slot_.server, why)) {
            p.unique = true;
            p.destination_name = netbios_name_of(slot_.server);
            const std::string label = parse_ipv4(slot_.server) ? slot_.server : slot_.server + " (" + to_string(*a) + ")";
            p.destinations.push_back({*a, source_address_for(*a).value_or(ipv4_address{}), label, {}, false});
        } else {
            p.destination_name = netbios_name_of(slot_.server);
            p.destinations = broadcast_destinations();
        }
        if (p.destination_name.empty()) {
            p.problem = "the server name '" + slot_.server + "' gives no netbios name to address the datagram to";
        }
    }
    plan_ = std::move(p);
    planned_ = true;
}

network_writer::delivery network_writer::send_datagrams(std::string_view message,
                                                         const std::vector<std::uint16_t>& ports) {
    wire::mailslot_write w;
    w.type = plan_.unique ? wire::datagram_type::direct_unique : wire::datagram_type::direct_group;
    w.datagram_id = next_datagram_id();
    w.source_port = wire::netbios_datagram_port;  // what the header says, whichever port we send from
    w.source = {source_name_, 0x00};
    w.destination = {plan_.destination_name, 0x00};
    w.mailslot = mailslot_path_;
    w.data = std::string(message);

    delivery out;
    for (const auto& d : plan_.destinations) {
        if (!d.unresolved.empty()) {
            out.failures.push_back(d.label + ": " + d.unresolved);
            out.no_network = false;
            continue;
        }
        // the source address differs per interface, so does the datagram
        w.source_ip = d.source;
        const std::string datagram = wire::encode(w);
        for (const std::uint16_t port : ports) {
            int code = 0;
            const std::string why = sender_->send_to(d.address, port, datagram, code);
            if (why.empty()) {
                ++out.delivered;
            } else {
                out.failures.push_back(d.label + ":" + std::to_string(port) + ": " + why);
                out.code = code;
                out.no_network = out.no_network && d.fallback && network_unreachable(code);
            }
        }
    }
    return out;
}

network_writer::result network_writer::send(std::string_view message, network_ports ports) {
    std::lock_guard lock(mutex_);
    result r;
    try {
        if (!planned_ || std::chrono::steady_clock::now() - plan_.made > plan_lifetime) refresh_plan();
        if (!plan_.problem.empty()) {
            r.error = "cannot send to '" + target_ + "': " + plan_.problem;
            return r;
        }
        if (!sender_) sender_ = std::make_unique<udp_sender>();

        std::vector<std::uint16_t> to_ports;
        if (ports.netbios) to_ports.push_back(options_.netbios_port);
        if (ports.broadcast) to_ports.push_back(options_.broadcast_port);
        const delivery d = send_datagrams(message, to_ports);
        if (d.delivered > 0 || to_ports.empty()) return {};
        planned_ = false;  // the network may have changed: look again next time
        // no interface to broadcast on: like a windows broadcast, one nobody
        // can hear is no error (the caller's local copy is all there is)
        if (d.no_network && !d.failures.empty()) return {};
        r.code = d.code;
        r.error = "cannot send to '" + target_ + "' over the network: " +
                  (d.failures.empty() ? std::string("no destination") : join(d.failures));
    } catch (const mailslot_error& e) {
        r.error = e.what();
        r.code = e.code();
    } catch (const std::invalid_argument& e) {
        // the wire refused the datagram (a name it cannot carry, ...)
        r.error = "cannot send to '" + target_ + "': " + e.what();
    }
    return r;
}

} // namespace slotlog::detail
