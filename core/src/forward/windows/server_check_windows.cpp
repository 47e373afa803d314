#include "forward/windows/server_check_windows.h"

#include <schannel.h>

#include <cstddef>
#include <stdexcept>

#include "forward/windows/cert_store_windows.h"
#include "forward/windows/status_text_windows.h"
#include "windows/win_util.h"

namespace slotlog {

namespace {

using cert_store::cert_ptr;
using cert_store::store_ptr;

struct engine_freer {
    void operator()(HCERTCHAINENGINE e) const noexcept { ::CertFreeCertificateChainEngine(e); }
};
struct chain_freer {
    void operator()(PCCERT_CHAIN_CONTEXT c) const noexcept { ::CertFreeCertificateChain(c); }
};
using engine_ptr = std::unique_ptr<std::remove_pointer_t<HCERTCHAINENGINE>, engine_freer>;
using chain_ptr = std::unique_ptr<const CERT_CHAIN_CONTEXT, chain_freer>;

// the windows 7 layout, up to hExclusiveTrustedPeople: wine 8 refuses the
// windows 8 size (E_INVALIDARG), and windows takes either
constexpr DWORD engine_config_size =
    offsetof(CERT_CHAIN_ENGINE_CONFIG, hExclusiveTrustedPeople) + sizeof(HCERTSTORE);

// revocation is not checked (no network for it), so not knowing it is no fault
constexpr DWORD revocation_unknown = CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION;

constexpr DWORD untrusted_bits = CERT_TRUST_IS_UNTRUSTED_ROOT | CERT_TRUST_IS_PARTIAL_CHAIN |
                                 CERT_TRUST_IS_NOT_SIGNATURE_VALID | CERT_TRUST_IS_CYCLIC |
                                 CERT_TRUST_INVALID_BASIC_CONSTRAINTS | CERT_TRUST_IS_EXPLICIT_DISTRUST;

enum class fault { untrusted, expired, not_yet_valid, revoked, usage, name, other };

fault fault_of_policy(DWORD status, PCCERT_CONTEXT leaf) {
    switch (status) {
    case static_cast<DWORD>(CERT_E_UNTRUSTEDROOT):
    case static_cast<DWORD>(CERT_E_UNTRUSTEDTESTROOT):
    case static_cast<DWORD>(CERT_E_CHAINING):
    case static_cast<DWORD>(TRUST_E_CERT_SIGNATURE):
    case static_cast<DWORD>(CERT_E_UNTRUSTEDCA):
    case static_cast<DWORD>(TRUST_E_EXPLICIT_DISTRUST):
        return fault::untrusted;
    case static_cast<DWORD>(CERT_E_EXPIRED):
        return ::CertVerifyTimeValidity(nullptr, leaf->pCertInfo) < 0 ? fault::not_yet_valid : fault::expired;
    case static_cast<DWORD>(CRYPT_E_REVOKED):
        return fault::revoked;
    case static_cast<DWORD>(CERT_E_WRONG_USAGE):
        return fault::usage;
    case static_cast<DWORD>(CERT_E_CN_NO_MATCH):
        return fault::name;
    default:
        return fault::other;
    }
}

fault fault_of_chain(DWORD bits, PCCERT_CONTEXT leaf) {
    if (bits & untrusted_bits) return fault::untrusted;
    if (bits & CERT_TRUST_IS_NOT_TIME_VALID)
        return ::CertVerifyTimeValidity(nullptr, leaf->pCertInfo) < 0 ? fault::not_yet_valid : fault::expired;
    if (bits & CERT_TRUST_IS_REVOKED) return fault::revoked;
    if (bits & CERT_TRUST_IS_NOT_VALID_FOR_USAGE) return fault::usage;
    return fault::other;
}

// the dns names (or else the common name) the certificate is for, for the message
std::string names_of(PCCERT_CONTEXT cert) {
    std::string names;
    const CERT_EXTENSION* ext = ::CertFindExtension(szOID_SUBJECT_ALT_NAME2, cert->pCertInfo->cExtension,
                                                    cert->pCertInfo->rgExtension);
    CERT_ALT_NAME_INFO* info = nullptr;
    DWORD size = 0;
    if (ext && ::CryptDecodeObjectEx(X509_ASN_ENCODING, X509_ALTERNATE_NAME, ext->Value.pbData, ext->Value.cbData,
                                     CRYPT_DECODE_ALLOC_FLAG, nullptr, &info, &size)) {
        for (DWORD i = 0; i < info->cAltEntry; ++i) {
            const auto& e = info->rgAltEntry[i];
            if (e.dwAltNameChoice != CERT_ALT_NAME_DNS_NAME || !e.pwszDNSName) continue;
            if (!names.empty()) names += ", ";
            names += narrow(e.pwszDNSName);
        }
        ::LocalFree(info);
    }
    if (!names.empty()) return names;
    wchar_t cn[256];
    const DWORD n = ::CertGetNameStringW(cert, CERT_NAME_ATTR_TYPE, 0, const_cast<char*>(szOID_COMMON_NAME), cn,
                                         static_cast<DWORD>(std::size(cn)));
    return n > 1 ? narrow(std::wstring_view(cn, n - 1)) + " (a common name; only dns names are matched)"
                 : std::string("no dns name");
}

std::string describe(fault f, const std::string& name, PCCERT_CONTEXT leaf) {
    switch (f) {
    case fault::untrusted: return "the server's certificate is not signed by a trusted CA";
    case fault::expired: return "the server's certificate has expired";
    case fault::not_yet_valid: return "the server's certificate is not valid yet";
    case fault::revoked: return "the server's certificate has been revoked";
    case fault::usage: return "the server's certificate is not meant for tls servers";
    case fault::name: return "the server's certificate is for another name than " + name + ": it names " + names_of(leaf);
    case fault::other: break;
    }
    return "the server's certificate is not accepted";
}

// the chain engine: only the CAs of ca_file, only those of a named store, or
// the machine's default engine for ROOT (which on windows also fetches roots
// that microsoft trusts but the store does not hold yet)
engine_ptr make_engine(const tls_config& tls, store_ptr& roots) {
    if (!tls.ca_file.empty()) {
        roots = cert_store::load_pem_certificates(tls.ca_file);
    } else if (_stricmp(tls.ca_store.c_str(), "ROOT") != 0 && _stricmp(tls.ca_store.c_str(), "LocalMachine\\ROOT") != 0) {
        roots = cert_store::open_system_store(tls.ca_store);
    } else {
        return {};
    }
    CERT_CHAIN_ENGINE_CONFIG config{};
    config.cbSize = engine_config_size;
    config.hExclusiveRoot = roots.get();
    HCERTCHAINENGINE engine = nullptr;
    if (!::CertCreateCertificateChainEngine(&config, &engine)) {
        throw std::runtime_error("cannot check the server's certificate: no chain engine: " +
                                 status_text(::GetLastError()));
    }
    return engine_ptr(engine);
}

} // namespace

void check_server_certificate(CtxtHandle& context, const tls_config& tls, const std::string& name) {
    PCCERT_CONTEXT remote = nullptr;
    const SECURITY_STATUS got = ::QueryContextAttributesW(&context, SECPKG_ATTR_REMOTE_CERT_CONTEXT, &remote);
    if (got != SEC_E_OK || !remote) {
        throw std::runtime_error("the server sent no certificate (" + hex_code(static_cast<unsigned long>(got)) + ")");
    }
    const cert_ptr leaf(remote);

    store_ptr roots;
    const engine_ptr engine = make_engine(tls, roots);

    char server_auth[] = szOID_PKIX_KP_SERVER_AUTH;
    LPSTR usages[] = {server_auth};
    CERT_CHAIN_PARA para{};
    para.cbSize = sizeof para;
    para.RequestedUsage.dwType = USAGE_MATCH_TYPE_AND;
    para.RequestedUsage.Usage.cUsageIdentifier = 1;
    para.RequestedUsage.Usage.rgpszUsageIdentifier = usages;
    PCCERT_CHAIN_CONTEXT raw_chain = nullptr;
    // the intermediates the server sent are in the leaf's own store
    if (!::CertGetCertificateChain(engine ? engine.get() : HCCE_LOCAL_MACHINE, leaf.get(), nullptr,
                                   leaf->hCertStore, &para, 0, nullptr, &raw_chain)) {
        throw std::runtime_error("cannot build the server's certificate chain: " + status_text(::GetLastError()));
    }
    const chain_ptr chain(raw_chain);

    std::wstring wide_name = widen(name);
    SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl{};
    ssl.cbSize = sizeof ssl;
    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.pwszServerName = wide_name.data();
    CERT_CHAIN_POLICY_PARA policy{};
    policy.cbSize = sizeof policy;
    policy.dwFlags = CERT_CHAIN_POLICY_IGNORE_ALL_REV_UNKNOWN_FLAGS;
    policy.pvExtraPolicyPara = &ssl;
    CERT_CHAIN_POLICY_STATUS status{};
    status.cbSize = sizeof status;
    if (!::CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain.get(), &policy, &status)) {
        throw std::runtime_error("cannot check the server's certificate: " + status_text(::GetLastError()));
    }

    // both: under wine the policy alone passed a lone leaf of an unknown issuer
    const DWORD chain_errors = chain->TrustStatus.dwErrorStatus & ~revocation_unknown;
    if (status.dwError == 0 && chain_errors == 0) return;

    // what the chain says first (a name means little on an untrusted
    // certificate), with the policy's code when it says the same
    const fault by_policy = status.dwError ? fault_of_policy(status.dwError, leaf.get()) : fault::other;
    const fault by_chain = chain_errors ? fault_of_chain(chain_errors, leaf.get()) : fault::other;
    const fault f = by_chain != fault::other ? by_chain : by_policy;
    const bool policy_says_it = status.dwError && (by_policy == f || chain_errors == 0);
    if (f == fault::other && policy_says_it)
        throw std::runtime_error(describe(f, name, leaf.get()) + ": " + status_text(status.dwError));
    const std::string code = policy_says_it ? hex_code(status.dwError) : "chain status " + hex_code(chain_errors);
    throw std::runtime_error(describe(f, name, leaf.get()) + " (" + code + ")");
}

} // namespace slotlog
