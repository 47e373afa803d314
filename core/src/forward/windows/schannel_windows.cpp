#include "forward/windows/schannel_windows.h"

#include <schannel.h>

#include <stdexcept>

#include "forward/windows/socket_windows.h"
#include "forward/windows/status_text_windows.h"

namespace slotlog::schannel {

namespace {

using windows_socket::socket_error;
using windows_socket::wait_for;

// a stream, checked for replays and order, with schannel's buffers; the
// server's certificate left to us; our certificate only the one we give
constexpr DWORD wanted = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                         ISC_REQ_EXTENDED_ERROR | ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM |
                         ISC_REQ_MANUAL_CRED_VALIDATION | ISC_REQ_USE_SUPPLIED_CREDS;

// the output buffers of one InitializeSecurityContextW call, freed with it
struct out_tokens {
    SecBuffer buffers[2]{{0, SECBUFFER_TOKEN, nullptr}, {0, SECBUFFER_ALERT, nullptr}};
    SecBufferDesc desc{SECBUFFER_VERSION, 2, buffers};
    out_tokens() = default;
    out_tokens(const out_tokens&) = delete;
    out_tokens& operator=(const out_tokens&) = delete;
    ~out_tokens() {
        for (auto& b : buffers) {
            if (b.pvBuffer) ::FreeContextBuffer(b.pvBuffer);
        }
    }
    const SecBuffer& token() const noexcept { return buffers[0]; }
};

} // namespace

credentials::credentials(PCCERT_CONTEXT client) {
    SCHANNEL_CRED cred{};
    cred.dwVersion = SCHANNEL_CRED_VERSION;
    cred.grbitEnabledProtocols = SP_PROT_TLS1_2_CLIENT;
    cred.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    if (client) {
        cred.cCreds = 1;
        cred.paCred = &client;
    }
    TimeStamp expiry{};
    wchar_t package[] = UNISP_NAME_W;
    const SECURITY_STATUS st = ::AcquireCredentialsHandleW(nullptr, package, SECPKG_CRED_OUTBOUND, nullptr, &cred,
                                                           nullptr, nullptr, &handle_, &expiry);
    if (st != SEC_E_OK) {
        throw std::runtime_error(std::string(client ? "schannel cannot use the client certificate: "
                                                    : "schannel cannot be used: ") +
                                 status_text(static_cast<unsigned long>(st)));
    }
}

credentials::~credentials() { ::FreeCredentialsHandle(&handle_); }

context::~context() {
    if (valid_) ::DeleteSecurityContext(&handle_);
}

std::string send_bytes(SOCKET s, const char* data, std::size_t size, steady::time_point deadline) noexcept {
    while (size > 0) {
        const int chunk = static_cast<int>(std::min<std::size_t>(size, 1u << 20));
        const int n = ::send(s, data, chunk, 0);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
            continue;
        }
        const int err = ::WSAGetLastError();
        if (n < 0 && err != WSAEWOULDBLOCK) return socket_error(err);
        const int rc = wait_for(s, POLLWRNORM, deadline);
        if (rc == 0) return "the server took nothing in time";
        if (rc < 0) return socket_error(::WSAGetLastError());
    }
    return {};
}

int receive_bytes(SOCKET s, std::string& held, steady::time_point deadline, std::string& why) noexcept {
    const int rc = wait_for(s, POLLRDNORM, deadline);
    if (rc == 0) return 0;
    if (rc < 0) {
        why = socket_error(::WSAGetLastError());
        return -1;
    }
    char buffer[16384 + 512];
    const int n = ::recv(s, buffer, sizeof buffer, 0);
    if (n > 0) {
        try {
            held.append(buffer, static_cast<std::size_t>(n));
        } catch (...) {
            why = "out of memory";
            return -1;
        }
        return 1;
    }
    if (n == 0) {
        why = server_closed;
        return -1;
    }
    const int err = ::WSAGetLastError();
    if (err == WSAEWOULDBLOCK) return 1;  // woken for nothing: the caller looks again
    why = socket_error(err);
    return -1;
}

