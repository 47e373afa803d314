// udp input: one datagram is one message. a large receive buffer absorbs
// bursts; recvmmsg reads a batch of datagrams per wake-up

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

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
    explicit udp_input(const input_config& cfg)
        : threaded_input(cfg.key()), delivery_(cfg),
          batch_(cfg.max_message_size == 0 || cfg.max_message_size > max_udp_payload
                     ? max_udp_payload
                     : static_cast<std::size_t>(cfg.max_message_size)) {
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
    }

    ~udp_input() override {
        stop();
        ::close(fd_);
    }

private:
    static std::runtime_error error_(const char* what, const std::string& bind) {
        return std::runtime_error(fmt::format("{} {}: {}", what, bind, std::strerror(errno)));
    }

    void wake() noexcept override { wake_.notify(); }

    void run(message_handler& handler) noexcept override {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
        for (;;) {
            if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
            const bool stopping = fds[1].revents != 0;
            const int read = drain_(handler, stopping ? max_drain_after_stop : -1);
            if (stopping) break;
            if (read < static_cast<int>(batch_.count())) std::this_thread::sleep_for(reader_pause);
        }
    }

    // every datagram queued, in batches; how many were read
    int drain_(message_handler& handler, int limit) noexcept {
        int total = 0;
        while (limit < 0 || total < limit) {
            const int n = batch_.receive(fd_);
            if (n <= 0) break;
            const auto now = clock::now();
            for (int i = 0; i < n; ++i) {
                const auto peer = peer_name_(batch_.peer(i));
                if (batch_.too_large(i)) {
                    // dropped whole and counted, as the mailslot does: a cut message would pass for complete
                    handler.on_drop(fmt::format("a datagram of {} bytes from {} to {} was dropped: the input accepts "
                                                "at most {} bytes (max_message_size)",
                                                batch_.size(i), peer.empty() ? "?" : peer, delivery_.where(),
                                                batch_.max_size()));
                    continue;
                }
                delivery_.deliver(batch_.data(i), peer, now, handler);
            }
            total += n;
        }
        return total;
    }

    // the sender's address as text. senders come in runs, so the last one is
    // kept: inet_ntop (a printf underneath) costs more than the rest of a read
    std::string_view peer_name_(const sockaddr_storage& peer) noexcept {
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
        if (peer.ss_family == last_family_ && std::memcmp(addr, last_addr_, size) == 0) return last_text_;
        if (!::inet_ntop(peer.ss_family, addr, last_text_, sizeof last_text_)) {
            last_family_ = AF_UNSPEC;
            return {};
        }
        last_family_ = peer.ss_family;
        std::memcpy(last_addr_, addr, size);
        return last_text_;
    }

    datagram_delivery delivery_;
    datagram_batch batch_;
    sa_family_t last_family_ = AF_UNSPEC;
    unsigned char last_addr_[sizeof(in6_addr)] = {};
    char last_text_[INET6_ADDRSTRLEN] = {};
    int fd_ = -1;
    wake_pipe wake_;
};

} // namespace

std::unique_ptr<input> make_udp_input(const input_config& cfg) {
    return std::make_unique<udp_input>(cfg);
}

} // namespace slotlog
