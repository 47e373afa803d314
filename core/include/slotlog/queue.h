#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace slotlog {

// what the consumer of a bounded_queue takes at once. its items are reused:
// when the consumer takes the next batch, this one's items go back to the
// queue, where producers fill them again (try_fill), so that items which own
// memory (a payload's string) keep it from one batch to the next instead of
// being allocated by a producer's thread and freed by the consumer's
template <typename T>
class queue_batch {
public:
    T* begin() noexcept { return items_.data(); }
    T* end() noexcept { return items_.data() + size_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    template <typename>
    friend class bounded_queue;
    std::vector<T> items_;  // size_ items taken, then spare ones
    std::size_t size_ = 0;
};

// a bounded multi-producer, single-consumer queue that hands whole batches to
// the consumer, which takes everything queued in one swap. try_push never
// blocks (a full queue refuses the item, and the caller counts the drop);
// push_or_wait is for producers whose transport holds back its senders while
// they wait, so that a waiting producer loses nothing and the queue stays short
template <typename T>
class bounded_queue {
public:
    using batch = queue_batch<T>;

    // the items a taken batch hands back for reuse, at most: what a steady
    // stream needs, not what a burst once took
    static constexpr std::size_t max_spare = 1024;

    explicit bounded_queue(std::size_t capacity) : capacity_(capacity) {}

    // false if the queue is full or closed
    bool try_push(T&& item) {
        return try_fill([&](T& slot) { slot = std::move(item); });
    }

    // like try_push, but `fill(T&)` writes the item into a reused one (which
    // holds an old item's values), under the queue's lock: keep it short. if
    // fill throws, nothing is queued and the exception passes on
    template <typename Fill>
    bool try_fill(Fill&& fill) {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (closed_ || count_ >= capacity_) return false;
            fill(next_slot_());
            ++count_;
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
        return fill_or_wait([&](T& slot) { slot = std::move(item); }, soft_limit, max_wait);
    }

    // push_or_wait with a fill, as try_fill
    template <typename Fill>
    bool fill_or_wait(Fill&& fill, std::size_t soft_limit, std::chrono::milliseconds max_wait) {
        bool wake = false;
        {
            std::unique_lock lock(mutex_);
            const auto below_limit = [&] {
                return closed_ || count_ < std::min(soft_limit, std::max<std::size_t>(capacity_ / 2, 1));
            };
            if (!below_limit() && !gave_up_waiting_) {
                ++producers_waiting_;
                if (consumer_pausing_) ready_.notify_one();  // its pause would only hold us up
                if (!room_.wait_for(lock, max_wait, below_limit)) gave_up_waiting_ = true;
                --producers_waiting_;
            }
            if (closed_ || count_ >= capacity_) return false;
            fill(next_slot_());
            ++count_;
            wake = consumer_waiting_;
        }
        if (wake) ready_.notify_one();
        return true;
    }

    // takes every queued item into `out`, waiting up to `timeout` for the
    // first one; out's previous items go back to the queue for reuse. false
    // once the queue is closed and empty
    bool pop_batch(batch& out, std::chrono::milliseconds timeout) {
        // spare items beyond what a steady stream needs are freed here, outside the lock
        if (out.items_.size() > max_spare) out.items_.resize(max_spare);
        out.size_ = 0;
        bool room = false;
        {
            std::unique_lock lock(mutex_);
            if (count_ == 0 && !closed_) {
                consumer_waiting_ = true;
                ready_.wait_for(lock, timeout, [&] { return count_ != 0 || closed_ || woken_; });
                consumer_waiting_ = false;
            }
            woken_ = false;
            if (count_ == 0) return !closed_;
            out.items_.swap(items_);
            out.size_ = count_;
            count_ = 0;
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
        return count_;
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
    // the item after the queued ones: a spare one if there is one, else a new one
    T& next_slot_() {
        if (count_ == items_.size()) items_.emplace_back();
        return items_[count_];
    }

    mutable std::mutex mutex_;
    std::condition_variable ready_;    // the consumer's: items, close, wake
    std::condition_variable room_;     // push_or_wait's: a batch taken, close, capacity
    std::vector<T> items_;             // count_ queued items, then spare ones
    std::size_t count_ = 0;
    std::size_t capacity_;
    std::size_t producers_waiting_ = 0;
    bool closed_ = false;
    bool consumer_waiting_ = false;
    bool consumer_pausing_ = false;
    bool woken_ = false;
    bool gave_up_waiting_ = false;     // a wait timed out; cleared by the next batch taken
};

} // namespace slotlog
