// tls to a log server on windows, with schannel (RFC 5425; RELP over tls)
#include "forward/windows/schannel_windows.h"

#include <schannel.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

#include "forward/connection.h"
#include "forward/windows/cert_store_windows.h"
#include "forward/windows/server_check_windows.h"
#include "forward/windows/socket_windows.h"
#include "forward/windows/status_text_windows.h"
#include "windows/win_util.h"

namespace slotlog {

namespace {

using windows_socket::steady;

// how long a closing connection waits to hand the server its close_notify
constexpr std::chrono::milliseconds close_wait{500};

// records batched into one send
constexpr std::size_t send_batch = 64 * 1024;

// a socket closed unless handed on
class owned_socket {
public:
    explicit owned_socket(SOCKET s) : s_(s) {}
    ~owned_socket() {
        if (s_ != INVALID_SOCKET) ::closesocket(s_);
    }
    owned_socket(const owned_socket&) = delete;
    owned_socket& operator=(const owned_socket&) = delete;
    SOCKET get() const noexcept { return s_; }
    SOCKET release() noexcept { return std::exchange(s_, INVALID_SOCKET); }
private:
    SOCKET s_;
};

class tls_connection final : public connection {
public:
    tls_connection(SOCKET s, std::unique_ptr<schannel::credentials> cred, std::unique_ptr<schannel::context> ctx,
                   std::string held)
        : s_(s), cred_(std::move(cred)), ctx_(std::move(ctx)), held_(std::move(held)) {}

    ~tls_connection() override {
        // a clean end when the session is whole (the server's close_notify
        // answered too); never longer than close_wait
        if (broken_.empty() || said_goodbye_) schannel::send_close_notify(s_, *cred_, *ctx_, steady::now() + close_wait);
        ctx_.reset();
        cred_.reset();
        ::closesocket(s_);
    }

    // the record sizes of the session; throws when schannel has none
    void read_sizes() {
        const SECURITY_STATUS st = ::QueryContextAttributesW(ctx_->get(), SECPKG_ATTR_STREAM_SIZES, &sizes_);
        if (st != SEC_E_OK || sizes_.cbMaximumMessage == 0) {
            throw std::runtime_error("tls: no record sizes: " + status_text(static_cast<unsigned long>(st)));
        }
    }

    CtxtHandle& context() noexcept { return *ctx_->get(); }

    std::string send_all(std::string_view data, std::chrono::milliseconds timeout) noexcept override {
        if (!broken_.empty()) return broken_;
        const auto deadline = steady::now() + timeout;
        try {
            while (!data.empty()) {
                out_.clear();
                while (!data.empty() && out_.size() < send_batch) {
                    const std::size_t n = std::min<std::size_t>(data.size(), sizes_.cbMaximumMessage);
                    const auto why = encrypt_(data.substr(0, n));
                    if (!why.empty()) return fail_(why);
                    data.remove_prefix(n);
                }
                const auto why = schannel::send_bytes(s_, out_.data(), out_.size(), deadline);
                if (!why.empty()) {
                    // a record cut short cannot be finished later: the session is over
                    return fail_(steady::now() >= deadline
                                     ? "the server took nothing for " + std::to_string(timeout.count()) + " ms"
                                     : why);
                }
            }
        } catch (...) {
            return fail_("out of memory");
        }
        return {};
    }

    std::string receive(std::string& into, std::chrono::milliseconds timeout) noexcept override {
        if (!broken_.empty()) return broken_;
        const auto deadline = steady::now() + timeout;
        try {
            for (;;) {
                const std::size_t before = into.size();
                auto why = decrypt_held_(into);
                if (!why.empty()) return fail_(why);
                if (into.size() > before) return {};
                const int rc = schannel::receive_bytes(s_, held_, deadline, why);
                if (rc == 0) return {};
                if (rc < 0) return fail_(why);
            }
        } catch (...) {
            return fail_("out of memory");
        }
    }

private:
    std::string fail_(std::string why) noexcept {
        broken_ = why.empty() ? std::string("tls failed") : why;
        return broken_;
    }

