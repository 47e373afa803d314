#pragma once

// tests wait for a condition with a deadline, never for a fixed time

#include <chrono>
#include <thread>

namespace slotlog::testing {

// true as soon as `condition` holds; false if it still does not after `timeout`
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

} // namespace slotlog::testing
