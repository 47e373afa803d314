#include "repeat_filter.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <string_view>

namespace slotlog {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
    // boost's hash_combine, widened to 64 bits
    return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 12) + (h >> 4));
}

std::uint64_t hash_of(std::string_view s) noexcept { return std::hash<std::string_view>{}(s); }

// 0 marks an empty slot
std::uint64_t non_zero(std::uint64_t h) noexcept { return h == 0 ? 1 : h; }

} // namespace

std::uint64_t stamp_key(std::string_view host, std::int64_t pid, std::int64_t seq, std::string_view payload) noexcept {
    std::uint64_t h = mix(hash_of(host), static_cast<std::uint64_t>(pid));
    h = mix(mix(h, static_cast<std::uint64_t>(seq)), 0x5354414d50ull);  // "STAMP": never equal to a payload key
    return non_zero(mix(h, hash_of(payload)));
}

std::uint64_t payload_key(std::string_view source, std::string_view payload) noexcept {
    return non_zero(mix(mix(hash_of(source), source.size()), hash_of(payload)));
}

repeat_filter::repeat_filter(std::chrono::milliseconds window, std::size_t capacity)
    : window_(window), mask_(std::bit_ceil(std::max<std::size_t>(capacity, 64)) - 1), limit_((mask_ + 1) / 2) {}

const repeat_filter::slot* repeat_filter::find_(const table& t, std::uint64_t key) const noexcept {
    for (std::size_t i = key & mask_;; i = (i + 1) & mask_) {
        if (t[i].key == key) return &t[i];
        if (t[i].key == 0) return nullptr;
    }
}

void repeat_filter::insert_(std::uint64_t key, time_point now) {
    // the tables are made with the first key: a collector whose messages are
    // never candidates (a unix socket, no stamps) spends no memory on them
    if (current_.empty()) {
        current_.resize(mask_ + 1);
        previous_.resize(mask_ + 1);
        started_ = now;
    }
    if (count_ >= limit_ || now - started_ >= window_) {
        // the previous generation is older than the window now (or the table is full)
        std::swap(current_, previous_);
        std::fill(current_.begin(), current_.end(), slot{});
        count_ = 0;
        started_ = now;
    }
    std::size_t i = key & mask_;
    while (current_[i].key != 0 && current_[i].key != key) i = (i + 1) & mask_;
    if (current_[i].key == 0) ++count_;
    current_[i] = slot{key, now};
}

bool repeat_filter::repeated(std::uint64_t key, time_point now) {
    if (window_.count() <= 0) return false;
    for (const table* t : {&current_, &previous_}) {
        if (t->empty()) break;
        if (const slot* s = find_(*t, key); s && now - s->seen < window_) return true;
    }
    insert_(key, now);
    return false;
}

} // namespace slotlog
