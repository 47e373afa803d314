#include "forward/posix/tls_errors_posix.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace slotlog {

namespace {

// a certificate for a whole site can carry hundreds of names: a few say enough
constexpr std::size_t names_shown = 6;

// not named quoted: std::quoted would win the call for a std::string argument
std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string certificate_names(const verify_failure& f) {
    std::string out;
    const auto& names = f.names.empty() && !f.subject.empty() ? std::vector<std::string>{f.subject} : f.names;
    for (std::size_t i = 0; i < names.size() && i < names_shown; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > names_shown) out += ", ...";
    return out;
}

// whose certificate failed: the server's own, or one of the CAs above it
std::string whose(const verify_failure& f) {
    if (f.depth == 0) return "the server's certificate";
    return f.subject.empty() ? "a CA certificate of the server's chain" : "the CA certificate " + in_quotes(f.subject);
}

std::string untrusted(const verify_failure& f, const tls_expectation& e) {
    const bool system = e.ca_file.empty();
    if (f.depth == 0) {
        std::string s = system ? "the server's certificate is not signed by a CA this system trusts"
                               : "the server's certificate is not signed by a CA in " + std::string(e.ca_file);
        if (!f.issuer.empty()) s += ": its issuer is " + in_quotes(f.issuer);
        if (system) s += "; tls.ca_file can name the CA";
        return s;
    }
    // the chain went up to a CA that is not trusted: name where it ended
    const bool self_signed = f.code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
    const auto& top = self_signed ? f.subject : f.issuer;
    std::string s = "the server's chain ends at " + (top.empty() ? std::string("a CA") : in_quotes(top));
    return s + (system ? ", which this system does not trust; tls.ca_file can name the CA"
                       : ", which is not a CA in " + std::string(e.ca_file));
}

std::string alert_name(std::string_view text) {
    // openssl's "sslv3 alert bad certificate", "tlsv13 alert certificate required",
    // "tlsv1 unrecognized name": the alert's name without the protocol
    for (const std::string_view prefix : {"sslv3 ", "tlsv1 ", "tlsv13 ", "alert "}) {
        if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
    }
    return std::string(text);
}

std::string describe_alert(int alert, std::string_view text, const tls_expectation& e) {
    const auto said = " (alert: " + alert_name(text) + ")";
    switch (alert) {
    case SSL3_AD_BAD_CERTIFICATE:
    case SSL3_AD_UNSUPPORTED_CERTIFICATE:
    case SSL3_AD_CERTIFICATE_REVOKED:
    case SSL3_AD_CERTIFICATE_EXPIRED:
    case SSL3_AD_CERTIFICATE_UNKNOWN:
    case TLS1_AD_UNKNOWN_CA:
    case TLS1_AD_ACCESS_DENIED:
    case TLS13_AD_CERTIFICATE_REQUIRED: {
        if (!e.client_certificate) {
            return "the server requires a client certificate" + said + "; tls.cert_file and tls.key_file give one";
        }
        std::string why;
        if (alert == SSL3_AD_CERTIFICATE_EXPIRED) why = ": it has expired";
        if (alert == SSL3_AD_CERTIFICATE_REVOKED) why = ": it was revoked";
        if (alert == TLS1_AD_UNKNOWN_CA) why = ": the server does not trust its CA";
        if (alert == TLS1_AD_ACCESS_DENIED) why = ": its name is not one the server permits";
        return "the server refused the client certificate" + why + said;
    }
    case SSL3_AD_HANDSHAKE_FAILURE:
        return "the server refused the handshake" + said +
               (e.client_certificate ? ": no cipher in common, or the client certificate is not accepted"
                                     : ": no cipher in common, or it requires a client certificate "
                                       "(tls.cert_file and tls.key_file)");
    case TLS1_AD_PROTOCOL_VERSION:
        return "the server does not accept tls 1.2 or later" + said;
    case TLS1_AD_UNRECOGNIZED_NAME:
        return "the server does not know the name " + std::string(e.server_name) + said +
               "; tls.server_name sets the name asked for";
    default:
        return "the server ended the tls session" + said;
    }
}

} // namespace

std::string describe_verify_failure(const verify_failure& f, const tls_expectation& e) {
    std::string s = "certificate verify failed: " + (f.text.empty() ? "error " + std::to_string(f.code) : f.text);
    switch (f.code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return s + " (" + untrusted(f, e) + ")";
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: {
        const auto names = certificate_names(f);
        return s + (names.empty() ? " (the certificate is not for " + std::string(e.server_name) + ")"
                                  : " (the certificate is for " + names + ", not " + std::string(e.server_name) + ")") +
               "; tls.server_name sets the name expected";
    }
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return f.not_after.empty() ? s + " (" + whose(f) + ")"
                                   : s + " (" + whose(f) + " expired on " + f.not_after + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return f.not_before.empty() ? s + " (" + whose(f) + ")"
                                    : s + " (" + whose(f) + " is valid from " + f.not_before +
                                          ": is this machine's clock right?)";
    default:
        return f.depth == 0 ? s : s + " (" + whose(f) + ")";
    }
}

std::string describe_ssl_error(int reason, std::string_view text, const tls_expectation& e) {
    if (reason > SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
        return describe_alert(reason - SSL_AD_REASON_OFFSET, text, e);
    }
    switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
        return "the server does not answer in tls (" + std::string(text) + "): does it expect plain tcp on this port?";
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
        return "the server offers no tls 1.2 or later (" + std::string(text) + ")";
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
        return describe_close("the server closed the connection", e);
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
        return "certificate verify failed";
    default:
        return "tls error: " + std::string(text);
    }
}

std::string describe_close(std::string_view how, const tls_expectation& e) {
    if (!e.certificate_requested || e.client_certificate) return std::string(how);
    return std::string(how) + " after it asked for a client certificate; tls.cert_file and tls.key_file give one";
}

} // namespace slotlog
