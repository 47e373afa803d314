#pragma once

// certificates for tls on windows: the stores they live in, the client
// certificate a forward output names, the CAs of a PEM ca_file

#include <windows.h>
#include <wincrypt.h>

#include <filesystem>
#include <memory>
#include <string>

#include <slotlog/config.h>

namespace slotlog::cert_store {

struct store_closer {
    void operator()(HCERTSTORE s) const noexcept { ::CertCloseStore(s, 0); }
};
struct cert_freer {
    void operator()(PCCERT_CONTEXT c) const noexcept { ::CertFreeCertificateContext(c); }
};
using store_ptr = std::unique_ptr<std::remove_pointer_t<HCERTSTORE>, store_closer>;
using cert_ptr = std::unique_ptr<const CERT_CONTEXT, cert_freer>;

// a system store by the name a configuration gives: "ROOT", "MY" (the local
// machine's), "LocalMachine\\MY" or "CurrentUser\\MY"; read only. throws
// std::runtime_error naming the store
store_ptr open_system_store(const std::string& name);

// the client certificate of tls.cert_thumbprint or tls.cert_subject in
// tls.cert_store, checked to have a private key this account can use; null
// when none is configured. throws std::runtime_error saying what is missing
cert_ptr find_client_certificate(const tls_config& tls);

// a memory store with every certificate of a PEM file; throws
// std::runtime_error when the file cannot be read or holds none
store_ptr load_pem_certificates(const std::filesystem::path& file);

// "CN=localhost" and the like, for messages
std::string subject_of(PCCERT_CONTEXT cert);

} // namespace slotlog::cert_store
