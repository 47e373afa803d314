// the posix mailslot: a unix datagram socket at RUNTIME/<slot>, opened by
// the mailslot_reader of core/proto (which handles stale sockets and a live
// reader already on the slot) and read in batches

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <thread>

#include <slotlog/mailslot_reader.h>

#include "transport/inputs.h"
#include "transport/posix/datagram_batch.h"

namespace slotlog {

namespace {

// a socket that holds this many datagrams takes reader_pause's worth of a
// fast sender's messages (about 75 at 150,000 a second) with room to spare
constexpr long min_queue_to_pause = 256;

// the datagrams a new unix socket holds before its writers block; 0 if unknown
long datagram_queue_length() noexcept {
    std::FILE* f = std::fopen("/proc/sys/net/unix/max_dgram_qlen", "re");
    if (!f) return 0;
    long n = 0;
    if (std::fscanf(f, "%ld", &n) != 1) n = 0;
    std::fclose(f);
    return n;
}

class mailslot_input final : public threaded_input {
public:
    explicit mailslot_input(const input_config& cfg)
        : threaded_input(cfg.key()), reader_(cfg.name, static_cast<std::size_t>(cfg.max_message_size)),
          slot_(reader_.slot().name), batch_(static_cast<std::size_t>(cfg.max_message_size)) {
        const int fd = reader_.native_handle();
        self_size_ = sizeof self_;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&self_), &self_size_) != 0) self_size_ = 0;
        // the reader waits in recvmmsg; should the wake-up datagram not arrive,
        // it still looks at stopping_ this often
        const timeval patience{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
        pause_ = datagram_queue_length() >= min_queue_to_pause;
    }

    ~mailslot_input() override { stop(); }

private:
    // the reader blocks in recvmmsg on the slot's own socket, where no pipe
    // can wake it: a datagram from the socket to itself does. no sender can
    // forge one: the address is this socket's, bound by nobody else
    void wake() noexcept override {
        stopping_.store(true, std::memory_order_release);
        if (self_size_ != 0) {
            ::sendto(reader_.native_handle(), "", 0, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&self_),
                     self_size_);
        }
    }

    bool from_self_(int i) const noexcept {
        const auto& peer = reinterpret_cast<const sockaddr_un&>(batch_.peer(i));
        const auto path = offsetof(sockaddr_un, sun_path);
        const socklen_t size = batch_.peer_size(i);
        return self_size_ > path && size > path && peer.sun_family == AF_UNIX &&
               ::strncmp(peer.sun_path, self_.sun_path, sizeof self_.sun_path) == 0;
    }

    // one blocking recvmmsg per wake-up takes the first datagram and whatever
    // came with it: fewer system calls and context switches than a poll and
    // then reads until the socket is empty. after less than a full batch the
    // reader pauses as udp's does (reader_pause), but only where the socket
    // holds enough datagrams meanwhile: a writer blocks once
    // net.unix.max_dgram_qlen of them wait, 512 where systemd boots the
    // machine, the kernel's 10 elsewhere (a container, for one)
    void run(message_handler& handler, unsigned) noexcept override {
        origin from{slot_, {}, {}};
        from.blocks_sender = true;
        const int fd = reader_.native_handle();
        int after_stop = 0;  // read since the stop: what the socket held is still delivered
        for (;;) {
            const bool stopping = stopping_.load(std::memory_order_acquire);
            const int n = batch_.receive(fd, !stopping);
            if (n < 0) {
                // a failed read loses nothing queued; pause so a lasting error cannot spin
                handler.on_problem(level::error, "cannot read slot '" + slot_ + "': " + std::strerror(errno));
                if (stopping) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                continue;
            }
            if (n == 0 && stopping) break;  // nothing left
            from.received = clock::now();
            for (int i = 0; i < n; ++i) {
                if (batch_.too_large(i)) {
                    // that one message, whole; the next is fine
                    handler.on_drop("a message of " + std::to_string(batch_.size(i)) + " bytes to slot '" + slot_ +
                                    "' was dropped: the slot accepts at most " +
                                    std::to_string(batch_.max_size()) + " bytes");
                    continue;
                }
                if (from_self_(i)) continue;  // the wake-up
                handler.on_message(batch_.data(i), from);
            }
            if (stopping) {
                if ((after_stop += n) >= max_drain_after_stop) break;
            } else if (pause_ && n < static_cast<int>(batch_.count())) {
                std::this_thread::sleep_for(reader_pause);
            }
        }
    }

    mailslot_reader reader_;
    std::string slot_;
    datagram_batch batch_;
    sockaddr_un self_{};
    socklen_t self_size_ = 0;
    bool pause_ = false;
    std::atomic<bool> stopping_{false};
};

} // namespace

std::unique_ptr<input> make_mailslot_input(const input_config& cfg) {
    return std::make_unique<mailslot_input>(cfg);
}

} // namespace slotlog
