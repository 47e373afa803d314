// tls to a log server on posix: openssl over the non-blocking socket, each
// step waited on with poll until its deadline (RFC 5425; RELP over TLS)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <slotlog/detail/utf8.h>

#include "forward/connection.h"
#include "forward/posix/openssl_posix.h"
#include "forward/posix/socket_posix.h"
#include "forward/posix/tls_context_posix.h"
#include "forward/posix/tls_errors_posix.h"
#include "forward/posix/tls_handshake_notes_posix.h"

namespace slotlog {

namespace {

using namespace std::chrono_literals;
using posix_socket::steady;
using posix_socket::wait_for;

constexpr auto close_wait = 500ms;       // for our close_notify to leave
constexpr int reads_per_receive = 64;    // then the caller gets its turn

// openssl writes with write(2), which raises SIGPIPE on a connection the server
// closed. slotlogd ignores the signal, but the core does not count on it: for
// the call the signal is held back on this thread, and taken away if it came
class sigpipe_guard {
public:
    sigpipe_guard() noexcept {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
        sigset_t pending;
        sigemptyset(&pending);
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    }
    ~sigpipe_guard() {
        const timespec now{};
        while (!was_pending_) {
            const int sig = sigtimedwait(&pipe_, nullptr, &now);
            if (sig < 0 && errno != EINTR) break;
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;

private:
    sigset_t pipe_{}, old_{};
    bool was_pending_ = false;
};

bool is_ip_address(const std::string& name) {
    in6_addr a{};
    return ::inet_pton(AF_INET, name.c_str(), &a) == 1 || ::inet_pton(AF_INET6, name.c_str(), &a) == 1;
}

// what the configuration and the server said, for the messages
struct peer {
    std::string ca_file;
    std::string server_name;
    bool client_certificate = false;
    bool certificate_requested = false;  // until the server sends something after the handshake

    tls_expectation expectation() const { return {ca_file, server_name, client_certificate, certificate_requested}; }
};

// what an SSL_* call that did not finish means: wait for the socket, or the reason it failed
enum class step { again, timed_out, failed };

class tls_session {
public:
    tls_session(const openssl::api& ssl, int fd, SSL* s, peer p) : ssl_(ssl), fd_(fd), s_(s), peer_(std::move(p)) {}
    ~tls_session() {
        ssl_.ssl_free(s_);
        ::close(fd_);
    }
    tls_session(const tls_session&) = delete;
    tls_session& operator=(const tls_session&) = delete;

    // rc: what SSL_connect, SSL_read, SSL_write or SSL_shutdown returned (<= 0);
    // err: errno right after it
    step settle(int rc, int err, steady::time_point deadline, std::string& why) noexcept {
        const int e = ssl_.ssl_get_error(s_, rc);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            const int ready = wait_for(fd_, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
            if (ready > 0) return step::again;
            if (ready == 0) return step::timed_out;
            why = std::strerror(errno);
            return step::failed;
        }
        why = failure(e, err);
        return step::failed;
    }

    // a reason for a call that failed (SSL_get_error's `e`); the error queue emptied
    std::string failure(int e, int err) noexcept {
        try {
            const auto queued = openssl::take_error(ssl_);
            const auto expected = peer_.expectation();
            if (e == SSL_ERROR_ZERO_RETURN) return describe_close("the server closed the tls session", expected);
            if (e == SSL_ERROR_SSL && queued.code != 0) {
                if (ERR_GET_LIB(queued.code) == ERR_LIB_SSL) {
                    return describe_ssl_error(ERR_GET_REASON(queued.code), queued.text, expected);
                }
                return "tls error: " + queued.text;
            }
            if (e == SSL_ERROR_SYSCALL && (err == ECONNRESET || err == EPIPE)) {
                return describe_close("the server closed the connection (" + std::string(std::strerror(err)) + ")",
                                      expected);
            }
            if (e == SSL_ERROR_SYSCALL && err != 0) return std::strerror(err);
            if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_SSL) {
                return describe_close("the server closed the connection", expected);
            }
            return "tls error " + std::to_string(e);
        } catch (...) {
            return "out of memory";
        }
    }

    const openssl::api& ssl_;
    const int fd_;
    SSL* const s_;
    peer peer_;
};

class tls_connection final : public connection {
public:
    explicit tls_connection(std::unique_ptr<tls_session> s) : s_(std::move(s)) {}

    // a clean close: our close_notify, within a short wait; the server's is not awaited
    ~tls_connection() override {
        if (broken_) return;
        const sigpipe_guard guard;
        const auto deadline = steady::now() + close_wait;
        std::string why;
        for (;;) {
            s_->ssl_.err_clear_error();
            errno = 0;
            const int rc = s_->ssl_.ssl_shutdown(s_->s_);
            if (rc >= 0) break;
            if (s_->settle(rc, errno, deadline, why) != step::again) break;
        }
        s_->ssl_.err_clear_error();
    }

    std::string send_all(std::string_view data, std::chrono::milliseconds timeout) noexcept override {
        if (broken_) return "the connection failed before";
        const sigpipe_guard guard;
        const auto deadline = steady::now() + timeout;
        while (!data.empty()) {
            s_->ssl_.err_clear_error();
            errno = 0;
            const auto size = static_cast<int>(std::min<std::size_t>(data.size(), INT_MAX));
            const int n = s_->ssl_.ssl_write(s_->s_, data.data(), size);
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            std::string why;
            const auto next = s_->settle(n, errno, deadline, why);
            if (next == step::again) continue;
            broken_ = true;
            return next == step::timed_out ? "the server took nothing for " + std::to_string(timeout.count()) + " ms"
                                           : why;
        }
        return {};
    }

