#include "forward/windows/cert_store_windows.h"

#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <slotlog/detail/utf8.h>

#include "forward/windows/status_text_windows.h"
#include "windows/win_util.h"

namespace slotlog::cert_store {

namespace {

constexpr DWORD encodings = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const auto a = static_cast<unsigned char>(s[i]);
        const auto b = static_cast<unsigned char>(prefix[i]);
        if (std::tolower(a) != std::tolower(b)) return false;
    }
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// the configuration checked the 40 hex digits; this only converts them
std::array<BYTE, 20> thumbprint_bytes(const std::string& hex) {
    std::array<BYTE, 20> bytes{};
    if (hex.size() != 40) throw std::runtime_error("invalid thumbprint " + hex + ": expected 40 hex digits");
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) throw std::runtime_error("invalid thumbprint " + hex + ": expected 40 hex digits");
        bytes[i] = static_cast<BYTE>(hi * 16 + lo);
    }
    return bytes;
}

// "" when the certificate can be used as ours: in its time, with a private
// key this account can open, and that key its own (schannel reads client keys
// from the current user's containers; a key it cannot use fails the handshake
// far less clearly, wine's with "certificate and key do not match")
std::string unusable(PCCERT_CONTEXT cert) {
    const LONG time = ::CertVerifyTimeValidity(nullptr, cert->pCertInfo);
    if (time > 0) return "has expired";
    if (time < 0) return "is not valid yet";
    // cached with the certificate: nothing to free here, cng keys included
    HCRYPTPROV_OR_NCRYPT_KEY_HANDLE key = 0;
    DWORD spec = 0;
    BOOL must_free = FALSE;
    if (!::CryptAcquireCertificatePrivateKey(cert, CRYPT_ACQUIRE_SILENT_FLAG | CRYPT_ACQUIRE_CACHE_FLAG |
                                                       CRYPT_ACQUIRE_ALLOW_NCRYPT_KEY_FLAG,
                                             nullptr, &key, &spec, &must_free)) {
        return "has no private key that this account can use: " + status_text(::GetLastError());
    }
    DWORD size = 0;
    if (::CryptExportPublicKeyInfo(key, spec, X509_ASN_ENCODING, nullptr, &size)) {
        std::vector<BYTE> info(size);
        if (::CryptExportPublicKeyInfo(key, spec, X509_ASN_ENCODING, reinterpret_cast<CERT_PUBLIC_KEY_INFO*>(info.data()),
                                       &size) &&
            !::CertComparePublicKeyInfo(X509_ASN_ENCODING, &cert->pCertInfo->SubjectPublicKeyInfo,
                                        reinterpret_cast<CERT_PUBLIC_KEY_INFO*>(info.data()))) {
            return "has a private key that is not its own (another key in its key container?)";
        }
    }
    return {};
}

} // namespace

store_ptr open_system_store(const std::string& name) {
    DWORD location = CERT_SYSTEM_STORE_LOCAL_MACHINE;
    std::string_view rest = name;
    if (starts_with_nocase(rest, "LocalMachine\\")) {
        rest.remove_prefix(13);
    } else if (starts_with_nocase(rest, "CurrentUser\\")) {
        location = CERT_SYSTEM_STORE_CURRENT_USER;
        rest.remove_prefix(12);
    }
    const std::wstring wide = widen(rest);
    HCERTSTORE s = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                   location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, wide.c_str());
    if (!s) throw std::runtime_error("cannot open the certificate store " + name + ": " + error_text(::GetLastError()));
    return store_ptr(s);
}

