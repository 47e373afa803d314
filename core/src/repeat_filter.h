#pragma once

// remembers the keys of recent messages, to drop repeats: broadcasts arrive
// once per transport and interface, and a sender may use the legacy and the
// fallback path at once. bounded memory: at most `capacity` keys are kept, so
// under a flood a repeat is recognised within the last `capacity / 2` messages
// at least, and within the window at most

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace slotlog {

class repeat_filter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    // window 0: nothing is ever a repeat
    explicit repeat_filter(std::chrono::milliseconds window, std::size_t capacity = 16384);

    // true if `key` was remembered less than the window ago; otherwise
    // remembers it (a repeat does not extend its original's window)
    bool repeated(std::uint64_t key, time_point now);

    std::chrono::milliseconds window() const noexcept { return window_; }

private:
    struct slot {
        std::uint64_t key = 0;           // 0: empty
        time_point seen{};
    };
    // open addressing, linear probing, never more than half full
    using table = std::vector<slot>;
    const slot* find_(const table& t, std::uint64_t key) const noexcept;
    void insert_(std::uint64_t key, time_point now);

    std::chrono::milliseconds window_;
    std::size_t mask_;
    std::size_t limit_;                  // keys per generation
    // two generations: keys go into current_; when it is half full or older
    // than the window, it becomes previous_ and a cleared table takes its place
    table current_, previous_;
    std::size_t count_ = 0;
    time_point started_{};
};

// the keys: of a stamped message (host, pid, seq and its text), and of an
// unstamped one (the sender as the transport names it, and the payload)
std::uint64_t stamp_key(std::string_view host, std::int64_t pid, std::int64_t seq, std::string_view payload) noexcept;
std::uint64_t payload_key(std::string_view source, std::string_view payload) noexcept;

} // namespace slotlog
