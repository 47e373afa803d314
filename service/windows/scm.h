#pragma once

// what the service host and install/uninstall share: the service's names and
// an owned SC_HANDLE

#include <windows.h>

namespace slotlog::scm {

// install/uninstall create and delete this service; the host itself runs
// under whatever name the scm gives it (sc create may pick another one)
inline constexpr const wchar_t* service_name = L"slotlog";
inline constexpr const wchar_t* display_name = L"slotlog mailslot logging service";
inline constexpr const wchar_t* description =
    L"Collects log messages sent to the mailslot \\\\*\\mailslot\\logger (and UDP) by "
    L"applications anywhere in the domain and writes them to rotating files and the Event Log.";
inline constexpr const wchar_t* account = L"NT AUTHORITY\\LocalService";
// the event log source of the service's own events (start, stop, failures)
inline constexpr const char* event_source = "slotlog";

// an owned SC_HANDLE (service control manager or service)
class handle {
public:
    handle() = default;
    explicit handle(SC_HANDLE h) : h_(h) {}
    ~handle() { reset(); }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    SC_HANDLE get() const noexcept { return h_; }
    explicit operator bool() const noexcept { return h_ != nullptr; }
    void reset() noexcept {
        if (h_) ::CloseServiceHandle(h_);
        h_ = nullptr;
    }
private:
    SC_HANDLE h_ = nullptr;
};

} // namespace slotlog::scm