cert_ptr find_client_certificate(const tls_config& tls) {
    if (tls.cert_thumbprint.empty() && tls.cert_subject.empty()) return {};
    const auto store = open_system_store(tls.cert_store);
    if (!tls.cert_thumbprint.empty()) {
        auto bytes = thumbprint_bytes(tls.cert_thumbprint);
        CRYPT_HASH_BLOB hash{static_cast<DWORD>(bytes.size()), bytes.data()};
        cert_ptr cert(::CertFindCertificateInStore(store.get(), encodings, 0, CERT_FIND_HASH, &hash, nullptr));
        if (!cert) {
            throw std::runtime_error("no client certificate with thumbprint " + tls.cert_thumbprint + " in " +
                                     tls.cert_store);
        }
        const auto why = unusable(cert.get());
        if (!why.empty()) {
            throw std::runtime_error("the client certificate " + tls.cert_thumbprint + " (" + subject_of(cert.get()) +
                                     ") in " + tls.cert_store + " " + why);
        }
        return cert;
    }
    // the first match that can be used; the first one's trouble if none can
    const std::wstring subject = widen(tls.cert_subject);
    std::string first_trouble;
    PCCERT_CONTEXT at = nullptr;
    while ((at = ::CertFindCertificateInStore(store.get(), encodings, 0, CERT_FIND_SUBJECT_STR_W, subject.c_str(),
                                              at)) != nullptr) {
        const auto why = unusable(at);
        if (why.empty()) return cert_ptr(at);
        if (first_trouble.empty()) first_trouble = "the client certificate " + subject_of(at) + " in " + tls.cert_store + " " + why;
    }
    if (!first_trouble.empty()) throw std::runtime_error(first_trouble);
    throw std::runtime_error("no client certificate whose subject contains '" + tls.cert_subject + "' in " +
                             tls.cert_store);
}

store_ptr load_pem_certificates(const std::filesystem::path& file) {
    const std::string shown = detail::path_to_utf8(file);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        const bool exists = std::filesystem::exists(file, ec);
        throw std::runtime_error("cannot read ca_file " + shown + (exists ? "" : ": no such file"));
    }
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    store_ptr store(::CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, nullptr));
    if (!store) throw std::runtime_error("cannot make a certificate store: " + error_text(::GetLastError()));

    constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
    constexpr std::string_view end = "-----END CERTIFICATE-----";
    int count = 0;
    for (std::size_t at = pem.find(begin); at != std::string::npos; at = pem.find(begin, at)) {
        const std::size_t stop = pem.find(end, at);
        if (stop == std::string::npos) break;
        const auto block = std::string_view(pem).substr(at, stop + end.size() - at);
        at = stop + end.size();
        DWORD size = 0;
        if (!::CryptStringToBinaryA(block.data(), static_cast<DWORD>(block.size()), CRYPT_STRING_BASE64HEADER, nullptr,
                                    &size, nullptr, nullptr)) {
            throw std::runtime_error("ca_file " + shown + ": certificate " + std::to_string(count + 1) +
                                     " is not valid base64");
        }
        std::vector<BYTE> der(size);
        ::CryptStringToBinaryA(block.data(), static_cast<DWORD>(block.size()), CRYPT_STRING_BASE64HEADER, der.data(),
                               &size, nullptr, nullptr);
        if (!::CertAddEncodedCertificateToStore(store.get(), X509_ASN_ENCODING, der.data(), size,
                                                CERT_STORE_ADD_REPLACE_EXISTING, nullptr)) {
            throw std::runtime_error("ca_file " + shown + ": certificate " + std::to_string(count + 1) +
                                     " cannot be read: " + error_text(::GetLastError()));
        }
        ++count;
    }
    if (count == 0) throw std::runtime_error("ca_file " + shown + " holds no PEM certificate");
    return store;
}

std::string subject_of(PCCERT_CONTEXT cert) {
    wchar_t name[512];
    const DWORD n = ::CertNameToStrW(X509_ASN_ENCODING, &cert->pCertInfo->Subject, CERT_X500_NAME_STR, name,
                                     static_cast<DWORD>(std::size(name)));
    return n > 1 ? narrow(std::wstring_view(name, n - 1)) : std::string("(no subject)");
}

} // namespace slotlog::cert_store
