#include <slotlog/queue.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

using slotlog::bounded_queue;
using namespace std::chrono_literals;

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
    std::vector<int> batch;
    ASSERT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(batch, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(q.size(), 0u);
    // room again after the batch was taken
    EXPECT_TRUE(q.try_push(5));
}

TEST(bounded_queue, times_out_with_an_empty_batch_while_open) {
    bounded_queue<int> q(4);
    std::vector<int> batch;
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
    std::vector<int> batch;
    EXPECT_TRUE(q.pop_batch(batch, 0ms));
    EXPECT_EQ(batch, std::vector<int>{7});
    batch.clear();
    EXPECT_FALSE(q.pop_batch(batch, 1000ms));
}

TEST(bounded_queue, close_wakes_a_waiting_consumer) {
    bounded_queue<int> q(4);
    std::thread closer([&] {
        std::this_thread::sleep_for(20ms);
        q.close();
    });
    std::vector<int> batch;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(q.pop_batch(batch, 10s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    closer.join();
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
    std::vector<int> batch, all;
    while (q.pop_batch(batch, 10ms)) {
        all.insert(all.end(), batch.begin(), batch.end());
        batch.clear();
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
    std::vector<int> out;
    std::thread waker([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        q.wake();
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.pop_batch(out, std::chrono::seconds(30)));
    waker.join();
    EXPECT_TRUE(out.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}
