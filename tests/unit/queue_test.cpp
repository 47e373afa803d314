#include <slotlog/queue.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "wait_for.h"

using slotlog::bounded_queue;
using slotlog::testing::eventually;
using namespace std::chrono_literals;

namespace {

std::vector<int> items_of(bounded_queue<int>::batch& batch) { return {batch.begin(), batch.end()}; }

} // namespace

TEST(bounded_queue, refuses_items_beyond_its_capacity) {
    bounded_queue<int> q(3);
    EXPECT_TRUE(q.try_push(1));
    EXPECT_TRUE(q.try_push(2));
    EXPECT_TRUE(q.try_push(3));
    EXPECT_FALSE(q.try_push(4));
    EXPECT_EQ(q.size(), 3u);
}

TEST(bounded_queue, hands_over_everything_queued_in_order) {
    bounded_queue<int> q(10);
    for (int i = 0; i < 5; ++i) q.try_push(int(i));
    bounded_queue<int>::batch batch;
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(items_of(batch), (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(q.size(), 0u);
    // room again after the batch was taken
    EXPECT_TRUE(q.try_push(5));
}

TEST(bounded_queue, times_out_with_an_empty_batch_while_open) {
    bounded_queue<int> q(4);
    bounded_queue<int>::batch batch;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.pop_batch(batch, 50ms));
    EXPECT_TRUE(batch.empty());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
}

TEST(bounded_queue, close_keeps_what_is_queued_then_ends) {
    bounded_queue<int> q(4);
    q.try_push(7);
    q.close();
    EXPECT_FALSE(q.try_push(8));
    bounded_queue<int>::batch batch;
    EXPECT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(items_of(batch), std::vector<int>{7});
    EXPECT_FALSE(q.pop_batch(batch, 1000ms));
}

TEST(bounded_queue, close_wakes_a_waiting_consumer) {
    bounded_queue<int> q(4);
    std::atomic<bool> returned{false};
    std::thread consumer([&] {
        bounded_queue<int>::batch batch;
        EXPECT_FALSE(q.pop_batch(batch, 60s));
        returned = true;
    });
    ASSERT_TRUE(eventually([&] { return q.consumer_waiting(); })) << "the consumer never waited";
    const auto closed = std::chrono::steady_clock::now();
    q.close();
    consumer.join();
    EXPECT_TRUE(returned.load());
    EXPECT_LT(std::chrono::steady_clock::now() - closed, 30s);  // woken by close, not the timeout
}

TEST(bounded_queue, every_item_is_either_delivered_or_refused_under_contention) {
    bounded_queue<int> q(64);
    constexpr int producers = 4, per_producer = 20000;
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i) {
                if (!q.try_push(p * per_producer + i)) ++refused;
            }
        });
    }
    std::atomic<bool> done{false};
    std::thread closer([&] {
        for (auto& t : threads) t.join();
        q.close();
        done = true;
    });
    bounded_queue<int>::batch batch;
    std::vector<int> all;
    while (q.pop_batch(batch, 10ms)) {
        all.insert(all.end(), batch.begin(), batch.end());
    }
    closer.join();
    EXPECT_EQ(static_cast<int>(all.size()) + refused.load(), producers * per_producer);
    // each producer's items arrive in the order it pushed them
    std::vector<int> last(producers, -1);
    for (int v : all) {
        const int p = v / per_producer;
        EXPECT_GT(v, last[p]);
        last[p] = v;
    }
}

TEST(bounded_queue, wake_returns_a_waiting_consumer_without_items) {
    slotlog::bounded_queue<int> q(4);
    bounded_queue<int>::batch out;
    std::thread consumer([&] { EXPECT_TRUE(q.pop_batch(out, 60s)); });
    ASSERT_TRUE(eventually([&] { return q.consumer_waiting(); })) << "the consumer never waited";
    const auto woken = std::chrono::steady_clock::now();
    q.wake();
    consumer.join();
    EXPECT_TRUE(out.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - woken, 30s);  // woken, not timed out
}

