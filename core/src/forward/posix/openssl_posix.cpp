// libssl opened by its soname on first use, the way core/proto opens libcrypto
// for the control messages (posix/crypto_posix.cpp): linked, it would be mapped
// and relocated in every collector at start, though few ever forward over tls

#include "forward/posix/openssl_posix.h"

#include <dlfcn.h>

#include <stdexcept>

namespace slotlog::openssl {

namespace {

template <class F>
void resolve(void* lib, const char* name, F& f) {
    f = reinterpret_cast<F>(::dlsym(lib, name));
    if (!f) throw std::runtime_error(std::string("openssl's libssl (" SLOTLOG_LIBSSL ") has no ") + name);
}

api load() {
    // by the soname of the library this build was made with (SLOTLOG_LIBSSL,
    // e.g. libssl.so.3); it brings the libcrypto it was built with, whose
    // functions the same handle finds (dlsym searches the dependencies too)
    void* lib = ::dlopen(SLOTLOG_LIBSSL, RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw std::runtime_error(std::string("cannot load openssl's libssl: ") + ::dlerror());
    api a;  // the library stays loaded for the life of the process
    resolve(lib, "TLS_client_method", a.tls_client_method);
    resolve(lib, "SSL_CTX_new", a.ssl_ctx_new);
    resolve(lib, "SSL_CTX_free", a.ssl_ctx_free);
    resolve(lib, "SSL_CTX_ctrl", a.ssl_ctx_ctrl);
    resolve(lib, "SSL_CTX_set_verify", a.ssl_ctx_set_verify);
    resolve(lib, "SSL_CTX_set_default_passwd_cb", a.ssl_ctx_set_default_passwd_cb);
    resolve(lib, "SSL_CTX_set_client_cert_cb", a.ssl_ctx_set_client_cert_cb);
    resolve(lib, "SSL_CTX_load_verify_locations", a.ssl_ctx_load_verify_locations);
    resolve(lib, "SSL_CTX_set_default_verify_paths", a.ssl_ctx_set_default_verify_paths);
    resolve(lib, "SSL_CTX_use_certificate_chain_file", a.ssl_ctx_use_certificate_chain_file);
    resolve(lib, "SSL_CTX_use_PrivateKey_file", a.ssl_ctx_use_private_key_file);
    resolve(lib, "SSL_CTX_check_private_key", a.ssl_ctx_check_private_key);
    resolve(lib, "SSL_new", a.ssl_new);
    resolve(lib, "SSL_free", a.ssl_free);
    resolve(lib, "SSL_set_fd", a.ssl_set_fd);
    resolve(lib, "SSL_ctrl", a.ssl_ctrl);
    resolve(lib, "SSL_set1_host", a.ssl_set1_host);
    resolve(lib, "SSL_set_hostflags", a.ssl_set_hostflags);
    resolve(lib, "SSL_get0_param", a.ssl_get0_param);
    resolve(lib, "SSL_connect", a.ssl_connect);
    resolve(lib, "SSL_read", a.ssl_read);
    resolve(lib, "SSL_write", a.ssl_write);
    resolve(lib, "SSL_shutdown", a.ssl_shutdown);
    resolve(lib, "SSL_get_error", a.ssl_get_error);
    resolve(lib, "SSL_get_verify_result", a.ssl_get_verify_result);
    resolve(lib, "ERR_get_error", a.err_get_error);
    resolve(lib, "ERR_clear_error", a.err_clear_error);
    resolve(lib, "ERR_reason_error_string", a.err_reason_error_string);
    resolve(lib, "X509_verify_cert_error_string", a.x509_verify_cert_error_string);
    resolve(lib, "X509_VERIFY_PARAM_set1_ip_asc", a.x509_verify_param_set1_ip_asc);
    resolve(lib, "X509_STORE_CTX_get_error", a.x509_store_ctx_get_error);
    resolve(lib, "X509_STORE_CTX_get_error_depth", a.x509_store_ctx_get_error_depth);
    resolve(lib, "X509_STORE_CTX_get_current_cert", a.x509_store_ctx_get_current_cert);
    resolve(lib, "X509_get_subject_name", a.x509_get_subject_name);
    resolve(lib, "X509_get_issuer_name", a.x509_get_issuer_name);
    resolve(lib, "X509_NAME_get_text_by_NID", a.x509_name_get_text_by_nid);
    resolve(lib, "X509_get_ext_d2i", a.x509_get_ext_d2i);
    resolve(lib, "GENERAL_NAMES_free", a.general_names_free);
    resolve(lib, "OPENSSL_sk_num", a.sk_num);
    resolve(lib, "OPENSSL_sk_value", a.sk_value);
    resolve(lib, "ASN1_STRING_get0_data", a.asn1_string_get0_data);
    resolve(lib, "ASN1_STRING_length", a.asn1_string_length);
    resolve(lib, "X509_get0_notBefore", a.x509_get0_not_before);
    resolve(lib, "X509_get0_notAfter", a.x509_get0_not_after);
    resolve(lib, "ASN1_TIME_to_tm", a.asn1_time_to_tm);
    return a;
}

} // namespace

const api& library() {
    static const api lib = load();
    return lib;
}

error take_error(const api& ssl) {
    error first, first_ssl;
    while (const auto code = ssl.err_get_error()) {
        if (first.code == 0) first.code = code;
        if (first_ssl.code == 0 && ERR_GET_LIB(code) == ERR_LIB_SSL) first_ssl.code = code;
    }
    error e = first_ssl.code != 0 ? first_ssl : first;
    if (e.code != 0) {
        const char* reason = ssl.err_reason_error_string(e.code);
        e.text = reason ? reason : "openssl error " + std::to_string(e.code);
    }
    return e;
}

} // namespace slotlog::openssl
