#include "dedup/repeat_filter.h"

#include <gtest/gtest.h>

#include <string>

#include "dedup/keyed_hash.h"

namespace {

using namespace std::chrono_literals;
using slotlog::repeat_filter;

const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
constexpr std::uint64_t p1 = 0x1111, p2 = 0x2222, p3 = 0x3333, p4 = 0x4444;

// ---- the keyed hash ----

TEST(keyed_hash, siphash_2_4_gives_the_papers_test_vector) {
    // aumasson and bernstein, "siphash: a fast short-input prf", appendix a
    const slotlog::hash_key key{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    std::string message;
    for (char c = 0; c < 15; ++c) message += c;
    using siphash_2_4 = slotlog::basic_keyed_hash<2, 4>;
    EXPECT_EQ(siphash_2_4(key).add_raw(message).finish(), 0xa129ca6149be45e5ull);
    // the same bytes added in pieces
    EXPECT_EQ(siphash_2_4(key).add_raw(message.substr(0, 3)).add_raw(message.substr(3)).finish(),
              0xa129ca6149be45e5ull);
}

TEST(keyed_hash, fields_keep_their_boundaries_and_the_key_matters) {
    const slotlog::hash_key a{1, 2}, b{1, 3};
    const auto h = [](const slotlog::hash_key& k, std::string_view x, std::string_view y) {
        return slotlog::keyed_hash(k).add(x).add(y).finish();
    };
    EXPECT_EQ(h(a, "ab", "c"), h(a, "ab", "c"));
    EXPECT_NE(h(a, "ab", "c"), h(a, "a", "bc"));
    EXPECT_NE(h(a, "ab", "c"), h(b, "ab", "c"));
    EXPECT_NE(slotlog::hash_key::random().k0, slotlog::hash_key::random().k0);
}

// ---- stamped messages: the same stamp and text within the window, by any path ----

TEST(repeat_filter, a_stamped_copy_within_the_window_is_dropped) {
    repeat_filter f(2s);
    EXPECT_FALSE(f.stamped_copy("WEB01", 42, 7, "text", t0));
    EXPECT_TRUE(f.stamped_copy("WEB01", 42, 7, "text", t0 + 10ms));
    EXPECT_TRUE(f.stamped_copy("WEB01", 42, 7, "text", t0 + 1999ms));
    // any other field or text is another message
    EXPECT_FALSE(f.stamped_copy("WEB02", 42, 7, "text", t0 + 20ms));
    EXPECT_FALSE(f.stamped_copy("WEB01", 43, 7, "text", t0 + 20ms));
    EXPECT_FALSE(f.stamped_copy("WEB01", 42, 8, "text", t0 + 20ms));
    EXPECT_FALSE(f.stamped_copy("WEB01", 42, 7, "other", t0 + 20ms));
}

TEST(repeat_filter, after_the_window_a_stamp_is_new_and_a_copy_does_not_extend_it) {
    repeat_filter f(1s);
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0));
    EXPECT_TRUE(f.stamped_copy("h", 1, 1, "x", t0 + 900ms));
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0 + 1000ms));
    EXPECT_TRUE(f.stamped_copy("h", 1, 1, "x", t0 + 1500ms));
}

TEST(repeat_filter, window_zero_never_sees_a_copy) {
    repeat_filter f(0ms);
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0));
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0));
    EXPECT_FALSE(f.unstamped_copy("PC1", p1, "x", t0));
    EXPECT_FALSE(f.unstamped_copy("PC1", p2, "x", t0));
}

// ---- unstamped messages: a copy only by another path ----

TEST(repeat_filter, the_same_payload_by_the_same_path_is_always_new) {
    repeat_filter f(2s);
    for (const char* word : {"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"}) {
        EXPECT_FALSE(f.unstamped_copy("10.0.0.5", p1, word, t0 + 1ms)) << word;
    }
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(f.unstamped_copy("10.0.0.5", p1, "connection refused", t0 + 300ms * i));
}

TEST(repeat_filter, the_same_payload_by_another_path_is_a_copy) {
    repeat_filter f(2s);
    EXPECT_FALSE(f.unstamped_copy("PC1", p1, "hello", t0));
    EXPECT_TRUE(f.unstamped_copy("PC1", p2, "hello", t0 + 1ms));
    // another sender, another payload: new
    EXPECT_FALSE(f.unstamped_copy("PC2", p2, "hello", t0 + 2ms));
    EXPECT_FALSE(f.unstamped_copy("PC1", p2, "hello!", t0 + 2ms));
}

