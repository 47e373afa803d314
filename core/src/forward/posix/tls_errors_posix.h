#pragma once

// why a tls connection failed, in words a user can act on: openssl's own
// text, and what it means here (which file, which name, which date)

#include <string>
#include <string_view>
#include <vector>

namespace slotlog {

// what the connection was told to expect, for the messages
struct tls_expectation {
    std::string_view ca_file;            // "": the system's trusted CAs
    std::string_view server_name;        // the name the server's certificate must carry
    bool client_certificate = false;     // tls.cert_file given
    bool certificate_requested = false;  // the server asked for one in the handshake, and has said nothing since
};

// the first check of the server's chain that failed, as openssl's verify callback saw it
struct verify_failure {
    long code = 0;                       // X509_V_ERR_*; 0: none
    std::string text;                    // X509_verify_cert_error_string(code)
    int depth = 0;                       // 0: the server's own certificate; 1 and up: its CAs
    std::string subject;                 // the failing certificate's common name
    std::string issuer;                  // the common name of its issuer
    std::vector<std::string> names;      // its dns and ip subject alternative names
    std::string not_before, not_after;   // "2020-01-02 00:00:00 UTC"
};

// "certificate verify failed: unable to get local issuer certificate (the
// server's certificate is not signed by a CA in ca.pem; its issuer is "Other CA")"
std::string describe_verify_failure(const verify_failure& f, const tls_expectation& e);

// an error of openssl's ssl library (ERR_LIB_SSL) by its reason code: an alert
// the server sent (SSL_AD_REASON_OFFSET + the alert), a server that speaks no
// tls, ... `text` is openssl's reason string
std::string describe_ssl_error(int reason, std::string_view text, const tls_expectation& e);

// the server ended the connection (`how`: "the server closed the connection (Broken
// pipe)"): a server that wants a client certificate it did not get often closes
// without an alert, so the request it made is named
std::string describe_close(std::string_view how, const tls_expectation& e);

} // namespace slotlog
