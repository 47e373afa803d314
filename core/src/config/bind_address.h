// udp bind addresses: "host:port" or "[v6]:port"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace slotlog::config_check {

struct bind_address {
    std::string host;                    // lower case; ipv6 without brackets
    unsigned port = 0;
    bool ipv6 = false;

    // one text per address: "127.0.0.1:0514" -> "127.0.0.1:514"
    std::string text() const { return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port); }
};

// on failure `why` says what is wrong
std::optional<bind_address> parse_bind(std::string_view text, std::string& why);

} // namespace slotlog::config_check
