#include "dedup/gap_tracker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using slotlog::gap_tracker;
using slotlog::sequence_gap;

const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

struct follower {
    gap_tracker tracker{2s};
    std::vector<sequence_gap> due;

    void seen(std::int64_t seq, std::chrono::milliseconds at = 0ms, std::string_view host = "WEB01",
              std::string_view app = "billing", std::int64_t pid = 42) {
        tracker.seen(host, app, pid, "logger", seq, t0 + at, due);
    }
    std::vector<std::string> expire(std::chrono::milliseconds at) {
        tracker.expire(t0 + at, due);
        return take();
    }
    std::vector<std::string> take() {
        std::vector<std::string> out;
        for (const auto& g : due) {
            out.push_back(g.label + " " + std::to_string(g.missing()) + " " + std::to_string(g.first) + ".." +
                          std::to_string(g.last));
        }
        due.clear();
        return out;
    }
};

using strings = std::vector<std::string>;

TEST(gap_tracker, a_gap_not_filled_within_the_window_is_due) {
    follower f;
    for (int s = 1; s <= 10; ++s) f.seen(s);
    for (int s = 16; s <= 20; ++s) f.seen(s, 5ms);
    EXPECT_EQ(f.tracker.open_gaps(), 1u);
    EXPECT_EQ(f.expire(1999ms), strings{});
    EXPECT_EQ(f.expire(2005ms), strings{"WEB01 billing[42] 5 11..15"});
    EXPECT_EQ(f.tracker.open_gaps(), 0u);
    EXPECT_EQ(f.expire(10s), strings{});
}

TEST(gap_tracker, out_of_order_arrivals_fill_their_gap) {
    follower f;
    for (int s : {1, 2, 4, 3, 5}) f.seen(s);
    EXPECT_EQ(f.tracker.open_gaps(), 0u);
    // a gap filled from both ends and in the middle
    for (int s : {6, 12, 7, 11, 9}) f.seen(s, 1ms);
    EXPECT_EQ(f.tracker.open_gaps(), 2u);
    f.seen(8, 2ms);
    f.seen(10, 3ms);
    EXPECT_EQ(f.expire(1h), strings{});
}

TEST(gap_tracker, eight_readers_interleaving_their_batches_leave_no_gap) {
    // a udp input's readers (at most 8) each take a batch of 64 and hand
    // their messages over in turn: 1, 65, 129, ..., 2, 66, ...
    follower f;
    constexpr int readers = 8, batch = 64;
    for (int i = 0; i < batch; ++i) {
        for (int r = 0; r < readers; ++r) f.seen(1 + r * batch + i);
    }
    EXPECT_EQ(f.take(), strings{});
    EXPECT_EQ(f.expire(10s), strings{});
}

TEST(gap_tracker, a_partly_filled_gap_reports_what_is_still_missing) {
    follower f;
    f.seen(1);
    f.seen(10);
    f.seen(5);
    EXPECT_EQ(f.expire(3s), (strings{"WEB01 billing[42] 3 2..4", "WEB01 billing[42] 4 6..9"}));
}

TEST(gap_tracker, a_lower_number_is_a_restart_not_a_gap) {
    follower f;
    for (int s = 1; s <= 10; ++s) f.seen(s);
    for (int s = 1; s <= 5; ++s) f.seen(s, 1ms);
    EXPECT_EQ(f.expire(1h), strings{});
    // a restart reports the old run's open gaps at once: nothing can fill them now
    f.seen(9, 2ms);
    f.seen(1, 3ms);
    EXPECT_EQ(f.take(), strings{"WEB01 billing[42] 3 6..8"});
    f.seen(2, 4ms);
    EXPECT_EQ(f.expire(1h), strings{});
}

TEST(gap_tracker, the_same_number_again_changes_nothing) {
    follower f;
    f.seen(5);
    f.seen(5);
    f.seen(6);
    EXPECT_EQ(f.expire(1h), strings{});
}

