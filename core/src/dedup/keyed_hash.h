#pragma once

// siphash-1-3 with a secret key: the repeat filter and the gap tracker key
// their tables with it, so that a sender cannot craft a message whose key
// equals another sender's (an unkeyed hash would let it hide their messages)

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slotlog {

struct hash_key {
    std::uint64_t k0 = 0, k1 = 0;
    // a fresh key from the system's random source
    static hash_key random();
};

// fields are added one by one; a string is preceded by its length, so that
// ("ab", "c") and ("a", "bc") differ. C and D are siphash's rounds per word
// and at the end (2-4 is the paper's, with its test vectors)
template <int C, int D>
class basic_keyed_hash {
public:
    explicit basic_keyed_hash(const hash_key& key) noexcept;

    // the bytes alone, with no length before them (siphash as published)
    basic_keyed_hash& add_raw(std::string_view s) noexcept;

    basic_keyed_hash& add(std::uint64_t v) noexcept;
    basic_keyed_hash& add(std::string_view s) noexcept;
    std::uint64_t finish() const noexcept;

private:
    void compress_(std::uint64_t m) noexcept;
    void add_bytes_(const unsigned char* p, std::size_t n) noexcept;

    std::uint64_t v0_, v1_, v2_, v3_;
    std::uint64_t tail_ = 0;       // bytes not yet a whole word
    unsigned tail_size_ = 0;
    std::uint64_t size_ = 0;       // bytes added in all
};

extern template class basic_keyed_hash<1, 3>;
extern template class basic_keyed_hash<2, 4>;
using keyed_hash = basic_keyed_hash<1, 3>;

} // namespace slotlog