    // one record of `plain` appended to out_
    std::string encrypt_(std::string_view plain) {
        const std::size_t at = out_.size();
        out_.resize(at + sizes_.cbHeader + plain.size() + sizes_.cbTrailer);
        char* header = out_.data() + at;
        char* body = header + sizes_.cbHeader;
        std::memcpy(body, plain.data(), plain.size());
        SecBuffer b[4]{{sizes_.cbHeader, SECBUFFER_STREAM_HEADER, header},
                       {static_cast<unsigned long>(plain.size()), SECBUFFER_DATA, body},
                       {sizes_.cbTrailer, SECBUFFER_STREAM_TRAILER, body + plain.size()},
                       {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc desc{SECBUFFER_VERSION, 4, b};
        const SECURITY_STATUS st = ::EncryptMessage(ctx_->get(), 0, &desc, 0);
        if (st != SEC_E_OK) return "tls: cannot encrypt: " + status_text(static_cast<unsigned long>(st));
        // the trailer may come out shorter than its most
        out_.resize(at + b[0].cbBuffer + b[1].cbBuffer + b[2].cbBuffer);
        return {};
    }

    // every whole record held, decrypted onto `into`; "" or why the session is over
    std::string decrypt_held_(std::string& into) {
        while (!held_.empty()) {
            SecBuffer b[4]{{static_cast<unsigned long>(held_.size()), SECBUFFER_DATA, held_.data()},
                           {0, SECBUFFER_EMPTY, nullptr},
                           {0, SECBUFFER_EMPTY, nullptr},
                           {0, SECBUFFER_EMPTY, nullptr}};
            SecBufferDesc desc{SECBUFFER_VERSION, 4, b};
            const SECURITY_STATUS st = ::DecryptMessage(ctx_->get(), &desc, 0, nullptr);
            if (st == SEC_E_INCOMPLETE_MESSAGE) return {};
            if (st == SEC_I_CONTEXT_EXPIRED) return goodbye_();
            if (st == SEC_I_RENEGOTIATE) return "the server asked to renegotiate tls, which slotlog does not do";
            if (st != SEC_E_OK) {
                return "tls: cannot decrypt what the server sent: " + status_text(static_cast<unsigned long>(st));
            }
            const SecBuffer* data = nullptr;
            const SecBuffer* extra = nullptr;
            for (const auto& x : b) {
                if (x.BufferType == SECBUFFER_DATA) data = &x;
                if (x.BufferType == SECBUFFER_EXTRA) extra = &x;
            }
            // windows says close_notify with SEC_I_CONTEXT_EXPIRED, wine with an empty record
            if (!data || data->cbBuffer == 0 || !data->pvBuffer) return goodbye_();
            into.append(static_cast<const char*>(data->pvBuffer), data->cbBuffer);
            const std::size_t rest = extra && extra->cbBuffer <= held_.size() ? extra->cbBuffer : 0;
            held_.erase(0, held_.size() - rest);
        }
        return {};
    }

    // the server's close_notify
    std::string goodbye_() {
        said_goodbye_ = true;
        return schannel::server_closed;
    }

    SOCKET s_;
    std::unique_ptr<schannel::credentials> cred_;
    std::unique_ptr<schannel::context> ctx_;
    std::string held_;           // received, not yet decrypted
    std::string out_;            // records on their way out
    SecPkgContext_StreamSizes sizes_{};
    std::string broken_;         // why the session is over; "" while it works
    bool said_goodbye_ = false;  // the server ended it with a close_notify
};

} // namespace

std::unique_ptr<connection> connect_tls(const target_address& target, const tls_config& tls,
                                        std::chrono::milliseconds timeout) {
    if (!tls.cert_file.empty() || !tls.key_file.empty()) {
        throw std::runtime_error("cert_file and key_file are not read on Windows: import the client certificate and "
                                 "its key into a certificate store and give cert_thumbprint or cert_subject");
    }
    // our own trouble (no such certificate) before any server is bothered
    const auto client = cert_store::find_client_certificate(tls);
    auto cred = std::make_unique<schannel::credentials>(client.get());

    const auto deadline = steady::now() + timeout;
    owned_socket s(windows_socket::connect_socket(target, deadline));
    auto ctx = std::make_unique<schannel::context>();
    const std::string name = tls.server_name.empty() ? target.host : tls.server_name;
    std::string held;
    try {
        schannel::handshake(s.get(), *cred, *ctx, widen(name), deadline, held);
    } catch (const schannel::handshake_timeout&) {
        throw std::runtime_error("no tls handshake within " + std::to_string(timeout.count()) +
                                 " ms: does the server expect tls on this port?");
    }

    auto conn = std::make_unique<tls_connection>(s.release(), std::move(cred), std::move(ctx), std::move(held));
    conn->read_sizes();
    if (tls.verify) check_server_certificate(conn->context(), tls, name);
    return conn;
}

} // namespace slotlog
