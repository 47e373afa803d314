// hmac-sha256 and random bytes from cng (bcrypt)

#include "crypto.h"

#include <windows.h>
#include <bcrypt.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace slotlog::detail {

namespace {

void check(NTSTATUS status, const char* call) {
    if (status < 0) {
        char code[16];
        std::snprintf(code, sizeof(code), "0x%08lx", static_cast<unsigned long>(status));
        throw std::runtime_error(std::string(call) + " failed (NTSTATUS " + code + ")");
    }
}

struct algorithm {
    BCRYPT_ALG_HANDLE handle = nullptr;
    ~algorithm() { if (handle) ::BCryptCloseAlgorithmProvider(handle, 0); }
};

struct hash {
    BCRYPT_HASH_HANDLE handle = nullptr;
    ~hash() { if (handle) ::BCryptDestroyHash(handle); }
};

} // namespace

sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
    algorithm alg;
    check(::BCryptOpenAlgorithmProvider(&alg.handle, BCRYPT_SHA256_ALGORITHM, nullptr, BCRYPT_ALG_HANDLE_HMAC_FLAG),
          "BCryptOpenAlgorithmProvider");
    hash h;
    // cng takes the secret as non-const bytes but only reads them
    check(::BCryptCreateHash(alg.handle, &h.handle, nullptr, 0,
                             reinterpret_cast<PUCHAR>(const_cast<char*>(key.data())), static_cast<ULONG>(key.size()), 0),
          "BCryptCreateHash");
    check(::BCryptHashData(h.handle, reinterpret_cast<PUCHAR>(const_cast<char*>(data.data())),
                           static_cast<ULONG>(data.size()), 0),
          "BCryptHashData");
    sha256_digest out{};
    check(::BCryptFinishHash(h.handle, out.data(), static_cast<ULONG>(out.size()), 0), "BCryptFinishHash");
    return out;
}

void random_bytes(unsigned char* out, std::size_t size) {
    check(::BCryptGenRandom(nullptr, out, static_cast<ULONG>(size), BCRYPT_USE_SYSTEM_PREFERRED_RNG),
          "BCryptGenRandom");
}

} // namespace slotlog::detail
