#pragma once

// a byte stream to a log server: tcp here, tls over it (tls_connection). the
// sender thread owns it; nothing here throws once connected: a failure is a
// reason, and the connection is then done

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <slotlog/config.h>

namespace slotlog {

class connection {
public:
    virtual ~connection() = default;
    // "" when everything was sent within the timeout; otherwise why not
    virtual std::string send_all(std::string_view data, std::chrono::milliseconds timeout) noexcept = 0;
    // appends what arrives within the timeout to `into` (nothing: a timeout, not an
    // error); "" or why the connection is done (closed by the server, reset, ...)
    virtual std::string receive(std::string& into, std::chrono::milliseconds timeout) noexcept = 0;
};

// a "host:port" target as the configuration holds it
struct target_address {
    std::string host;                    // as written; an ipv6 address without brackets
    std::uint16_t port = 0;
    std::string text;                    // "host:port" as written, for messages

    bool operator==(const target_address&) const = default;
};
target_address parse_target(const std::string& text);

// connects within the timeout, trying each address of the host; throws
// std::runtime_error saying why not ("connection refused", "no such host")
std::unique_ptr<connection> connect_tcp(const target_address& target, std::chrono::milliseconds timeout);

// tls over tcp (RFC 5425): the handshake within the timeout, then the server's
// chain and name checked by slotlog itself (tls.verify false: neither). throws
// std::runtime_error naming the reason: an unknown CA, a wrong name, an
// expired certificate, a client certificate that cannot be used
// (posix/tls_connection_posix.cpp: openssl; windows/tls_connection_windows.cpp: schannel)
std::unique_ptr<connection> connect_tls(const target_address& target, const tls_config& tls,
                                        std::chrono::milliseconds timeout);

} // namespace slotlog