    std::string receive(std::string& into, std::chrono::milliseconds timeout) noexcept override {
        if (broken_) return "the connection failed before";
        const sigpipe_guard guard;
        const auto deadline = steady::now() + timeout;
        char buffer[16384];
        bool got = false;
        for (int reads = 0; reads < reads_per_receive;) {
            s_->ssl_.err_clear_error();
            errno = 0;
            const int n = s_->ssl_.ssl_read(s_->s_, buffer, sizeof buffer);
            if (n > 0) {
                try {
                    into.append(buffer, static_cast<std::size_t>(n));
                } catch (...) {
                    broken_ = true;
                    return "out of memory";
                }
                got = true;
                ++reads;
                s_->peer_.certificate_requested = false;  // it took us as we are
                continue;
            }
            // what arrived is enough: the caller does not wait for more
            const int err = errno;
            const int e = s_->ssl_.ssl_get_error(s_->s_, n);
            if (got && e == SSL_ERROR_WANT_READ) return {};
            std::string why;
            const auto next = s_->settle(n, err, deadline, why);
            if (next == step::again) continue;
            if (next == step::timed_out) return {};  // nothing in time: not an error
            broken_ = true;
            return why;
        }
        return {};
    }

private:
    std::unique_ptr<tls_session> s_;
    bool broken_ = false;                // no close_notify after a failure (openssl forbids it)
};

// the handshake by the deadline; throws naming why not
void handshake(tls_session& s, const tls_config& tls, steady::time_point deadline, std::chrono::milliseconds timeout) {
    const sigpipe_guard guard;
    handshake_notes notes;
    const handshake_capture capture(notes);
    auto& failed = notes.failure;
    for (;;) {
        s.ssl_.err_clear_error();
        errno = 0;
        const int rc = s.ssl_.ssl_connect(s.s_);
        s.peer_.certificate_requested = notes.certificate_requested;
        if (rc == 1) return;
        std::string why;
        const auto next = s.settle(rc, errno, deadline, why);
        if (next == step::again) continue;
        if (next == step::timed_out) {
            throw std::runtime_error("no tls handshake within " + std::to_string(timeout.count()) +
                                     " ms: does the server expect tls on this port?");
        }
        if (tls.verify && failed.code == 0) failed.code = s.ssl_.ssl_get_verify_result(s.s_);
        if (tls.verify && failed.code != X509_V_OK) {
            if (failed.text.empty()) failed.text = s.ssl_.x509_verify_cert_error_string(failed.code);
            throw std::runtime_error(describe_verify_failure(failed, s.peer_.expectation()));
        }
        throw std::runtime_error(why);
    }
}

} // namespace

std::unique_ptr<connection> connect_tls(const target_address& target, const tls_config& tls,
                                        std::chrono::milliseconds timeout) {
    const auto deadline = steady::now() + timeout;
    const auto& ssl = openssl::library();
    // the files first: a mistake in them needs no server to be found
    const auto ctx = make_tls_context(ssl, tls);
    if (tls.verify) ssl.ssl_ctx_set_verify(ctx.get(), SSL_VERIFY_PEER, note_verify_result);
    if (tls.cert_file.empty()) ssl.ssl_ctx_set_client_cert_cb(ctx.get(), note_certificate_request);

    peer p;
    p.ca_file = detail::path_to_utf8(tls.ca_file);
    p.server_name = tls.server_name.empty() ? target.host : tls.server_name;
    p.client_certificate = !tls.cert_file.empty();

    const int fd = posix_socket::connect_socket(target, deadline);
    SSL* s = ssl.ssl_new(ctx.get());
    if (!s) {
        ::close(fd);
        throw std::runtime_error("cannot start tls: " + openssl::take_error(ssl).text);
    }
    std::unique_ptr<tls_session> session;
    try {
        session = std::make_unique<tls_session>(ssl, fd, s, std::move(p));
    } catch (...) {
        ssl.ssl_free(s);
        ::close(fd);
        throw;
    }
    const auto& name = session->peer_.server_name;
    const bool ip = is_ip_address(name);
    bool set = ssl.ssl_set_fd(s, fd) == 1;
    // SSL_set_tlsext_host_name is a macro over SSL_ctrl; no server name indication for an address (RFC 6066)
    if (set && !ip) set = ssl.ssl_ctrl(s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                        const_cast<char*>(name.c_str())) == 1;
    if (set && tls.verify && ip) set = ssl.x509_verify_param_set1_ip_asc(ssl.ssl_get0_param(s), name.c_str()) == 1;
    if (set && tls.verify && !ip) {
        ssl.ssl_set_hostflags(s, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        set = ssl.ssl_set1_host(s, name.c_str()) == 1;
    }
    if (!set) throw std::runtime_error("cannot start tls for " + name + ": " + openssl::take_error(ssl).text);
    handshake(*session, tls, deadline, timeout);
    return std::make_unique<tls_connection>(std::move(session));
}

} // namespace slotlog
