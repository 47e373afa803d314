#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <utility>
#include <vector>

namespace slotlog {

// a bounded multi-producer, single-consumer queue that hands whole batches to
// the consumer: producers never block (a full queue refuses the item, and the
// caller counts the drop), the consumer takes everything queued in one swap
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

    // moves every queued item into `out` (which should be empty), waiting up to
    // `timeout` for the first one. false once the queue is closed and empty
    bool pop_batch(std::vector<T>& out, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (items_.empty() && !closed_) {
            consumer_waiting_ = true;
            ready_.wait_for(lock, timeout, [&] { return !items_.empty() || closed_ || woken_; });
            consumer_waiting_ = false;
        }
        woken_ = false;
        if (items_.empty()) return !closed_;
        out.swap(items_);
        return true;
    }

    // a waiting consumer returns from pop_batch now, with or without items
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
    }

    void set_capacity(std::size_t capacity) {
        std::lock_guard lock(mutex_);
        capacity_ = capacity;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<T> items_;
    std::size_t capacity_;
    bool closed_ = false;
    bool consumer_waiting_ = false;
    bool woken_ = false;
};

} // namespace slotlog
