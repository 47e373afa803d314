#pragma once

#include <windows.h>

#include <slotlog/detail/utf16.h>

namespace slotlog {

using detail::error_text;
using detail::narrow;
using detail::widen;

// an owned HANDLE
class win_handle {
public:
    win_handle() = default;
    explicit win_handle(HANDLE h) : h_(h) {}
    ~win_handle() { reset(); }
    win_handle(const win_handle&) = delete;
    win_handle& operator=(const win_handle&) = delete;
    HANDLE get() const noexcept { return h_; }
    bool valid() const noexcept { return h_ && h_ != INVALID_HANDLE_VALUE; }
    void reset(HANDLE h = nullptr) noexcept {
        if (valid()) ::CloseHandle(h_);
        h_ = h;
    }
private:
    HANDLE h_ = nullptr;
};

} // namespace slotlog
