#include "forward/posix/tls_context_posix.h"

#include <stdexcept>
#include <string>

#include <slotlog/detail/utf8.h>

namespace slotlog {

namespace {

// set while this thread loads a key: openssl asks for a passphrase through this
thread_local bool passphrase_asked = false;

// never a prompt on a terminal (openssl's default): a collector has no one to type
int no_passphrase(char*, int, int, void*) {
    passphrase_asked = true;
    return 0;
}

[[noreturn]] void cannot_use(const openssl::api& ssl, const char* key, const std::filesystem::path& file,
                             std::string why = {}) {
    const auto e = openssl::take_error(ssl);
    if (why.empty()) why = e.text.empty() ? "openssl gives no reason" : e.text;
    throw std::runtime_error("cannot use tls." + std::string(key) + " " + detail::path_to_utf8(file) + ": " + why);
}

bool is_mismatch(unsigned long code) {
    const auto reason = ERR_GET_REASON(code);
    return ERR_GET_LIB(code) == ERR_LIB_X509 &&
           (reason == X509_R_KEY_VALUES_MISMATCH || reason == X509_R_KEY_TYPE_MISMATCH);
}

[[noreturn]] void mismatch(const tls_config& tls) {
    openssl::library().err_clear_error();
    throw std::runtime_error("the client certificate and key do not match (tls.cert_file " +
                             detail::path_to_utf8(tls.cert_file) + ", tls.key_file " +
                             detail::path_to_utf8(tls.key_file) + ")");
}

} // namespace

void ssl_ctx_free::operator()(SSL_CTX* ctx) const noexcept {
    // the library is loaded: a context exists
    openssl::library().ssl_ctx_free(ctx);
}

ssl_ctx_ptr make_tls_context(const openssl::api& ssl, const tls_config& tls) {
    ssl.err_clear_error();
    ssl_ctx_ptr ctx(ssl.ssl_ctx_new(ssl.tls_client_method()));
    if (!ctx) throw std::runtime_error("cannot make a tls context: " + openssl::take_error(ssl).text);
    // SSL_CTX_set_min_proto_version and SSL_CTX_set_mode are macros over SSL_CTX_ctrl
    if (ssl.ssl_ctx_ctrl(ctx.get(), SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, nullptr) != 1) {
        throw std::runtime_error("cannot ask for tls 1.2 or later: " + openssl::take_error(ssl).text);
    }
    // a write that waits for the socket goes on with what is left of the data
    ssl.ssl_ctx_ctrl(ctx.get(), SSL_CTRL_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
                     nullptr);

    if (tls.verify) {
        if (!tls.ca_file.empty()) {
            if (ssl.ssl_ctx_load_verify_locations(ctx.get(), tls.ca_file.c_str(), nullptr) != 1) {
                cannot_use(ssl, "ca_file", tls.ca_file);
            }
        } else if (ssl.ssl_ctx_set_default_verify_paths(ctx.get()) != 1) {
            throw std::runtime_error("cannot load the system's trusted CAs: " + openssl::take_error(ssl).text +
                                     "; tls.ca_file can name the CA");
        }
    }

    if (!tls.cert_file.empty()) {
        ssl.ssl_ctx_set_default_passwd_cb(ctx.get(), no_passphrase);
        if (ssl.ssl_ctx_use_certificate_chain_file(ctx.get(), tls.cert_file.c_str()) != 1) {
            cannot_use(ssl, "cert_file", tls.cert_file);
        }
        passphrase_asked = false;
        // openssl checks the key against the certificate as it loads it, and again here
        if (ssl.ssl_ctx_use_private_key_file(ctx.get(), tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            if (passphrase_asked) {
                cannot_use(ssl, "key_file", tls.key_file, "it is encrypted; slotlog needs a key without a passphrase");
            }
            const auto e = openssl::take_error(ssl);
            if (!is_mismatch(e.code)) cannot_use(ssl, "key_file", tls.key_file, e.text);
            mismatch(tls);
        }
        if (ssl.ssl_ctx_check_private_key(ctx.get()) != 1) mismatch(tls);
    }
    return ctx;
}

} // namespace slotlog
