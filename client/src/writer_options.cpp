// a writer's network options: names of the transports, the SLOTLOG_*
// environment variables and the checks both they and callers' options pass

#include <slotlog/client.h>

#include <algorithm>
#include <array>
#include <charconv>

#include <slotlog/detail/printable.h>
#include <slotlog/detail/system.h>

namespace slotlog {

namespace {

using detail::printable;

constexpr std::size_t max_netbios_name = 15;
constexpr std::size_t max_host_name = 255;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// what is wrong with a workgroup, "" if nothing. netbios forbids \/:*?"<>|, and
// the datagram holds 15 single-byte characters
std::string workgroup_problem(std::string_view w) {
    if (w.empty()) return "the workgroup is empty";
    if (w.size() > max_netbios_name) {
        return "the workgroup '" + printable(w) + "' is " + std::to_string(w.size()) +
               " characters long, a netbios name holds at most 15";
    }
    for (const char c : w) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || std::string_view("\\/:*?\"<>|").find(c) != std::string_view::npos) {
            return "the workgroup '" + printable(w) +
                   "' may only hold ascii letters, digits and punctuation other than \\/:*?\"<>| (no spaces)";
        }
    }
    return {};
}

std::string destination_problem(std::string_view d) {
    if (d.empty()) return "a broadcast destination is empty";
    if (d.size() > max_host_name) {
        return "the broadcast destination '" + printable(d.substr(0, 40)) + "...' is " + std::to_string(d.size()) +
               " characters long, a host name holds at most 255";
    }
    for (const char c : d) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == ',') {
            return "the broadcast destination '" + printable(d) +
                   "' is not an ipv4 address or host name (no spaces, commas or control characters)";
        }
    }
    return {};
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

constexpr std::array<network_transport, 4> transports{network_transport::automatic, network_transport::mailslot,
                                                      network_transport::broadcast, network_transport::both};

// "auto, mailslot, broadcast or both"
std::string transport_names() {
    std::string out;
    for (std::size_t i = 0; i < transports.size(); ++i) {
        if (i > 0) out += i + 1 == transports.size() ? " or " : ", ";
        out += network_transport_name(transports[i]);
    }
    return out;
}

[[noreturn]] void bad_variable(const char* name, std::string_view value, const std::string& why) {
    throw std::invalid_argument(std::string(name) + "='" + printable(value) + "': " + why);
}

std::uint16_t port_variable(const char* name, std::string_view value) {
    const auto port = parse_port(trim(value));
    if (!port) bad_variable(name, value, "not a port number (1 to 65535)");
    return *port;
}

} // namespace

std::optional<network_transport> parse_network_transport(std::string_view text) noexcept {
    // no allocation: the names are short, compare in place
    auto equals = [text](std::string_view word) {
        if (text.size() != word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i) {
            char c = text[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != word[i]) return false;
        }
        return true;
    };
    if (equals("automatic")) return network_transport::automatic;
    for (const auto t : transports) {
        if (equals(network_transport_name(t))) return t;
    }
    return std::nullopt;
}

std::string_view network_transport_name(network_transport t) noexcept {
    switch (t) {
    case network_transport::automatic: return "auto";
    case network_transport::mailslot: return "mailslot";
    case network_transport::broadcast: return "broadcast";
    case network_transport::both: return "both";
    }
    return "auto";
}

void check_writer_options(const writer_options& o) {
    if (std::find(transports.begin(), transports.end(), o.transport) == transports.end()) {
        throw std::invalid_argument("the network transport " + std::to_string(static_cast<int>(o.transport)) +
                                    " is not one of " + transport_names());
    }
    if (o.netbios_port == 0) throw std::invalid_argument("the netbios port is 0 (use 1 to 65535)");
    if (o.broadcast_port == 0) throw std::invalid_argument("the broadcast port is 0 (use 1 to 65535)");
    for (const auto& d : o.broadcast_to) {
        if (auto why = destination_problem(d); !why.empty()) throw std::invalid_argument(why);
    }
    if (auto why = workgroup_problem(o.workgroup); !why.empty()) throw std::invalid_argument(why);
}

writer_options writer_options::from_environment() {
    writer_options o;
    if (const auto v = detail::environment_variable("SLOTLOG_TRANSPORT"); !trim(v).empty()) {
        const auto t = parse_network_transport(trim(v));
        if (!t) bad_variable("SLOTLOG_TRANSPORT", v, "not a transport (use " + transport_names() + ")");
        o.transport = *t;
    }
    if (const auto v = detail::environment_variable("SLOTLOG_NETBIOS_PORT"); !trim(v).empty()) {
        o.netbios_port = port_variable("SLOTLOG_NETBIOS_PORT", v);
    }
    if (const auto v = detail::environment_variable("SLOTLOG_BROADCAST_PORT"); !trim(v).empty()) {
        o.broadcast_port = port_variable("SLOTLOG_BROADCAST_PORT", v);
    }
    if (const auto v = detail::environment_variable("SLOTLOG_BROADCAST_TO"); !trim(v).empty()) {
        // a comma list; blanks around entries and empty entries ("a,,b", "a,") are skipped
        std::string_view rest = v;
        for (;;) {
            const std::size_t comma = rest.find(',');
            const std::string_view entry = trim(rest.substr(0, comma));
            if (!entry.empty()) {
                if (auto why = destination_problem(entry); !why.empty()) bad_variable("SLOTLOG_BROADCAST_TO", v, why);
                o.broadcast_to.emplace_back(entry);
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    if (const auto v = detail::environment_variable("SLOTLOG_WORKGROUP"); !trim(v).empty()) {
        if (auto why = workgroup_problem(trim(v)); !why.empty()) bad_variable("SLOTLOG_WORKGROUP", v, why);
        o.workgroup = std::string(trim(v));
    }
    return o;
}

} // namespace slotlog
