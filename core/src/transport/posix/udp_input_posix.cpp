// udp input: one datagram is one message. a large receive buffer absorbs
// bursts; recvmmsg reads a batch of datagrams per wake-up, on one thread or
// on several (the input's readers) that take turns at the same socket

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <slotlog/mailslot_wire.h>

#include "transport/inputs.h"
#include "transport/posix/datagram_batch.h"
#include "transport/posix/wake_pipe.h"

namespace slotlog {

namespace {

constexpr std::size_t max_udp_payload = 65535;

// EACCES on bind: the port is below net.ipv4.ip_unprivileged_port_start
// (1024). says how to get the right, or how to do without it
std::string privileged_port_hint(const input_config& cfg) {
    std::string hint =
        " (a port below 1024 needs root or the capability CAP_NET_BIND_SERVICE: run slotlogd as the systemd "
        "service slotlogd.service, which grants it, or grant it to the program with 'setcap "
        "cap_net_bind_service=+ep slotlogd', ";
    if (cfg.type == "netbios") {
        hint += fmt::format("or read the slotlog broadcast port instead: \"bind\": \"0.0.0.0:{}\"", wire::broadcast_port);
    } else {
        hint += "or listen on a port from 1024 up";
    }
    return hint + "; see docs/linux.md)";
}

class udp_input final : public threaded_input {
public:
    explicit udp_input(const input_config& cfg) : threaded_input(cfg.key(), cfg.readers) {
        const auto [host, port] = split_host_port(cfg.bind);
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_DGRAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
        if (rc != 0) throw std::runtime_error(fmt::format("cannot listen on udp {}: {}", cfg.bind, ::gai_strerror(rc)));
        std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);

        fd_ = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, found->ai_protocol);
        if (fd_ < 0) throw error_("socket", cfg.bind);
        // as root the buffer may exceed net.core.rmem_max; otherwise the kernel caps it
        const int wanted = static_cast<int>(std::min<std::uint64_t>(cfg.recv_buffer, 1u << 30));
        if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &wanted, sizeof wanted) != 0) {
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &wanted, sizeof wanted);
        }
        if (::bind(fd_, found->ai_addr, found->ai_addrlen) != 0) {
            const int bind_errno = errno;
            auto what = fmt::format("cannot listen on udp {}: {}", cfg.bind, std::strerror(bind_errno));
            if (bind_errno == EACCES) what += privileged_port_hint(cfg);
            ::close(fd_);
            throw std::runtime_error(what);
        }
        try {
            for (unsigned i = 0; i < readers(); ++i) readers_.push_back(std::make_unique<reader>(cfg, fd_, wake_.fd()));
        } catch (...) {
            readers_.clear();
            ::close(fd_);
            throw;
        }
    }

    ~udp_input() override {
        stop();
        readers_.clear();
        ::close(fd_);
    }

private:
    // what each reading thread has of its own
    struct reader {
        reader(const input_config& cfg, int fd, int wake_fd)
            : delivery(cfg), batch(cfg.max_message_size == 0 || cfg.max_message_size > max_udp_payload
                                       ? max_udp_payload
                                       : static_cast<std::size_t>(cfg.max_message_size)),
              epoll(::epoll_create1(EPOLL_CLOEXEC)) {
            if (epoll < 0) throw std::runtime_error(fmt::format("epoll_create1: {}", std::strerror(errno)));
            // several readers: a datagram wakes one of them, not all (EPOLLEXCLUSIVE)
            epoll_event socket_event{};
            socket_event.events = EPOLLIN | (cfg.readers > 1 ? EPOLLEXCLUSIVE : 0u);
            socket_event.data.fd = fd;
            epoll_event wake_event{};
            wake_event.events = EPOLLIN;
            wake_event.data.fd = wake_fd;
            if (::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &socket_event) != 0 ||
                ::epoll_ctl(epoll, EPOLL_CTL_ADD, wake_fd, &wake_event) != 0) {
                const int e = errno;
                ::close(epoll);
                throw std::runtime_error(fmt::format("epoll_ctl: {}", std::strerror(e)));
            }
        }
        ~reader() { ::close(epoll); }
        reader(const reader&) = delete;
        reader& operator=(const reader&) = delete;

        datagram_delivery delivery;
        datagram_batch batch;
        int epoll;
        sa_family_t last_family = AF_UNSPEC;
        unsigned char last_addr[sizeof(in6_addr)] = {};
        char last_text[INET6_ADDRSTRLEN] = {};
    };

    static std::runtime_error error_(const char* what, const std::string& bind) {
        return std::runtime_error(fmt::format("{} {}: {}", what, bind, std::strerror(errno)));
    }

    void wake() noexcept override { wake_.notify(); }  // the pipe stays readable: every reader sees it

    void run(message_handler& handler, unsigned index) noexcept override {
        reader& r = *readers_[index];
        for (;;) {
            epoll_event events[2];
            const int n = ::epoll_wait(r.epoll, events, 2, -1);
            if (n < 0 && errno != EINTR) break;
            bool stopping = false;
            for (int i = 0; i < n; ++i) stopping = stopping || events[i].data.fd != fd_;
            const int read = drain_(r, handler, stopping ? max_drain_after_stop : -1);
            if (stopping) break;
            if (read < static_cast<int>(r.batch.count())) std::this_thread::sleep_for(reader_pause);
        }
    }

    // every datagram queued, in batches; how many were read
    int drain_(reader& r, message_handler& handler, int limit) noexcept {
        int total = 0;
        while (limit < 0 || total < limit) {
            const int n = r.batch.receive(fd_);
            if (n <= 0) break;
            const auto now = clock::now();
            for (int i = 0; i < n; ++i) {
                const auto peer = peer_name_(r, r.batch.peer(i));
                if (r.batch.too_large(i)) {
                    // dropped whole and counted, as the mailslot does: a cut message would pass for complete
                    handler.on_drop(fmt::format("a datagram of {} bytes from {} to {} was dropped: the input accepts "
                                                "at most {} bytes (max_message_size)",
                                                r.batch.size(i), peer.empty() ? "?" : peer, r.delivery.where(),
                                                r.batch.max_size()));
                    continue;
                }
                r.delivery.deliver(r.batch.data(i), peer, now, handler);
            }
            total += n;
        }
        return total;
    }

    // the sender's address as text. senders come in runs, so the last one is
    // kept: inet_ntop (a printf underneath) costs more than the rest of a read
    static std::string_view peer_name_(reader& r, const sockaddr_storage& peer) noexcept {
        const void* addr = nullptr;
        std::size_t size = 0;
        if (peer.ss_family == AF_INET) {
            addr = &reinterpret_cast<const sockaddr_in&>(peer).sin_addr;
            size = sizeof(in_addr);
        } else if (peer.ss_family == AF_INET6) {
            addr = &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
            size = sizeof(in6_addr);
        }
        if (!addr) return {};
        if (peer.ss_family == r.last_family && std::memcmp(addr, r.last_addr, size) == 0) return r.last_text;
        if (!::inet_ntop(peer.ss_family, addr, r.last_text, sizeof r.last_text)) {
            r.last_family = AF_UNSPEC;
            return {};
        }
        r.last_family = peer.ss_family;
        std::memcpy(r.last_addr, addr, size);
        return r.last_text;
    }

    int fd_ = -1;
    wake_pipe wake_;
    std::vector<std::unique_ptr<reader>> readers_;
};

} // namespace

std::unique_ptr<input> make_udp_input(const input_config& cfg) {
    return std::make_unique<udp_input>(cfg);
}

} // namespace slotlog
