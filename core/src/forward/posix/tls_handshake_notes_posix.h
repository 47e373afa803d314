#pragma once

// what openssl's callbacks saw during a handshake, for a message that names the
// certificate (its issuer, its names, its dates) or the client certificate the
// server asked for. openssl calls back on the thread that runs the handshake

#include "forward/posix/openssl_posix.h"
#include "forward/posix/tls_errors_posix.h"

namespace slotlog {

struct handshake_notes {
    verify_failure failure;              // the first failed check of the server's chain
    bool certificate_requested = false;  // the server asked for a client certificate, and there was none
};

// while it lives, the handshakes of this thread write their notes into `into`
class handshake_capture {
public:
    explicit handshake_capture(handshake_notes& into) noexcept;
    ~handshake_capture();
    handshake_capture(const handshake_capture&) = delete;
    handshake_capture& operator=(const handshake_capture&) = delete;

private:
    handshake_notes* previous_;
};

// SSL_CTX_set_verify's callback: openssl's verdict unchanged, the first failure noted
int note_verify_result(int ok, X509_STORE_CTX* store);

// SSL_CTX_set_client_cert_cb's callback, without a client certificate: noted, and none sent
int note_certificate_request(SSL* s, X509** cert, EVP_PKEY** key);

} // namespace slotlog