TEST(repeat_filter, two_sends_over_two_paths_are_two_messages_in_any_order) {
    // the four arrivals of two sends, each sent over both paths, in every order
    // the network can give them (each send's own copies in either order)
    const std::vector<std::vector<std::uint64_t>> orders = {
        {p1, p2, p1, p2}, {p1, p1, p2, p2}, {p2, p1, p1, p2}, {p1, p2, p2, p1}, {p2, p2, p1, p1}, {p2, p1, p2, p1}};
    for (const auto& order : orders) {
        repeat_filter f(2s);
        int fresh = 0;
        for (std::size_t i = 0; i < order.size(); ++i) {
            fresh += f.unstamped_copy("PC1", order[i], "disk full", t0 + std::chrono::milliseconds(i)) ? 0 : 1;
        }
        EXPECT_EQ(fresh, 2);
    }
}

TEST(repeat_filter, three_paths_of_a_multi_homed_sender_and_a_fourth_is_never_hidden) {
    repeat_filter f(2s);
    EXPECT_FALSE(f.unstamped_copy("PC1", p1, "x", t0));
    EXPECT_TRUE(f.unstamped_copy("PC1", p2, "x", t0));
    EXPECT_TRUE(f.unstamped_copy("PC1", p3, "x", t0));
    // more paths than a slot follows: let through, a visible copy rather than a lost line
    EXPECT_FALSE(f.unstamped_copy("PC1", p4, "x", t0));
}

TEST(repeat_filter, an_episode_lasts_one_window_from_its_first_arrival) {
    repeat_filter f(1s);
    EXPECT_FALSE(f.unstamped_copy("PC1", p1, "ping", t0));
    EXPECT_TRUE(f.unstamped_copy("PC1", p2, "ping", t0 + 999ms));
    // a new episode: the other path's arrival is new again
    EXPECT_FALSE(f.unstamped_copy("PC1", p2, "ping", t0 + 1000ms));
    EXPECT_TRUE(f.unstamped_copy("PC1", p1, "ping", t0 + 1001ms));
}

TEST(repeat_filter, keys_survive_a_generation_change_within_the_window) {
    repeat_filter f(2s, 64);  // 32 keys per generation
    for (int k = 1; k <= 20; ++k) EXPECT_FALSE(f.stamped_copy("h", 1, k, "x", t0));
    // the 33rd new key starts a new generation: the first 32 are still known
    for (int k = 21; k <= 40; ++k) EXPECT_FALSE(f.stamped_copy("h", 1, k, "x", t0 + 1ms));
    for (int k = 1; k <= 40; ++k) EXPECT_TRUE(f.stamped_copy("h", 1, k, "x", t0 + 2ms)) << k;
    // and an unstamped episode that moves to the new generation keeps its counts
    repeat_filter g(2s, 64);
    EXPECT_FALSE(g.unstamped_copy("PC1", p1, "moved", t0));
    for (int k = 0; k < 40; ++k) EXPECT_FALSE(g.unstamped_copy("PC1", p1, std::to_string(k), t0 + 1ms));
    EXPECT_TRUE(g.unstamped_copy("PC1", p2, "moved", t0 + 2ms));
    EXPECT_FALSE(g.unstamped_copy("PC1", p1, "moved", t0 + 3ms));
}

TEST(repeat_filter, memory_is_bounded_under_a_flood_and_what_is_forgotten_is_never_dropped) {
    repeat_filter f(2s, 1024);
    for (int k = 1; k <= 100000; ++k) ASSERT_FALSE(f.stamped_copy("h", 1, k, "x", t0));
    // at least the last capacity/2 keys are remembered
    for (int k = 100000 - 511; k <= 100000; ++k) EXPECT_TRUE(f.stamped_copy("h", 1, k, "x", t0)) << k;
    // a flood of one path's messages never makes another path's message a copy
    repeat_filter g(2s, 1024);
    for (int k = 0; k < 100000; ++k) ASSERT_FALSE(g.unstamped_copy("PC1", p1, std::to_string(k), t0));
    for (int k = 0; k < 100000; k += 997) ASSERT_FALSE(g.unstamped_copy("PC1", p1, std::to_string(k), t0));
}

TEST(repeat_filter, slots_older_than_two_windows_are_gone_after_49_days) {
    // the slots keep 32-bit milliseconds: a key seen 2^32 ms later is new
    repeat_filter f(2s);
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0));
    EXPECT_FALSE(f.stamped_copy("h", 1, 1, "x", t0 + std::chrono::milliseconds(1ull << 32)));
    EXPECT_FALSE(f.unstamped_copy("PC1", p1, "x", t0));
    EXPECT_FALSE(f.unstamped_copy("PC1", p2, "x", t0 + std::chrono::milliseconds((1ull << 32) * 2)));
}

} // namespace
