// puts test certificates into wine's certificate stores (wine's certutil is a
// stub), for test_windows_tls.py:
//   cert_import add-root CERT.pem               the CA into LocalMachine\ROOT
//   cert_import remove-root THUMBPRINT          and out again
//   cert_import add-client CERT.pem KEY.pem CONTAINER
//                                               an RSA key (PKCS#1 PEM) into the current
//                                               user's key container CONTAINER, its
//                                               certificate into CurrentUser\MY
//   cert_import remove-client THUMBPRINT CONTAINER
//   cert_import list STORE                      "THUMBPRINT SUBJECT [CONTAINER]" per line of
//                                               LocalMachine\\ROOT, CurrentUser\\MY and the like
// add-* print the certificate's thumbprint (40 lowercase hex digits). every
// command may run again: an import replaces, a removal of what is gone is fine.
// a client key goes to a named container of the current user: schannel reads
// client keys only there, and PFXImportCertStore's default container would be
// shared by every import (reference/schannel-under-wine.md)

#include <windows.h>
#include <wincrypt.h>

#include <cstdio>
#include <cwchar>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr DWORD encodings = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

[[noreturn]] void fail(const std::string& what, DWORD err = ::GetLastError()) {
    char code[32];
    std::snprintf(code, sizeof code, " (0x%08lx)", static_cast<unsigned long>(err));
    throw std::runtime_error(what + code);
}

// the first PEM block of the file, as DER
std::vector<BYTE> read_pem(const wchar_t* file) {
    std::ifstream in(std::filesystem::path(file), std::ios::binary);
    if (!in) fail("cannot read the file", ERROR_FILE_NOT_FOUND);
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    DWORD size = 0;
    if (!::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()), CRYPT_STRING_BASE64HEADER, nullptr, &size,
                                nullptr, nullptr))
        fail("not PEM");
    std::vector<BYTE> der(size);
    if (!::CryptStringToBinaryA(pem.data(), static_cast<DWORD>(pem.size()), CRYPT_STRING_BASE64HEADER, der.data(),
                                &size, nullptr, nullptr))
        fail("not PEM");
    der.resize(size);
    return der;
}

HCERTSTORE open_store(DWORD location, const wchar_t* name) {
    HCERTSTORE s = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location, name);
    if (!s) fail("cannot open the store");
    return s;
}

void print_thumbprint(PCCERT_CONTEXT cert, bool end_line = true) {
    BYTE hash[20];
    DWORD size = sizeof hash;
    if (!::CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash, &size)) fail("no thumbprint");
    for (DWORD i = 0; i < size; ++i) std::printf("%02x", hash[i]);
    if (end_line) std::printf("\n");
}

std::string utf8(const wchar_t* text) {
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, text, -1, nullptr, 0, nullptr, nullptr);
    std::string out(n > 0 ? n : 1, '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text, -1, out.data(), n, nullptr, nullptr);
    out.resize(out.size() - 1);
    return out;
}

void list(const wchar_t* store_name) {
    const std::wstring name = store_name;
    const auto slash = name.find(L'\\');
    const DWORD location = name.substr(0, slash) == L"CurrentUser" ? CERT_SYSTEM_STORE_CURRENT_USER
                                                                   : CERT_SYSTEM_STORE_LOCAL_MACHINE;
    HCERTSTORE store = open_store(location, slash == std::wstring::npos ? name.c_str() : name.c_str() + slash + 1);
    PCCERT_CONTEXT c = nullptr;
    while ((c = ::CertEnumCertificatesInStore(store, c)) != nullptr) {
        wchar_t subject[512];
        ::CertNameToStrW(X509_ASN_ENCODING, &c->pCertInfo->Subject, CERT_X500_NAME_STR, subject, 512);
        print_thumbprint(c, false);
        std::printf(" %s", utf8(subject).c_str());
        DWORD size = 0;
        if (::CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, nullptr, &size)) {
            std::vector<BYTE> info(size);
            ::CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, info.data(), &size);
            std::printf(" [%s]", utf8(reinterpret_cast<CRYPT_KEY_PROV_INFO*>(info.data())->pwszContainerName).c_str());
        }
        std::printf("\n");
    }
    ::CertCloseStore(store, 0);
}

std::vector<BYTE> thumbprint_bytes(const wchar_t* hex) {
    std::vector<BYTE> bytes;
    const std::size_t n = std::wcslen(hex);
    if (n != 40) fail("a thumbprint is 40 hex digits", ERROR_INVALID_PARAMETER);
    for (std::size_t i = 0; i < n; i += 2) {
        const wchar_t pair[3] = {hex[i], hex[i + 1], 0};
        bytes.push_back(static_cast<BYTE>(std::wcstoul(pair, nullptr, 16)));
    }
    return bytes;
}