// the server's next handshake bytes, appended to `held`; throws why not
void read_handshake(SOCKET s, std::string& held, steady::time_point deadline) {
    std::string why;
    const int rc = receive_bytes(s, held, deadline, why);
    if (rc == 0) throw handshake_timeout("the tls handshake did not finish in time");
    if (rc < 0 && why == server_closed) throw std::runtime_error("the server closed the connection during the tls handshake");
    if (rc < 0) throw std::runtime_error("tls handshake: " + why);
}

void handshake(SOCKET s, credentials& cred, context& ctx, const std::wstring& server_name,
               steady::time_point deadline, std::string& held) {
    std::wstring name = server_name;  // schannel's signature wants it writable
    bool read_first = false;
    int incomplete_credentials = 0;
    for (;;) {
        if (read_first) read_handshake(s, held, deadline);
        SecBuffer in[2]{{static_cast<unsigned long>(held.size()), SECBUFFER_TOKEN, held.data()},
                        {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc in_desc{SECBUFFER_VERSION, 2, in};
        out_tokens out;
        unsigned long got = 0;
        const bool first = !ctx.valid();
        const SECURITY_STATUS st = ::InitializeSecurityContextW(
            cred.get(), first ? nullptr : ctx.get(), name.data(), wanted, 0, 0, first ? nullptr : &in_desc, 0,
            first ? ctx.get() : nullptr, &out.desc, &got, nullptr);
        if (first && (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED || st == SEC_I_INCOMPLETE_CREDENTIALS ||
                      st == SEC_E_INCOMPLETE_MESSAGE))
            ctx.set_valid();

        if (st == SEC_E_INCOMPLETE_MESSAGE) {
            read_first = true;
            continue;
        }
        // our next flight, or the alert that tells the server why we stop
        if (out.token().cbBuffer > 0 && out.token().pvBuffer) {
            const auto why = send_bytes(s, static_cast<const char*>(out.token().pvBuffer), out.token().cbBuffer,
                                        deadline);
            if (!why.empty() && !FAILED(st)) throw std::runtime_error("tls handshake: " + why);
        }
        if (st == SEC_I_INCOMPLETE_CREDENTIALS) {
            // the server asks for a certificate we do not have: once more with
            // the same input goes on without one (the server may still accept)
            if (++incomplete_credentials > 1) {
                throw std::runtime_error(
                    "the server asks for a client certificate: give cert_thumbprint or cert_subject");
            }
            read_first = false;
            continue;
        }
        if (FAILED(st)) {
            throw std::runtime_error("the tls handshake failed: " + status_text(static_cast<unsigned long>(st)));
        }
        // what schannel did not take belongs to the next step
        if (in[1].BufferType == SECBUFFER_EXTRA && in[1].cbBuffer > 0 && in[1].cbBuffer <= held.size()) {
            held.erase(0, held.size() - in[1].cbBuffer);
        } else if (!first) {
            held.clear();
        }
        if (st == SEC_E_OK) return;
        if (st != SEC_I_CONTINUE_NEEDED) {
            throw std::runtime_error("the tls handshake stopped: " + status_text(static_cast<unsigned long>(st)));
        }
        read_first = held.empty();
    }
}

void send_close_notify(SOCKET s, credentials& cred, context& ctx, steady::time_point deadline) noexcept {
    if (!ctx.valid()) return;
    DWORD type = SCHANNEL_SHUTDOWN;
    SecBuffer control{sizeof type, SECBUFFER_TOKEN, &type};
    SecBufferDesc control_desc{SECBUFFER_VERSION, 1, &control};
    if (::ApplyControlToken(ctx.get(), &control_desc) != SEC_E_OK) return;
    out_tokens out;
    unsigned long got = 0;
    const SECURITY_STATUS st = ::InitializeSecurityContextW(cred.get(), ctx.get(), nullptr, wanted, 0, 0, nullptr, 0,
                                                            nullptr, &out.desc, &got, nullptr);
    if (FAILED(st) || out.token().cbBuffer == 0 || !out.token().pvBuffer) return;
    send_bytes(s, static_cast<const char*>(out.token().pvBuffer), out.token().cbBuffer, deadline);
}

} // namespace slotlog::schannel