TEST(bounded_queue, push_or_wait_pushes_at_once_below_the_soft_limit) {
    bounded_queue<int> q(8);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.push_or_wait(1, 2, 10s));
    EXPECT_TRUE(q.push_or_wait(2, 2, 10s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_EQ(q.size(), 2u);
}

TEST(bounded_queue, push_or_wait_waits_for_the_consumer_then_pushes) {
    bounded_queue<int> q(8);
    ASSERT_TRUE(q.push_or_wait(1, 2, 10s));
    ASSERT_TRUE(q.push_or_wait(2, 2, 10s));
    std::atomic<bool> pushed{false};
    std::thread producer([&] {
        EXPECT_TRUE(q.push_or_wait(3, 2, 10s));
        pushed = true;
    });
    ASSERT_TRUE(eventually([&] { return q.producers_waiting() == 1; })) << "the producer never waited";
    EXPECT_FALSE(pushed.load());  // still at the soft limit: it waits
    EXPECT_EQ(q.size(), 2u);
    bounded_queue<int>::batch batch;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    producer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // woken by the batch, not the timeout
    EXPECT_EQ(items_of(batch), (std::vector<int>{1, 2}));
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(items_of(batch), std::vector<int>{3});
}

TEST(bounded_queue, push_or_wait_times_out_and_pushes_while_below_the_capacity) {
    bounded_queue<int> q(3);
    ASSERT_TRUE(q.push_or_wait(1, 1, 10s));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.push_or_wait(2, 1, 50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
    EXPECT_EQ(q.size(), 2u);
}

TEST(bounded_queue, push_or_wait_times_out_and_drops_at_the_capacity) {
    bounded_queue<int> q(2);
    ASSERT_TRUE(q.try_push(1));
    ASSERT_TRUE(q.try_push(2));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(q.push_or_wait(3, 2, 50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
    EXPECT_EQ(q.size(), 2u);
}

TEST(bounded_queue, push_or_wait_keeps_half_the_capacity_for_others) {
    bounded_queue<int> q(4);
    // a soft limit above half the capacity is half the capacity
    ASSERT_TRUE(q.push_or_wait(1, 100, 10s));
    ASSERT_TRUE(q.push_or_wait(2, 100, 10s));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.push_or_wait(3, 100, 50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
    // the rest is there for try_push
    EXPECT_TRUE(q.try_push(4));
    EXPECT_FALSE(q.try_push(5));
}

TEST(bounded_queue, close_wakes_a_waiting_producer_and_refuses_its_item) {
    bounded_queue<int> q(4);
    ASSERT_TRUE(q.push_or_wait(1, 1, 10s));
    std::thread producer([&] { EXPECT_FALSE(q.push_or_wait(2, 1, 60s)); });
    ASSERT_TRUE(eventually([&] { return q.producers_waiting() == 1; })) << "the producer never waited";
    const auto closed = std::chrono::steady_clock::now();
    q.close();
    producer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - closed, 30s);  // woken by close, not the timeout
    bounded_queue<int>::batch batch;
    EXPECT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(items_of(batch), std::vector<int>{1});
}

TEST(bounded_queue, after_a_timed_out_wait_producers_do_not_wait_again_until_a_batch_is_taken) {
    bounded_queue<int> q(10);
    ASSERT_TRUE(q.push_or_wait(1, 1, 10s));
    ASSERT_TRUE(q.push_or_wait(2, 1, 50ms));  // one wait, timed out: a stuck consumer
    // the consumer did not take a batch: no more waits (a 10 s wait would fail the test)
    auto start = std::chrono::steady_clock::now();
    for (int i = 3; i <= 10; ++i) EXPECT_TRUE(q.push_or_wait(int(i), 1, 10s));
    EXPECT_FALSE(q.push_or_wait(11, 1, 10s));  // at the capacity: dropped at once
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    // a batch taken: the next push at the soft limit waits again
    bounded_queue<int>::batch batch;
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(batch.size(), 10u);
    ASSERT_TRUE(q.push_or_wait(12, 1, 10s));
    start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.push_or_wait(13, 1, 50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
}

TEST(bounded_queue, push_or_wait_loses_nothing_with_a_slow_consumer_and_several_producers) {
    bounded_queue<int> q(16);
    constexpr int producers = 4, per_producer = 5000;
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_producer; ++i) {
                if (!q.push_or_wait(p * per_producer + i, 4, 10s)) ++refused;
            }
        });
    }
    std::thread closer([&] {
        for (auto& t : threads) t.join();
        q.close();
    });
    bounded_queue<int>::batch batch;
    std::vector<int> all;
    std::size_t largest = 0;
    while (q.pop_batch(batch, 10ms)) {
        largest = std::max(largest, batch.size());
        all.insert(all.end(), batch.begin(), batch.end());
        std::this_thread::sleep_for(100us);  // slower than the producers
    }
    closer.join();
    EXPECT_EQ(refused.load(), 0);
    EXPECT_EQ(static_cast<int>(all.size()), producers * per_producer);
    // a producer pushes only below the soft limit: the queue never holds more
    EXPECT_LE(largest, 4u);
}

TEST(bounded_queue, pause_lasts_its_time_unless_a_producer_waits_for_room) {
    bounded_queue<int> q(8);
    ASSERT_TRUE(q.try_push(1));
    auto start = std::chrono::steady_clock::now();
    q.pause(50ms);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
    // a producer at the soft limit ends it: pausing on would only hold it up
    std::thread producer([&] {
        std::this_thread::sleep_for(20ms);
        EXPECT_TRUE(q.push_or_wait(2, 1, 10s));
    });
    start = std::chrono::steady_clock::now();
    q.pause(10s);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    bounded_queue<int>::batch batch;
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    producer.join();
    EXPECT_EQ(items_of(batch), std::vector<int>{1});
}

TEST(bounded_queue, close_ends_a_pause) {
    bounded_queue<int> q(8);
    std::thread consumer([&] { q.pause(60s); });
    ASSERT_TRUE(eventually([&] { return q.consumer_waiting(); })) << "the pause never began";
    const auto closed = std::chrono::steady_clock::now();
    q.close();
    consumer.join();
    EXPECT_LT(std::chrono::steady_clock::now() - closed, 30s);
}

TEST(bounded_queue, a_taken_batch_goes_back_to_the_queue_for_reuse) {
    // items that own memory keep it from one batch to the next: the producer
    // fills an item the consumer handed back instead of allocating
    bounded_queue<std::string> q(8);
    bounded_queue<std::string>::batch batch;
    ASSERT_TRUE(q.try_fill([](std::string& s) { s.assign(100, 'a'); }));
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    ASSERT_EQ(batch.size(), 1u);
    const char* storage = batch.begin()->data();

    // the next batch taken hands the first one's item back to the queue
    ASSERT_TRUE(q.try_push(std::string(100, 'c')));
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    ASSERT_TRUE(q.try_fill([](std::string& s) {
        EXPECT_EQ(s, std::string(100, 'a'));  // the old item, to be overwritten
        s.assign(90, 'b');
    }));
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    ASSERT_EQ(batch.size(), 1u);
    EXPECT_EQ(*batch.begin(), std::string(90, 'b'));
    EXPECT_EQ(batch.begin()->data(), storage);
}

TEST(bounded_queue, a_fill_that_throws_queues_nothing) {
    bounded_queue<int> q(2);
    EXPECT_THROW(q.try_fill([](int&) { throw std::runtime_error("no"); }), std::runtime_error);
    EXPECT_EQ(q.size(), 0u);
    ASSERT_TRUE(q.try_push(1));
    ASSERT_TRUE(q.try_push(2));
    EXPECT_FALSE(q.try_push(3));
}
