#include "forward/posix/tls_handshake_notes_posix.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <ctime>

#include <fmt/format.h>

namespace slotlog {

namespace {

thread_local handshake_notes* capture = nullptr;

std::string common_name(const openssl::api& ssl, X509_NAME* name) {
    char buffer[256];
    const int n = name ? ssl.x509_name_get_text_by_nid(name, NID_commonName, buffer, sizeof buffer) : -1;
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

std::string text_of(const openssl::api& ssl, const ASN1_STRING* s) {
    const auto* data = ssl.asn1_string_get0_data(s);
    const int n = ssl.asn1_string_length(s);
    if (!data || n <= 0) return {};
    return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
}

std::string address_of(const openssl::api& ssl, const ASN1_OCTET_STRING* s) {
    const auto bytes = text_of(ssl, s);
    char text[INET6_ADDRSTRLEN] = {};
    const int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : 0;
    if (family == 0 || !::inet_ntop(family, bytes.data(), text, sizeof text)) return {};
    return text;
}

// the dns names and ip addresses the certificate is for
std::vector<std::string> alternative_names(const openssl::api& ssl, X509* cert) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(ssl.x509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return out;
    const auto* stack = reinterpret_cast<const OPENSSL_STACK*>(names);
    for (int i = 0; i < ssl.sk_num(stack); ++i) {
        const auto* name = static_cast<const GENERAL_NAME*>(ssl.sk_value(stack, i));
        std::string text;
        if (name->type == GEN_DNS) text = text_of(ssl, name->d.dNSName);
        if (name->type == GEN_IPADD) text = address_of(ssl, name->d.iPAddress);
        if (!text.empty()) out.push_back(std::move(text));
    }
    ssl.general_names_free(names);
    return out;
}

std::string date_of(const openssl::api& ssl, const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ssl.asn1_time_to_tm(t, &tm) != 1) return {};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void note(verify_failure& f, X509_STORE_CTX* store) {
    const auto& ssl = openssl::library();
    f.code = ssl.x509_store_ctx_get_error(store);
    f.text = ssl.x509_verify_cert_error_string(f.code);
    f.depth = ssl.x509_store_ctx_get_error_depth(store);
    X509* cert = ssl.x509_store_ctx_get_current_cert(store);
    if (!cert) return;
    f.subject = common_name(ssl, ssl.x509_get_subject_name(cert));
    f.issuer = common_name(ssl, ssl.x509_get_issuer_name(cert));
    f.names = alternative_names(ssl, cert);
    f.not_before = date_of(ssl, ssl.x509_get0_not_before(cert));
    f.not_after = date_of(ssl, ssl.x509_get0_not_after(cert));
}

} // namespace

handshake_capture::handshake_capture(handshake_notes& into) noexcept : previous_(capture) { capture = &into; }

handshake_capture::~handshake_capture() { capture = previous_; }

int note_verify_result(int ok, X509_STORE_CTX* store) {
    if (ok || !capture || capture->failure.code != 0) return ok;
    // called from openssl's c code: nothing may leave here by an exception
    try {
        note(capture->failure, store);
    } catch (...) {
    }
    return ok;
}

int note_certificate_request(SSL*, X509**, EVP_PKEY**) {
    if (capture) capture->certificate_requested = true;
    return 0;
}

} // namespace slotlog
