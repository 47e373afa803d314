#include "dedup/gap_tracker.h"

#include <algorithm>

namespace slotlog {

namespace {

// a gap is looked for this often at most: a scan visits every sender
constexpr auto look_interval = std::chrono::milliseconds(50);
// the label shows this much of a host or app name (hostile names are long)
constexpr std::size_t label_part = 128;

} // namespace

gap_tracker::gap_tracker(std::chrono::milliseconds window, std::size_t capacity, hash_key key)
    : window_(window), capacity_(capacity == 0 ? 1 : capacity), key_(key) {}

void gap_tracker::seen(std::string_view host, std::string_view app, std::int64_t pid, std::string_view slot,
                       std::int64_t seq, time_point now, std::vector<gap>& due) {
    const auto key = keyed_hash(key_).add(host).add(app).add(static_cast<std::uint64_t>(pid)).add(slot).finish();
    const auto found = index_.find(key);
    if (found == index_.end()) {
        // the first message says where the sender stands, nothing about before
        lru_.push_front(sender{key, seq, {}, {}});
        index_.emplace(key, lru_.begin());
        if (index_.size() > capacity_) {
            sender& oldest = lru_.back();
            while (!oldest.gaps.empty()) report_(oldest, 0, due);
            index_.erase(oldest.key);
            lru_.pop_back();
        }
        return;
    }
    lru_.splice(lru_.begin(), lru_, found->second);
    sender& s = *found->second;
    if (seq > s.last) {
        if (seq - 1 > s.last) open_(s, s.last + 1, seq - 1, now, due, host, app, pid);
        s.last = seq;
    } else if (seq < s.last && !fill_(s, seq, due)) {
        // a restart: nothing of the old run can fill its gaps now
        while (!s.gaps.empty()) report_(s, 0, due);
        s.last = seq;
    }
}

void gap_tracker::open_(sender& s, std::int64_t first, std::int64_t last, time_point now, std::vector<gap>& due,
                        std::string_view host, std::string_view app, std::int64_t pid) {
    if (s.label.empty()) {
        s.label.assign(host.substr(0, label_part));
        s.label += ' ';
        s.label.append(app.empty() ? std::string_view("-") : app.substr(0, label_part));
        s.label += '[';
        s.label += std::to_string(pid);
        s.label += ']';
    }
    if (s.gaps.size() == max_gaps) report_(s, 0, due);
    s.gaps.push_back(open_gap{first, last, now + window_});
    if (open_count_ == 0 || now + window_ < next_due_) next_due_ = now + window_;
    ++open_count_;
}

bool gap_tracker::fill_(sender& s, std::int64_t seq, std::vector<gap>& due) {
    for (std::size_t i = 0; i < s.gaps.size(); ++i) {
        open_gap& g = s.gaps[i];
        if (seq < g.first || seq > g.last) continue;
        if (g.first == g.last) {
            s.gaps.erase(s.gaps.begin() + static_cast<std::ptrdiff_t>(i));
            --open_count_;
        } else if (seq == g.first) {
            ++g.first;
        } else if (seq == g.last) {
            --g.last;
        } else {
            // filled in the middle: two gaps, due when the one was
            const open_gap after{seq + 1, g.last, g.due};
            g.last = seq - 1;
            s.gaps.insert(s.gaps.begin() + static_cast<std::ptrdiff_t>(i) + 1, after);
            ++open_count_;
            if (s.gaps.size() > max_gaps) report_(s, 0, due);
        }
        return true;
    }
    return false;
}

void gap_tracker::report_(sender& s, std::size_t i, std::vector<gap>& due) {
    const open_gap& g = s.gaps[i];
    due.push_back(gap{s.label, g.first, g.last});
    s.gaps.erase(s.gaps.begin() + static_cast<std::ptrdiff_t>(i));
    --open_count_;
}

void gap_tracker::expire(time_point now, std::vector<gap>& due) {
    if (open_count_ == 0 || now < next_due_) return;
    // gaps are kept oldest first: splitting keeps the order of their times
    auto next = time_point::max();
    for (sender& s : lru_) {
        while (!s.gaps.empty() && s.gaps.front().due <= now) report_(s, 0, due);
        if (!s.gaps.empty()) next = std::min(next, s.gaps.front().due);
    }
    // a scan visits every sender: under a flood of gaps, not more often than this
    next_due_ = std::max(next, now + look_interval);
}

void gap_tracker::close_all(std::vector<gap>& due) {
    for (sender& s : lru_) {
        while (!s.gaps.empty()) report_(s, 0, due);
    }
}

} // namespace slotlog
