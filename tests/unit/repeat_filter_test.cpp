#include "repeat_filter.h"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using slotlog::payload_key;
using slotlog::repeat_filter;
using slotlog::stamp_key;

const auto t0 = std::chrono::steady_clock::time_point{} + 1h;

TEST(repeat_filter, a_key_seen_within_the_window_is_a_repeat) {
    repeat_filter f(2s);
    EXPECT_FALSE(f.repeated(42, t0));
    EXPECT_TRUE(f.repeated(42, t0 + 10ms));
    EXPECT_TRUE(f.repeated(42, t0 + 1999ms));
    EXPECT_FALSE(f.repeated(43, t0 + 1999ms));
}

TEST(repeat_filter, after_the_window_the_same_key_is_new_again) {
    repeat_filter f(2s);
    EXPECT_FALSE(f.repeated(42, t0));
    EXPECT_FALSE(f.repeated(42, t0 + 2s));
    // and its window starts over from there
    EXPECT_TRUE(f.repeated(42, t0 + 3s));
    EXPECT_FALSE(f.repeated(42, t0 + 4s));
}

TEST(repeat_filter, a_repeat_does_not_extend_the_window) {
    repeat_filter f(1s);
    EXPECT_FALSE(f.repeated(7, t0));
    EXPECT_TRUE(f.repeated(7, t0 + 900ms));
    EXPECT_FALSE(f.repeated(7, t0 + 1000ms));
}

TEST(repeat_filter, window_zero_never_sees_a_repeat) {
    repeat_filter f(0ms);
    EXPECT_FALSE(f.repeated(42, t0));
    EXPECT_FALSE(f.repeated(42, t0));
}

TEST(repeat_filter, keys_survive_a_generation_change_within_the_window) {
    repeat_filter f(2s, 64);  // 32 keys per generation
    for (std::uint64_t k = 1; k <= 20; ++k) EXPECT_FALSE(f.repeated(k, t0));
    // the 33rd new key starts a new generation: the first 32 are still known
    for (std::uint64_t k = 21; k <= 40; ++k) EXPECT_FALSE(f.repeated(k, t0 + 1ms));
    for (std::uint64_t k = 1; k <= 40; ++k) EXPECT_TRUE(f.repeated(k, t0 + 2ms)) << k;
}

TEST(repeat_filter, memory_is_bounded_under_a_flood_and_recent_keys_are_still_recognised) {
    repeat_filter f(2s, 1024);
    for (std::uint64_t k = 1; k <= 100000; ++k) ASSERT_FALSE(f.repeated(k, t0));
    // at least the last capacity/2 keys are remembered
    for (std::uint64_t k = 100000 - 511; k <= 100000; ++k) EXPECT_TRUE(f.repeated(k, t0)) << k;
}

TEST(repeat_filter, stamp_keys_tell_host_pid_seq_and_text_apart) {
    const auto k = stamp_key("WEB01", 42, 7, "text");
    EXPECT_EQ(k, stamp_key("WEB01", 42, 7, "text"));
    EXPECT_NE(k, stamp_key("WEB02", 42, 7, "text"));
    EXPECT_NE(k, stamp_key("WEB01", 43, 7, "text"));
    EXPECT_NE(k, stamp_key("WEB01", 42, 8, "text"));
    EXPECT_NE(k, stamp_key("WEB01", 42, 7, "other"));
    EXPECT_NE(k, 0u);
}

TEST(repeat_filter, payload_keys_tell_source_and_payload_apart) {
    const auto k = payload_key("10.0.0.1", "disk full");
    EXPECT_EQ(k, payload_key("10.0.0.1", "disk full"));
    EXPECT_NE(k, payload_key("10.0.0.2", "disk full"));
    EXPECT_NE(k, payload_key("10.0.0.1", "disk ful"));
    // the boundary between source and payload counts
    EXPECT_NE(payload_key("ab", "c"), payload_key("a", "bc"));
}

} // namespace
