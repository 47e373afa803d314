#include "config/bind_address.h"

#include <algorithm>

#include "config/messages.h"

namespace slotlog::config_check {

namespace {

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

// "fe80::1%eth0": an optional zone is kept as written
bool is_ipv6(std::string_view host) {
    const auto zone = host.find('%');
    const auto address = host.substr(0, zone);
    if (address.empty() || address.find(':') == std::string_view::npos) return false;
    if (!std::all_of(address.begin(), address.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; })) {
        return false;
    }
    if (zone == std::string_view::npos) return true;
    const auto name = host.substr(zone + 1);
    return !name.empty() &&
           std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

// "[v6]:port": splits off the host and the port text
bool split_bracketed(std::string_view text, std::string_view& host, std::string_view& port, std::string& why) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
        why = "missing ']' after the IPv6 address";
        return false;
    }
    host = text.substr(1, close - 1);
    const auto rest = text.substr(close + 1);
    if (!rest.starts_with(':')) {
        why = "missing the port after the address: expected \"[address]:port\", e.g. \"[::1]:5514\"";
        return false;
    }
    port = rest.substr(1);
    if (!is_ipv6(host)) {
        why = "not an IPv6 address in brackets";
        return false;
    }
    return true;
}

// "host:port": splits off the host and the port text
bool split_plain(std::string_view text, std::string_view& host, std::string_view& port, std::string& why) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        why = "missing the port: expected \"host:port\", e.g. \"127.0.0.1:5514\"";
        return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
        why = "an IPv6 address needs brackets, e.g. \"[::1]:5514\"";
        return false;
    }
    if (host.empty()) {
        why = "missing the host: use \"0.0.0.0:port\" for every interface or \"127.0.0.1:port\" for this machine only";
        return false;
    }
    if (!std::all_of(host.begin(), host.end(), [](char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_'; })) {
        why = "the host must be an IPv4 address, a host name or an IPv6 address in brackets";
        return false;
    }
    return true;
}

// 1 to 65535, or 0
unsigned parse_port(std::string_view port) {
    if (port.empty() || port.size() > 5) return 0;
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return 0;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value <= 65535 ? value : 0;
}

} // namespace

std::optional<bind_address> parse_bind(std::string_view text, std::string& why) {
    bind_address a;
    a.ipv6 = text.starts_with('[');
    std::string_view host;
    std::string_view port;
    if (!(a.ipv6 ? split_bracketed(text, host, port, why) : split_plain(text, host, port, why))) return std::nullopt;
    a.port = parse_port(port);
    if (a.port == 0) {
        why = "the port must be a number from 1 to 65535";
        return std::nullopt;
    }
    a.host = to_lower(host);
    return a;
}

} // namespace slotlog::config_check
