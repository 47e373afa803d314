#pragma once

// drops the copies of a message, and only its copies. broadcasts arrive once
// per transport (the netbios port and the broadcast port) and once per
// interface of a multi-homed sender; a genuine message sent again is not a
// copy and is never dropped:
// - a stamped message (host, pid, seq) is a copy when the same stamp and text
//   were seen within the window, by any input;
// - an unstamped one is a copy only when the same sender's same payload came
//   within the window by another path (another input, or another address of
//   the same netbios name). per (sender, payload), the arrivals of each path
//   are counted in an episode that lasts one window from its first arrival:
//   an arrival is new while its path has brought no fewer than any other path
//   (then it raises the count of messages), and a copy otherwise. so the
//   same payload again by the same path is always new, and two sends over two
//   transports are two entries in whatever order their four copies arrive.
// bounded memory: at most `capacity` keys of each kind (at least the last
// capacity / 2 are remembered). what is forgotten is never dropped: a
// forgotten original can only let a copy through, never hide a message.
// keys are hashed with a secret key: no sender can aim at another's keys

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "dedup/keyed_hash.h"

namespace slotlog {

class repeat_filter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    // window 0: nothing is ever a copy
    explicit repeat_filter(std::chrono::milliseconds window, std::size_t capacity = 16384,
                           hash_key key = hash_key::random());

    // a stamped message: the stamp and the whole payload
    bool stamped_copy(std::string_view host, std::int64_t pid, std::int64_t seq, std::string_view payload,
                      time_point now);
    // an unstamped message of a sender the transport names, by `path` (any
    // value that tells its ways apart: input and source address)
    bool unstamped_copy(std::string_view sender, std::uint64_t path, std::string_view payload, time_point now);

    std::chrono::milliseconds window() const noexcept { return window_; }

private:
    // open addressing, linear probing, at most half full; two generations:
    // keys go into current_; when it holds its limit or is older than the
    // window, it becomes previous_ and a cleared table takes its place. a
    // key found in previous_ is copied forward when it is looked up
    template <typename Slot>
    class table {
    public:
        table(std::size_t capacity, std::uint64_t window_ms);
        // the key's slot (stale slots too: the caller checks times), or null
        const Slot* find(std::uint64_t key, std::uint64_t now_ms) noexcept;
        // the key's slot in the current generation: as it was (found true;
        // stale slots too, the caller checks times), or new and zeroed
        Slot& get(std::uint64_t key, std::uint64_t now_ms, bool& found);

    private:
        using generation = std::vector<Slot>;
        std::size_t index_(const generation& g, std::uint64_t key) const noexcept;
        void age_(std::uint64_t now_ms) noexcept;
        void rotate_(std::uint64_t now_ms);
        std::size_t mask_, limit_;
        std::uint64_t window_ms_;
        generation current_, previous_;   // made with the first key
        std::size_t count_ = 0;
        std::uint64_t started_ = 0;       // of current_
    };

    // times are milliseconds since the filter was made; slots keep their low
    // 32 bits, which wrap after 49 days: no slot outlives two windows, so
    // their differences hold
    std::uint64_t ms_(time_point now) noexcept;
    bool within_(std::uint32_t then, std::uint64_t now_ms) const noexcept;

    struct stamp_slot {
        std::uint64_t key = 0;            // 0: empty
        std::uint32_t seen = 0;
    };
    // the paths of one (sender, payload) in the current episode
    struct copy_slot {
        static constexpr int paths = 3;   // a fourth path's arrivals are all new
        std::uint64_t key = 0;            // 0: empty
        std::uint32_t episode = 0;        // when its first arrival came
        std::uint16_t messages = 0;       // the most any path brought
        std::uint16_t count[paths] = {};
        std::uint32_t path[paths] = {};   // 0: unused
    };

    std::chrono::milliseconds window_;
    hash_key key_;
    time_point epoch_;
    bool epoch_set_ = false;
    table<stamp_slot> stamps_;
    table<copy_slot> copies_;
};

} // namespace slotlog
