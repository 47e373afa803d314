#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace slotlog {

// a bounded multi-producer, single-consumer queue that hands whole batches to
// the consumer, which takes everything queued in one swap. try_push never
// blocks (a full queue refuses the item, and the caller counts the drop);
// push_or_wait is for producers whose transport holds back its senders while
// they wait, so that a waiting producer loses nothing and the queue stays short
template <typename T>
class bounded_queue {
public:
    explicit bounded_queue(std::size_t capacity) : capacity_(capacity) {}

    // false if the queue is full or closed
    bool try_push(T&& item) {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (closed_ || items_.size() >= capacity_) return false;
            items_.push_back(std::move(item));
            wake = consumer_waiting_;
        }
        if (wake) ready_.notify_one();
        return true;
    }

    // like try_push, but while `soft_limit` or more items are queued (at most
    // half the capacity: the rest stays for try_push, the collector's own
    // entries and readers that cannot wait), first waits until the consumer
    // takes them, the queue is closed or `max_wait` passes. after a wait that
    // timed out, no producer waits again until the consumer takes its next
    // batch: a stuck consumer costs one wait, not one per item. never call it
    // from the consumer's thread
    bool push_or_wait(T&& item, std::size_t soft_limit, std::chrono::milliseconds max_wait) {
        bool wake = false;
        {
            std::unique_lock lock(mutex_);
            const auto below_limit = [&] {
                return closed_ || items_.size() < std::min(soft_limit, std::max<std::size_t>(capacity_ / 2, 1));
            };
            if (!below_limit() && !gave_up_waiting_) {
                ++producers_waiting_;
                if (consumer_pausing_) ready_.notify_one();  // its pause would only hold us up
                if (!room_.wait_for(lock, max_wait, below_limit)) gave_up_waiting_ = true;
                --producers_waiting_;
            }
            if (closed_ || items_.size() >= capacity_) return false;
            items_.push_back(std::move(item));
            wake = consumer_waiting_;
        }
        if (wake) ready_.notify_one();
        return true;
    }

    // moves every queued item into `out` (which should be empty), waiting up to
    // `timeout` for the first one. false once the queue is closed and empty
    bool pop_batch(std::vector<T>& out, std::chrono::milliseconds timeout) {
        bool room = false;
        {
            std::unique_lock lock(mutex_);
            if (items_.empty() && !closed_) {
                consumer_waiting_ = true;
                ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_ || woken_; });
                consumer_waiting_ = false;
            }
            woken_ = false;
            if (items_.empty()) return !closed_;
            out.swap(items_);
            gave_up_waiting_ = false;
            room = producers_waiting_ > 0;
        }
        if (room) room_.notify_all();
        return true;
    }

    // the consumer's pause between two batches, to let a batch grow: returns
    // after `timeout`, or at once when a producer waits for room, the queue is
    // closed or wake() is called
    void pause(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        consumer_pausing_ = true;
        ready_.wait_for(lock, timeout, [&] { return producers_waiting_ > 0 || closed_ || woken_; });
        consumer_pausing_ = false;
    }

    // a waiting consumer returns from pop_batch (or pause) now, with or without items
    void wake() {
        {
            std::lock_guard lock(mutex_);
            woken_ = true;
        }
        ready_.notify_one();
    }

    // producers are refused from now on; the consumer still gets what is queued
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
        room_.notify_all();
    }

    void set_capacity(std::size_t capacity) {
        {
            std::lock_guard lock(mutex_);
            capacity_ = capacity;
        }
        room_.notify_all();  // a larger queue may have room for a waiting producer
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

    // who waits in the queue now: the consumer in pop_batch or pause, the
    // producers in push_or_wait
    bool consumer_waiting() const {
        std::lock_guard lock(mutex_);
        return consumer_waiting_ || consumer_pausing_;
    }
    std::size_t producers_waiting() const {
        std::lock_guard lock(mutex_);
        return producers_waiting_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;    // the consumer's: items, close, wake
    std::condition_variable room_;     // push_or_wait's: a batch taken, close, capacity
    std::vector<T> items_;
    std::size_t capacity_;
    std::size_t producers_waiting_ = 0;
    bool closed_ = false;
    bool consumer_waiting_ = false;
    bool consumer_pausing_ = false;
    bool woken_ = false;
    bool gave_up_waiting_ = false;     // a wait timed out; cleared by the next batch taken
};

} // namespace slotlog
