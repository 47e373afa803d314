#pragma once

// openssl's libssl (and the libcrypto it brings), opened on the first tls
// connection: most collectors never forward over tls, and the libraries mapped
// and relocated at start-up would cost every one of them resident memory

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace slotlog::openssl {

// the functions tls forwarding calls, with the types of openssl's own
// declarations; macros over SSL_ctrl and SSL_CTX_ctrl are called through those
struct api {
    // libssl
    decltype(&::TLS_client_method) tls_client_method = nullptr;
    decltype(&::SSL_CTX_new) ssl_ctx_new = nullptr;
    decltype(&::SSL_CTX_free) ssl_ctx_free = nullptr;
    decltype(&::SSL_CTX_ctrl) ssl_ctx_ctrl = nullptr;
    decltype(&::SSL_CTX_set_verify) ssl_ctx_set_verify = nullptr;
    decltype(&::SSL_CTX_set_default_passwd_cb) ssl_ctx_set_default_passwd_cb = nullptr;
    decltype(&::SSL_CTX_set_client_cert_cb) ssl_ctx_set_client_cert_cb = nullptr;
    decltype(&::SSL_CTX_load_verify_locations) ssl_ctx_load_verify_locations = nullptr;
    decltype(&::SSL_CTX_set_default_verify_paths) ssl_ctx_set_default_verify_paths = nullptr;
    decltype(&::SSL_CTX_use_certificate_chain_file) ssl_ctx_use_certificate_chain_file = nullptr;
    decltype(&::SSL_CTX_use_PrivateKey_file) ssl_ctx_use_private_key_file = nullptr;
    decltype(&::SSL_CTX_check_private_key) ssl_ctx_check_private_key = nullptr;
    decltype(&::SSL_new) ssl_new = nullptr;
    decltype(&::SSL_free) ssl_free = nullptr;
    decltype(&::SSL_set_fd) ssl_set_fd = nullptr;
    decltype(&::SSL_ctrl) ssl_ctrl = nullptr;
    decltype(&::SSL_set1_host) ssl_set1_host = nullptr;
    decltype(&::SSL_set_hostflags) ssl_set_hostflags = nullptr;
    decltype(&::SSL_get0_param) ssl_get0_param = nullptr;
    decltype(&::SSL_connect) ssl_connect = nullptr;
    decltype(&::SSL_read) ssl_read = nullptr;
    decltype(&::SSL_write) ssl_write = nullptr;
    decltype(&::SSL_shutdown) ssl_shutdown = nullptr;
    decltype(&::SSL_get_error) ssl_get_error = nullptr;
    decltype(&::SSL_get_verify_result) ssl_get_verify_result = nullptr;
    // libcrypto
    decltype(&::ERR_get_error) err_get_error = nullptr;
    decltype(&::ERR_clear_error) err_clear_error = nullptr;
    decltype(&::ERR_reason_error_string) err_reason_error_string = nullptr;
    decltype(&::X509_verify_cert_error_string) x509_verify_cert_error_string = nullptr;
    decltype(&::X509_VERIFY_PARAM_set1_ip_asc) x509_verify_param_set1_ip_asc = nullptr;
    decltype(&::X509_STORE_CTX_get_error) x509_store_ctx_get_error = nullptr;
    decltype(&::X509_STORE_CTX_get_error_depth) x509_store_ctx_get_error_depth = nullptr;
    decltype(&::X509_STORE_CTX_get_current_cert) x509_store_ctx_get_current_cert = nullptr;
    decltype(&::X509_get_subject_name) x509_get_subject_name = nullptr;
    decltype(&::X509_get_issuer_name) x509_get_issuer_name = nullptr;
    decltype(&::X509_NAME_get_text_by_NID) x509_name_get_text_by_nid = nullptr;
    decltype(&::X509_get_ext_d2i) x509_get_ext_d2i = nullptr;
    decltype(&::GENERAL_NAMES_free) general_names_free = nullptr;
    decltype(&::OPENSSL_sk_num) sk_num = nullptr;
    decltype(&::OPENSSL_sk_value) sk_value = nullptr;
    decltype(&::ASN1_STRING_get0_data) asn1_string_get0_data = nullptr;
    decltype(&::ASN1_STRING_length) asn1_string_length = nullptr;
    decltype(&::X509_get0_notBefore) x509_get0_not_before = nullptr;
    decltype(&::X509_get0_notAfter) x509_get0_not_after = nullptr;
    decltype(&::ASN1_TIME_to_tm) asn1_time_to_tm = nullptr;
};

// loaded once, by whichever thread comes first; throws std::runtime_error
// ("cannot load openssl's libssl (libssl.so.3): ..."), and then tries again next time
const api& library();

// the error openssl queued on this thread, the queue emptied: the first error
// of the ssl library if there is one (the cause; what follows is its context),
// else the first of any
struct error {
    unsigned long code = 0;              // 0: none
    std::string text;                    // the reason, "no certificate or crl found"
};
error take_error(const api& ssl);

} // namespace slotlog::openssl
