#pragma once

// follows the sequence numbers of stamped senders, to say when messages went
// missing on a lossy transport. a sender is (host, app, pid, slot); its first
// message only sets where it stands. a number above the next one expected
// opens a gap, which later arrivals fill (datagrams overtake each other): a
// gap still open one window after it opened is due, and reported. a lower
// number outside every open gap is a restart (a new process with the same
// pid, a new numbering): the open gaps of the old run are reported at once.
// bounded memory: at most `capacity` senders (the least recently seen is
// forgotten first, its open gaps reported) and max_gaps open gaps each (the
// oldest reported when one more opens). keys are hashed with a secret key,
// so no sender can reach another's numbering

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dedup/keyed_hash.h"

namespace slotlog {

// messages that did not arrive: first..last of the sender `label` ("WEB01 billing[42]")
struct sequence_gap {
    std::string label;
    std::int64_t first = 0, last = 0;
    std::uint64_t missing() const noexcept {
        return static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first) + 1;
    }
};

class gap_tracker {
public:
    using time_point = std::chrono::steady_clock::time_point;

    using gap = sequence_gap;
    static constexpr std::size_t max_gaps = 8;

    explicit gap_tracker(std::chrono::milliseconds window, std::size_t capacity = 16384,
                         hash_key key = hash_key::random());

    void set_window(std::chrono::milliseconds window) noexcept { window_ = window; }

    // a stamped message that was not a copy; gaps it forces out go to `due`
    void seen(std::string_view host, std::string_view app, std::int64_t pid, std::string_view slot,
              std::int64_t seq, time_point now, std::vector<gap>& due);
    // the gaps open for a window by now (under a flood of gaps, looked for
    // at most every 50 ms)
    void expire(time_point now, std::vector<gap>& due);
    // every open gap (at stop: nothing can fill them any more)
    void close_all(std::vector<gap>& due);

    std::size_t senders() const noexcept { return index_.size(); }
    std::size_t open_gaps() const noexcept { return open_count_; }

private:
    struct open_gap {
        std::int64_t first, last;
        time_point due;
    };
    struct sender {
        std::uint64_t key;
        std::int64_t last;               // the highest number seen
        std::vector<open_gap> gaps;      // oldest first
        std::string label;               // made when its first gap opens
    };
    using sender_list = std::list<sender>;

    void open_(sender& s, std::int64_t first, std::int64_t last, time_point now, std::vector<gap>& due,
               std::string_view host, std::string_view app, std::int64_t pid);
    bool fill_(sender& s, std::int64_t seq, std::vector<gap>& due);
    void report_(sender& s, std::size_t i, std::vector<gap>& due);

    std::chrono::milliseconds window_;
    std::size_t capacity_;
    hash_key key_;
    sender_list lru_;                    // most recently seen first
    std::unordered_map<std::uint64_t, sender_list::iterator> index_;
    std::size_t open_count_ = 0;
    time_point next_due_{};              // no open gap is due before
};

} // namespace slotlog
