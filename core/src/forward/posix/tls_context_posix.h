#pragma once

// the openssl context of a forward output's tls: tls 1.2 or later, the CAs the
// server's chain is checked against, the client certificate. made for each
// connection (they are rare): a renewed certificate or CA file is used at the
// next connection, with no restart

#include <memory>

#include <slotlog/config.h>

#include "forward/posix/openssl_posix.h"

namespace slotlog {

struct ssl_ctx_free {
    void operator()(SSL_CTX* ctx) const noexcept;
};
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ssl_ctx_free>;

// throws std::runtime_error naming the file and what is wrong with it ("cannot
// use tls.key_file /etc/x.key: it is encrypted, ...", "the client certificate and key do not match")
ssl_ctx_ptr make_tls_context(const openssl::api& ssl, const tls_config& tls);

} // namespace slotlog
