// hmac-sha256 and random bytes from openssl's libcrypto

#include "crypto.h"

#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace slotlog::detail {

sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
    sha256_digest out{};
    unsigned int size = 0;
    const auto* result = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
    if (!result || size != out.size()) throw std::runtime_error("HMAC-SHA256 failed (openssl)");
    return out;
}

void random_bytes(unsigned char* out, std::size_t size) {
    if (RAND_bytes(out, static_cast<int>(size)) != 1) throw std::runtime_error("RAND_bytes failed (openssl)");
}

} // namespace slotlog::detail