void remove_from(DWORD location, const wchar_t* store_name, const wchar_t* thumbprint) {
    // the registry store itself: wine's system store forgets a deletion at its close
    HCERTSTORE store = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0, location, store_name);
    if (!store) fail("cannot open the store");
    auto bytes = thumbprint_bytes(thumbprint);
    CRYPT_HASH_BLOB hash{static_cast<DWORD>(bytes.size()), bytes.data()};
    // CertDeleteCertificateFromStore frees the context it is given
    int removed = 0;
    while (PCCERT_CONTEXT c = ::CertFindCertificateInStore(store, encodings, 0, CERT_FIND_HASH, &hash, nullptr)) {
        if (!::CertDeleteCertificateFromStore(c)) fail("cannot delete the certificate");
        if (++removed > 100) fail("the certificate stays in the store", ERROR_ACCESS_DENIED);
    }
    ::CertCloseStore(store, 0);
}

void add_root(const wchar_t* file) {
    const auto der = read_pem(file);
    HCERTSTORE store = open_store(CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT");
    PCCERT_CONTEXT added = nullptr;
    if (!::CertAddEncodedCertificateToStore(store, X509_ASN_ENCODING, der.data(), static_cast<DWORD>(der.size()),
                                            CERT_STORE_ADD_REPLACE_EXISTING, &added))
        fail("cannot add the certificate to ROOT");
    print_thumbprint(added);
    ::CertFreeCertificateContext(added);
    ::CertCloseStore(store, 0);
}

void delete_container(const wchar_t* container) {
    HCRYPTPROV prov = 0;
    // CRYPT_DELETEKEYSET: gone or not, nothing is left to release
    ::CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_DELETEKEYSET);
}

void add_client(const wchar_t* cert_file, const wchar_t* key_file, const wchar_t* container) {
    // the key, into a fresh container of the current user; exportable, as
    // wine's schannel hands it to gnutls
    const auto key_der = read_pem(key_file);
    BYTE* blob = nullptr;
    DWORD blob_size = 0;
    if (!::CryptDecodeObjectEx(encodings, PKCS_RSA_PRIVATE_KEY, key_der.data(), static_cast<DWORD>(key_der.size()),
                               CRYPT_DECODE_ALLOC_FLAG, nullptr, &blob, &blob_size))
        fail("the key is not an RSA key in PKCS#1 (BEGIN RSA PRIVATE KEY)");
    delete_container(container);
    HCRYPTPROV prov = 0;
    if (!::CryptAcquireContextW(&prov, container, MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, CRYPT_NEWKEYSET))
        fail("cannot make the key container");
    HCRYPTKEY key = 0;
    if (!::CryptImportKey(prov, blob, blob_size, 0, CRYPT_EXPORTABLE, &key)) fail("cannot import the key");
    ::CryptDestroyKey(key);
    ::CryptReleaseContext(prov, 0);
    ::LocalFree(blob);

    // the certificate, standalone first so that its key property goes with it
    const auto cert_der = read_pem(cert_file);
    PCCERT_CONTEXT cert =
        ::CertCreateCertificateContext(X509_ASN_ENCODING, cert_der.data(), static_cast<DWORD>(cert_der.size()));
    if (!cert) fail("the certificate cannot be read");
    std::wstring container_name = container;
    wchar_t provider[] = MS_ENH_RSA_AES_PROV_W;
    CRYPT_KEY_PROV_INFO info{};
    info.pwszContainerName = container_name.data();
    info.pwszProvName = provider;
    info.dwProvType = PROV_RSA_AES;
    info.dwKeySpec = AT_KEYEXCHANGE;
    if (!::CertSetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, 0, &info))
        fail("cannot tie the key to the certificate");
    HCERTSTORE store = open_store(CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    PCCERT_CONTEXT added = nullptr;
    if (!::CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, &added))
        fail("cannot add the certificate to CurrentUser\\MY");
    print_thumbprint(added);
    ::CertFreeCertificateContext(added);
    ::CertFreeCertificateContext(cert);
    ::CertCloseStore(store, 0);
}

int usage() {
    std::fprintf(stderr, "usage: cert_import add-root CERT.pem | remove-root THUMBPRINT |\n"
                         "       add-client CERT.pem KEY.pem CONTAINER | remove-client THUMBPRINT CONTAINER | list STORE\n");
    return 2;
}

} // namespace

int wmain(int argc, wchar_t** argv) {
    try {
        const std::wstring command = argc > 1 ? argv[1] : L"";
        if (command == L"add-root" && argc == 3) {
            add_root(argv[2]);
        } else if (command == L"remove-root" && argc == 3) {
            remove_from(CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT", argv[2]);
        } else if (command == L"add-client" && argc == 5) {
            add_client(argv[2], argv[3], argv[4]);
        } else if (command == L"list" && argc == 3) {
            list(argv[2]);
        } else if (command == L"remove-client" && argc == 4) {
            remove_from(CERT_SYSTEM_STORE_CURRENT_USER, L"MY", argv[2]);
            delete_container(argv[3]);
        } else {
            return usage();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cert_import: %s\n", e.what());
        return 1;
    }
    return 0;
}