TEST(gap_tracker, senders_are_host_app_pid_and_slot) {
    follower f;
    f.seen(1, 0ms, "WEB01", "billing", 42);
    f.seen(1, 0ms, "WEB01", "billing", 43);
    f.seen(1, 0ms, "WEB01", "auth", 42);
    f.seen(1, 0ms, "WEB02", "billing", 42);
    f.tracker.seen("WEB01", "billing", 42, "audit", 1, t0, f.due);
    EXPECT_EQ(f.tracker.senders(), 5u);
    f.seen(2, 0ms, "WEB01", "billing", 42);
    f.seen(3, 0ms, "WEB01", "auth", 42);
    f.seen(2, 0ms, "WEB02", "", 7);
    f.seen(9, 0ms, "WEB02", "", 7);
    EXPECT_EQ(f.expire(1h), (strings{"WEB02 -[7] 6 3..8", "WEB01 auth[42] 1 2..2"}));
}

TEST(gap_tracker, numbers_at_the_ends_of_the_range_do_not_overflow) {
    follower f;
    f.seen(INT64_MIN);
    f.seen(INT64_MAX);
    ASSERT_EQ(f.expire(1h).size(), 1u);
    EXPECT_EQ(f.due.size(), 0u);
    f.seen(INT64_MIN, 2h);  // a restart
    f.seen(INT64_MIN + 2, 2h);
    EXPECT_EQ(f.expire(3h), strings{"WEB01 billing[42] 1 -9223372036854775807..-9223372036854775807"});
}

TEST(gap_tracker, at_most_max_gaps_per_sender_the_oldest_reported_first) {
    follower f;
    f.seen(0);
    for (int s = 2; s <= 2 * static_cast<int>(gap_tracker::max_gaps) + 2; s += 2) f.seen(s);
    EXPECT_EQ(f.take(), strings{"WEB01 billing[42] 1 1..1"});
    EXPECT_EQ(f.tracker.open_gaps(), gap_tracker::max_gaps);
}

TEST(gap_tracker, the_least_recently_seen_sender_is_forgotten_with_its_gaps_reported) {
    gap_tracker t(2s, 3);
    std::vector<sequence_gap> due;
    t.seen("A", "", 1, "s", 1, t0, due);
    t.seen("A", "", 1, "s", 5, t0, due);     // A: 2..4 open
    t.seen("B", "", 1, "s", 1, t0, due);
    t.seen("C", "", 1, "s", 1, t0, due);
    t.seen("A", "", 1, "s", 6, t0, due);     // A is the most recent again
    t.seen("D", "", 1, "s", 1, t0, due);     // B is forgotten
    EXPECT_EQ(t.senders(), 3u);
    EXPECT_TRUE(due.empty());
    t.seen("E", "", 1, "s", 1, t0, due);     // C
    t.seen("F", "", 1, "s", 1, t0, due);     // A, with its gap
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].label, "A -[1]");
    EXPECT_EQ(due[0].missing(), 3u);
    // B starts over: its first message says nothing of before
    t.seen("B", "", 1, "s", 100, t0, due);
    EXPECT_EQ(due.size(), 1u);
}

TEST(gap_tracker, memory_is_bounded_by_the_number_of_senders) {
    gap_tracker t(2s, 16384);
    std::vector<sequence_gap> due;
    for (int i = 0; i < 100000; ++i) {
        t.seen("host" + std::to_string(i), "app", i, "logger", 1, t0, due);
        t.seen("host" + std::to_string(i), "app", i, "logger", 3, t0, due);
    }
    EXPECT_EQ(t.senders(), 16384u);
    EXPECT_EQ(t.open_gaps(), 16384u);
    EXPECT_EQ(due.size(), 100000u - 16384u);   // each forgotten sender's gap, reported
}

TEST(gap_tracker, close_all_reports_every_open_gap_and_long_names_are_cut) {
    follower f;
    const std::string host(10000, 'h');
    f.seen(1, 0ms, host);
    f.seen(3, 0ms, host);
    f.tracker.close_all(f.due);
    ASSERT_EQ(f.due.size(), 1u);
    EXPECT_EQ(f.due[0].label, std::string(128, 'h') + " billing[42]");
}

} // namespace
