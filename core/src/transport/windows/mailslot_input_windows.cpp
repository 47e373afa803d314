// the windows mailslot: CreateMailslotW, read with overlapped ReadFile while
// waiting on the read and a stop event together (no polling). windows creates
// the handle overlapped; wine 8 creates it synchronous, so ReadFile blocks
// there: stop() also writes a wake token (random per input, never delivered)
// that ends such a read

#include <windows.h>

#include <algorithm>
#include <random>
#include <vector>

#include <fmt/format.h>

#include <slotlog/slot_name.h>

#include "transport/inputs.h"
#include "windows/win_util.h"

namespace slotlog {

namespace {

// windows refuses writes over the slot's maximum and fails short reads with
// ERROR_INSUFFICIENT_BUFFER; wine does neither and cuts the message to the
// buffer. so the buffer is larger than any message the slot accepts, and a
// read that fills it is reported as possibly cut
constexpr std::size_t min_buffer = 64 * 1024;
// after a wake-up, messages read before the reader checks for a stop again
constexpr int max_drain_per_wake = 1024;

std::size_t buffer_size_for(std::uint64_t max_message_size) {
    return static_cast<std::size_t>(std::max<std::uint64_t>(max_message_size, min_buffer)) + 1;
}

class mailslot_input final : public threaded_input {
public:
    explicit mailslot_input(const input_config& cfg)
        : threaded_input(cfg.key()), slot_(parse_slot_name(cfg.name)),
          buffer_(buffer_size_for(cfg.max_message_size)) {
        const auto path = widen(slot_.local_path());
        mailslot_.reset(::CreateMailslotW(path.c_str(), static_cast<DWORD>(cfg.max_message_size),
                                          MAILSLOT_WAIT_FOREVER, nullptr));
        if (!mailslot_.valid()) {
            const DWORD err = ::GetLastError();
            if (err == ERROR_ALREADY_EXISTS) {
                throw std::runtime_error(fmt::format("slot '{}' is already being read by another process ({})",
                                                     slot_.name, slot_.local_path()));
            }
            throw std::runtime_error(fmt::format("cannot create mailslot {}: {}", slot_.local_path(), error_text(err)));
        }
        read_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
        stop_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
        std::random_device random;
        for (int i = 0; i < 8; ++i) {
            const auto r = random();
            wake_token_.append(reinterpret_cast<const char*>(&r), sizeof r);
        }
    }

    ~mailslot_input() override { stop(); }

private:
    void run(message_handler& handler, unsigned) noexcept override {
        // remote writes arrive here too, once per transport, but nothing names
        // their sender: only stamped copies can be told (repeat_filter.h)
        origin from{slot_.name, {}, {}};
        for (;;) {
            if (::WaitForSingleObject(stop_event_.get(), 0) == WAIT_OBJECT_0) {
                drain_(handler, from);
                return;
            }
            OVERLAPPED ov{};
            ov.hEvent = read_event_.get();
            ::ResetEvent(read_event_.get());
            DWORD got = 0;
            BOOL ok = ::ReadFile(mailslot_.get(), buffer_.data(), static_cast<DWORD>(buffer_.size()), &got, &ov);
            DWORD err = ok ? 0 : ::GetLastError();
            if (!ok && err == ERROR_IO_PENDING) {
                const HANDLE events[2] = {read_event_.get(), stop_event_.get()};
                const DWORD which = ::WaitForMultipleObjects(2, events, FALSE, INFINITE);
                if (which != WAIT_OBJECT_0) {
                    ::CancelIo(mailslot_.get());
                    // the read may have completed while it was being cancelled
                    if (::GetOverlappedResult(mailslot_.get(), &ov, &got, TRUE)) deliver_(handler, from, got);
                    drain_(handler, from);
                    return;
                }
                ok = ::GetOverlappedResult(mailslot_.get(), &ov, &got, FALSE);
                err = ok ? 0 : ::GetLastError();
            }
            if (ok) {
                deliver_(handler, from, got);
                // then whatever else is queued, without waiting: one wake-up, many messages
                drain_(handler, from, max_drain_per_wake);
            } else if (err == ERROR_INSUFFICIENT_BUFFER) {
                grow_();  // the message waits whole for a buffer that fits it
            } else if (::WaitForSingleObject(stop_event_.get(), 10) == WAIT_OBJECT_0) {
                drain_(handler, from);
                return;
            }
        }
    }

    void deliver_(message_handler& handler, origin& from, DWORD size) noexcept {
        const std::string_view message(buffer_.data(), size);
        if (message == wake_token_) return;
        if (size == buffer_.size()) {
            handler.on_problem(level::warning,
                               fmt::format("a message on slot {} filled the whole read buffer ({} bytes) and may have "
                                           "been cut by the system", slot_.name, size));
        }
        from.received = clock::now();
        handler.on_message(message, from);
    }

    void wake() noexcept override {
        ::SetEvent(stop_event_.get());
        const auto path = widen(slot_.local_path());
        const HANDLE h = ::CreateFileW(path.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
        if (h == INVALID_HANDLE_VALUE) return;
        DWORD written = 0;
        ::WriteFile(h, wake_token_.data(), static_cast<DWORD>(wake_token_.size()), &written, nullptr);
        ::CloseHandle(h);
    }

    void grow_() {
        DWORD next = MAILSLOT_NO_MESSAGE;
        if (::GetMailslotInfo(mailslot_.get(), nullptr, &next, nullptr, nullptr) && next != MAILSLOT_NO_MESSAGE &&
            next > buffer_.size()) {
            buffer_.resize(next);
        } else {
            buffer_.resize(buffer_.size() * 2);
        }
    }

    // what the mailslot holds now, up to `limit` messages (after a stop: all of it)
    void drain_(message_handler& handler, origin& from, int limit = max_drain_after_stop) noexcept {
        for (int n = 0; n < limit; ++n) {
            DWORD next = MAILSLOT_NO_MESSAGE, count = 0;
            if (!::GetMailslotInfo(mailslot_.get(), nullptr, &next, &count, nullptr) || next == MAILSLOT_NO_MESSAGE)
                return;
            if (next > buffer_.size()) buffer_.resize(next);
            OVERLAPPED ov{};
            ov.hEvent = read_event_.get();
            ::ResetEvent(read_event_.get());
            DWORD got = 0;
            BOOL ok = ::ReadFile(mailslot_.get(), buffer_.data(), static_cast<DWORD>(buffer_.size()), &got, &ov);
            if (!ok && ::GetLastError() == ERROR_IO_PENDING) ok = ::GetOverlappedResult(mailslot_.get(), &ov, &got, TRUE);
            if (!ok) return;
            deliver_(handler, from, got);
        }
    }

    slot_name slot_;
    std::vector<char> buffer_;
    std::string wake_token_;
    win_handle mailslot_;
    win_handle read_event_;
    win_handle stop_event_;
};

} // namespace

std::unique_ptr<input> make_mailslot_input(const input_config& cfg) {
    return std::make_unique<mailslot_input>(cfg);
}

} // namespace slotlog
