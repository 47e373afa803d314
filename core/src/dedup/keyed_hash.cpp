#include "dedup/keyed_hash.h"

#include <bit>
#include <chrono>
#include <cstring>
#include <random>

namespace slotlog {

namespace {

inline void sip_round(std::uint64_t& v0, std::uint64_t& v1, std::uint64_t& v2, std::uint64_t& v3) noexcept {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
}

} // namespace

hash_key hash_key::random() {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count())};
    std::mt19937_64 mix(seed);
    return {mix(), mix()};
}

template <int C, int D>
basic_keyed_hash<C, D>::basic_keyed_hash(const hash_key& key) noexcept
    : v0_(key.k0 ^ 0x736f6d6570736575ull), v1_(key.k1 ^ 0x646f72616e646f6dull),
      v2_(key.k0 ^ 0x6c7967656e657261ull), v3_(key.k1 ^ 0x7465646279746573ull) {}

template <int C, int D>
void basic_keyed_hash<C, D>::compress_(std::uint64_t m) noexcept {
    v3_ ^= m;
    for (int i = 0; i < C; ++i) sip_round(v0_, v1_, v2_, v3_);
    v0_ ^= m;
}

template <int C, int D>
void basic_keyed_hash<C, D>::add_bytes_(const unsigned char* p, std::size_t n) noexcept {
    // words are read in the machine's byte order: the keys live in one process only
    const auto word = [](const unsigned char* from) noexcept {
        std::uint64_t w;
        std::memcpy(&w, from, 8);
        return w;
    };
    // the last 0 to 7 bytes, byte i at bits 8i (a memcpy of a variable size is a call)
    const auto part = [](const unsigned char* from, std::size_t bytes) noexcept {
        std::uint64_t w = 0;
        for (std::size_t i = 0; i < bytes; ++i) w |= std::uint64_t{from[i]} << (8 * i);
        return w;
    };
    size_ += n;
    const unsigned t = tail_size_;
    if (t == 0) {
        for (; n >= 8; p += 8, n -= 8) compress_(word(p));
        tail_ = part(p, n);
        tail_size_ = static_cast<unsigned>(n);
        return;
    }
    // t bytes are waiting: each word read completes one and leaves t bytes over
    for (; n >= 8; p += 8, n -= 8) {
        const std::uint64_t w = word(p);
        compress_(tail_ | (w << (8 * t)));
        tail_ = w >> (64 - 8 * t);
    }
    const std::uint64_t w = part(p, n);
    if (t + n >= 8) {
        compress_(tail_ | (w << (8 * t)));
        tail_ = w >> (64 - 8 * t);
        tail_size_ = static_cast<unsigned>(t + n - 8);
    } else {
        tail_ |= w << (8 * t);
        tail_size_ = static_cast<unsigned>(t + n);
    }
}

template <int C, int D>
basic_keyed_hash<C, D>& basic_keyed_hash<C, D>::add(std::uint64_t v) noexcept {
    unsigned char bytes[8];
    std::memcpy(bytes, &v, 8);
    add_bytes_(bytes, 8);
    return *this;
}

template <int C, int D>
basic_keyed_hash<C, D>& basic_keyed_hash<C, D>::add(std::string_view s) noexcept {
    add(static_cast<std::uint64_t>(s.size()));
    return add_raw(s);
}

template <int C, int D>
basic_keyed_hash<C, D>& basic_keyed_hash<C, D>::add_raw(std::string_view s) noexcept {
    add_bytes_(reinterpret_cast<const unsigned char*>(s.data()), s.size());
    return *this;
}

template <int C, int D>
std::uint64_t basic_keyed_hash<C, D>::finish() const noexcept {
    std::uint64_t v0 = v0_, v1 = v1_, v2 = v2_, v3 = v3_;
    const std::uint64_t b = (size_ << 56) | tail_;
    v3 ^= b;
    for (int i = 0; i < C; ++i) sip_round(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    for (int i = 0; i < D; ++i) sip_round(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

template class basic_keyed_hash<1, 3>;
template class basic_keyed_hash<2, 4>;

} // namespace slotlog
