#pragma once

// at most `limit` events per `window`: what the collector says of its own
// accord (warnings a hostile sender could cause once per message) stays readable

#include <chrono>
#include <cstdint>

namespace slotlog {

class rate_limit {
public:
    using time_point = std::chrono::steady_clock::time_point;

    rate_limit(std::uint32_t limit, std::chrono::milliseconds window) : limit_(limit), window_(window) {}

    // true if one more event may pass at `now` (and counts it)
    bool allow(time_point now) noexcept {
        if (!started_ || now - start_ >= window_) {
            start_ = now;
            started_ = true;
            passed_ = 0;
        }
        if (passed_ >= limit_) return false;
        ++passed_;
        return true;
    }

private:
    std::uint32_t limit_;
    std::chrono::milliseconds window_;
    time_point start_{};
    bool started_ = false;
    std::uint32_t passed_ = 0;
};

} // namespace slotlog
