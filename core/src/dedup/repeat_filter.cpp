#include "dedup/repeat_filter.h"

#include <algorithm>
#include <bit>

namespace slotlog {

namespace {

// 0 marks an empty slot or an unused path
template <typename T>
T non_zero(T v) noexcept {
    return v == 0 ? 1 : v;
}

} // namespace

template <typename Slot>
repeat_filter::table<Slot>::table(std::size_t capacity, std::uint64_t window_ms)
    : mask_(std::bit_ceil(std::max<std::size_t>(capacity, 64)) - 1), limit_((mask_ + 1) / 2),
      window_ms_(window_ms) {}

template <typename Slot>
std::size_t repeat_filter::table<Slot>::index_(const generation& g, std::uint64_t key) const noexcept {
    std::size_t i = key & mask_;
    while (g[i].key != 0 && g[i].key != key) i = (i + 1) & mask_;
    return i;
}

template <typename Slot>
void repeat_filter::table<Slot>::rotate_(std::uint64_t now_ms) {
    std::swap(current_, previous_);
    std::fill(current_.begin(), current_.end(), Slot{});
    count_ = 0;
    started_ = now_ms;
}

template <typename Slot>
void repeat_filter::table<Slot>::age_(std::uint64_t now_ms) noexcept {
    if (current_.empty() || now_ms - started_ < window_ms_) return;
    // previous_ is older than the window now; after two windows both are
    if (now_ms - started_ >= 2 * window_ms_) std::fill(current_.begin(), current_.end(), Slot{});
    rotate_(now_ms);
}

template <typename Slot>
const Slot* repeat_filter::table<Slot>::find(std::uint64_t key, std::uint64_t now_ms) noexcept {
    age_(now_ms);
    for (const generation* g : {&current_, &previous_}) {
        if (g->empty()) break;
        const Slot& s = (*g)[index_(*g, key)];
        if (s.key == key) return &s;
    }
    return nullptr;
}

template <typename Slot>
Slot& repeat_filter::table<Slot>::get(std::uint64_t key, std::uint64_t now_ms, bool& found) {
    age_(now_ms);
    // the tables are made with the first key: a collector whose messages are
    // never candidates (a unix socket, no stamps) spends no memory on them
    if (current_.empty()) {
        current_.resize(mask_ + 1);
        previous_.resize(mask_ + 1);
        started_ = now_ms;
    }
    if (count_ >= limit_) rotate_(now_ms);
    Slot& s = current_[index_(current_, key)];
    found = s.key == key;
    if (found) return s;
    const Slot& old = previous_[index_(previous_, key)];
    found = old.key == key;
    s = found ? old : Slot{};
    s.key = key;
    ++count_;
    return s;
}

repeat_filter::repeat_filter(std::chrono::milliseconds window, std::size_t capacity, hash_key key)
    : window_(window), key_(key),
      stamps_(capacity, static_cast<std::uint64_t>(std::max<std::int64_t>(window.count(), 0))),
      copies_(capacity, static_cast<std::uint64_t>(std::max<std::int64_t>(window.count(), 0))) {}

std::uint64_t repeat_filter::ms_(time_point now) noexcept {
    if (!epoch_set_) {
        epoch_ = now;
        epoch_set_ = true;
    }
    if (now < epoch_) return 0;
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now - epoch_).count());
}

bool repeat_filter::within_(std::uint32_t then, std::uint64_t now_ms) const noexcept {
    return static_cast<std::uint32_t>(static_cast<std::uint32_t>(now_ms) - then) <
           static_cast<std::uint64_t>(window_.count());
}

bool repeat_filter::stamped_copy(std::string_view host, std::int64_t pid, std::int64_t seq,
                                 std::string_view payload, time_point now) {
    if (window_.count() <= 0) return false;
    const auto now_ms = ms_(now);
    const auto key = non_zero(keyed_hash(key_)
                                  .add(host)
                                  .add(static_cast<std::uint64_t>(pid))
                                  .add(static_cast<std::uint64_t>(seq))
                                  .add(payload)
                                  .finish());
    // a copy neither extends its original's window nor takes room
    if (const auto* s = stamps_.find(key, now_ms); s && within_(s->seen, now_ms)) return true;
    bool found = false;
    stamps_.get(key, now_ms, found).seen = static_cast<std::uint32_t>(now_ms);
    return false;
}

bool repeat_filter::unstamped_copy(std::string_view sender, std::uint64_t path, std::string_view payload,
                                   time_point now) {
    if (window_.count() <= 0) return false;
    const auto now_ms = ms_(now);
    const auto key = non_zero(keyed_hash(key_).add(sender).add(payload).finish());
    const auto tag = non_zero(static_cast<std::uint32_t>(path ^ (path >> 32)));
    bool found = false;
    copy_slot& s = copies_.get(key, now_ms, found);
    if (!found || !within_(s.episode, now_ms)) {
        // a new episode
        s = copy_slot{};
        s.key = key;
        s.episode = static_cast<std::uint32_t>(now_ms);
    }
    int i = 0;
    while (i < copy_slot::paths && s.path[i] != tag && s.path[i] != 0) ++i;
    if (i == copy_slot::paths) return false;   // a path too many: new, never hidden
    s.path[i] = tag;
    // new while this path has brought no fewer than any other
    const bool fresh = s.count[i] >= s.messages;
    if (s.count[i] != UINT16_MAX) ++s.count[i];   // saturated: every arrival is new
    if (fresh) s.messages = s.count[i];
    return !fresh;
}

} // namespace slotlog
