#pragma once

// schannel's side of a tls connection: its credentials and context as owned
// handles, the handshake and the closing alert over a non-blocking socket,
// each kept to a deadline. the records of the session are tls_connection's

#include <winsock2.h>
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#include <windows.h>
#include <security.h>
#include <wincrypt.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace slotlog::schannel {

using steady = std::chrono::steady_clock;

// why a session ends when the server ends it (a tcp close or a close_notify)
inline constexpr const char* server_closed = "the server closed the connection";

// client credentials for tls 1.2 that never check the server (slotlog does,
// server_check_windows) and offer only `client` (may be null) as our certificate
class credentials {
public:
    explicit credentials(PCCERT_CONTEXT client);  // throws std::runtime_error
    ~credentials();
    credentials(const credentials&) = delete;
    credentials& operator=(const credentials&) = delete;
    CredHandle* get() noexcept { return &handle_; }
private:
    CredHandle handle_{};
};

// a security context, deleted with its owner
class context {
public:
    context() = default;
    ~context();
    context(const context&) = delete;
    context& operator=(const context&) = delete;
    CtxtHandle* get() noexcept { return &handle_; }
    bool valid() const noexcept { return valid_; }
    void set_valid() noexcept { valid_ = true; }
private:
    CtxtHandle handle_{};
    bool valid_ = false;
};

// the server said nothing, or not enough, by the deadline
struct handshake_timeout : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// the handshake, by the deadline; `held` gets what the server sent after it
// (records of the session). throws std::runtime_error saying why it failed
// (handshake_timeout for the deadline)
void handshake(SOCKET s, credentials& cred, context& ctx, const std::wstring& server_name,
               steady::time_point deadline, std::string& held);

// our close_notify, sent if the socket takes it by the deadline; never throws
void send_close_notify(SOCKET s, credentials& cred, context& ctx, steady::time_point deadline) noexcept;

// all of `data` onto the socket by the deadline: "" or why not
std::string send_bytes(SOCKET s, const char* data, std::size_t size, steady::time_point deadline) noexcept;

// what the socket holds, appended to `held`, waiting for it until the
// deadline: 1 something came, 0 nothing in time, -1 closed or failed (`why`)
int receive_bytes(SOCKET s, std::string& held, steady::time_point deadline, std::string& why) noexcept;

} // namespace slotlog::schannel
