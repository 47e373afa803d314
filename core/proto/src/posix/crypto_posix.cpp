// hmac-sha256 and random bytes from openssl's libcrypto, loaded on first use:
// most collectors never check a control message, and libcrypto mapped and
// relocated at start-up costs about 1.4 MiB of resident memory (bench/README.md)

#include "crypto.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace slotlog::detail {

namespace {

// the three functions we call, with the types of openssl's own declarations
struct libcrypto {
    decltype(&::HMAC) hmac = nullptr;
    decltype(&::EVP_sha256) sha256 = nullptr;
    decltype(&::RAND_bytes) rand_bytes = nullptr;
};

template <class F>
void resolve(void* lib, const char* name, F& f) {
    f = reinterpret_cast<F>(::dlsym(lib, name));
    if (!f) throw std::runtime_error(std::string("libcrypto has no ") + name);
}

libcrypto load() {
    // by the soname of the library this build was made with (SLOTLOG_LIBCRYPTO,
    // e.g. libcrypto.so.3), found where the dynamic linker finds libraries
    void* lib = ::dlopen(SLOTLOG_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL);
    if (!lib) throw std::runtime_error(std::string("cannot load openssl's libcrypto: ") + ::dlerror());
    libcrypto l;  // the library stays loaded for the life of the process
    resolve(lib, "HMAC", l.hmac);
    resolve(lib, "EVP_sha256", l.sha256);
    resolve(lib, "RAND_bytes", l.rand_bytes);
    return l;
}

// loaded once, by whichever thread comes first; a failed load is tried again next time
const libcrypto& crypto() {
    static const libcrypto lib = load();
    return lib;
}

} // namespace

sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
    const auto& c = crypto();
    sha256_digest out{};
    unsigned int size = 0;
    const auto* result = c.hmac(c.sha256(), key.data(), static_cast<int>(key.size()),
                                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
    if (!result || size != out.size()) throw std::runtime_error("HMAC-SHA256 failed (openssl)");
    return out;
}

void random_bytes(unsigned char* out, std::size_t size) {
    if (crypto().rand_bytes(out, static_cast<int>(size)) != 1) throw std::runtime_error("RAND_bytes failed (openssl)");
}

} // namespace slotlog::detail
