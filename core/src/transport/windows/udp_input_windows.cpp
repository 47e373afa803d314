// udp input on windows: winsock, woken by WSAEventSelect or the stop event;
// every datagram queued is read per wake-up

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "transport/inputs.h"
#include "windows/win_util.h"

namespace slotlog {

namespace {

constexpr std::size_t max_udp_payload = 65535;

void start_winsock() {
    static std::once_flag once;
    std::call_once(once, [] {
        WSADATA data;
        ::WSAStartup(MAKEWORD(2, 2), &data);
    });
}

class udp_input final : public threaded_input {
public:
    explicit udp_input(const input_config& cfg)
        : threaded_input(cfg.key(), cfg.readers),
          max_message_size_(cfg.max_message_size == 0 || cfg.max_message_size > max_udp_payload
                                ? max_udp_payload
                                : static_cast<std::size_t>(cfg.max_message_size)) {
        start_winsock();
        const auto [host, port] = split_host_port(cfg.bind);
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_DGRAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found) != 0) {
            throw std::runtime_error(fmt::format("cannot listen on udp {}: {}", cfg.bind, error_text(::WSAGetLastError())));
        }
        std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
        socket_ = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
        if (socket_ == INVALID_SOCKET) throw error_("socket", cfg.bind);
        const int wanted = static_cast<int>(std::min<std::uint64_t>(cfg.recv_buffer, 1u << 30));
        ::setsockopt(socket_, SOL_SOCKET, SO_RCVBUF, reinterpret_cast<const char*>(&wanted), sizeof wanted);
        // a second collector on the port is an error, not a silent share
        BOOL exclusive = TRUE;
        ::setsockopt(socket_, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&exclusive), sizeof exclusive);
        if (::bind(socket_, found->ai_addr, static_cast<int>(found->ai_addrlen)) != 0) {
            const auto e = error_("cannot listen on udp", cfg.bind);
            ::closesocket(socket_);
            throw e;
        }
        data_event_ = ::WSACreateEvent();
        ::WSAEventSelect(socket_, data_event_, FD_READ);  // also makes the socket non-blocking
        stop_event_.reset(::CreateEventW(nullptr, TRUE, FALSE, nullptr));  // manual reset: every reader sees it
        for (unsigned i = 0; i < readers(); ++i) readers_.push_back(std::make_unique<reader>(cfg));
    }

    ~udp_input() override {
        stop();
        ::closesocket(socket_);
        ::WSACloseEvent(data_event_);
    }

private:
    static std::runtime_error error_(const char* what, const std::string& bind) {
        return std::runtime_error(fmt::format("{} {}: {}", what, bind, error_text(::WSAGetLastError())));
    }

    void wake() noexcept override { ::SetEvent(stop_event_.get()); }

    // what each reading thread has of its own
    struct reader {
        explicit reader(const input_config& cfg) : delivery(cfg), buffer(new char[max_udp_payload]) {}
        datagram_delivery delivery;
        std::unique_ptr<char[]> buffer;
    };

    // several readers wait for the same event; whoever wakes reads until the
    // socket is empty, so a reset between two datagrams loses no wake-up
    void run(message_handler& handler, unsigned index) noexcept override {
        reader& r = *readers_[index];
        const HANDLE events[2] = {data_event_, stop_event_.get()};
        for (;;) {
            const DWORD which = ::WaitForMultipleObjects(2, events, FALSE, INFINITE);
            ::WSAResetEvent(data_event_);
            const bool stopping = which != WAIT_OBJECT_0;
            drain_(r, handler, stopping ? max_drain_after_stop : -1);
            if (stopping) return;
        }
    }

    void drain_(reader& r, message_handler& handler, int limit) noexcept {
        sockaddr_storage peer{};
        char peer_text[INET6_ADDRSTRLEN];
        for (int n = 0; limit < 0 || n < limit; ++n) {
            int peer_len = sizeof peer;
            const int got = ::recvfrom(socket_, r.buffer.get(), static_cast<int>(max_udp_payload), 0,
                                       reinterpret_cast<sockaddr*>(&peer), &peer_len);
            if (got < 0) return;  // WSAEWOULDBLOCK: all read (a too large datagram is WSAEMSGSIZE: dropped by winsock)
            std::string_view peer_name;
            if (::getnameinfo(reinterpret_cast<sockaddr*>(&peer), peer_len, peer_text, sizeof peer_text, nullptr, 0,
                              NI_NUMERICHOST) == 0) {
                peer_name = peer_text;
            }
            if (static_cast<std::size_t>(got) > max_message_size_) {
                // as on posix: dropped whole and counted
                handler.on_drop(fmt::format("a datagram of {} bytes from {} to {} was dropped: the input accepts "
                                            "at most {} bytes (max_message_size)",
                                            got, peer_name.empty() ? "?" : peer_name, r.delivery.where(),
                                            max_message_size_));
                continue;
            }
            r.delivery.deliver(std::string_view(r.buffer.get(), static_cast<std::size_t>(got)), peer_name,
                               clock::now(), handler);
        }
    }

    std::size_t max_message_size_;
    SOCKET socket_ = INVALID_SOCKET;
    WSAEVENT data_event_ = WSA_INVALID_EVENT;
    win_handle stop_event_;
    std::vector<std::unique_ptr<reader>> readers_;
};

} // namespace

std::unique_ptr<input> make_udp_input(const input_config& cfg) {
    return std::make_unique<udp_input>(cfg);
}

} // namespace slotlog
