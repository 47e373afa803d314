#pragma once

// one recvmmsg(2) call's worth of datagrams, for the inputs that read
// datagram sockets (the unix-socket mailslot and udp): every datagram queued
// is taken in batches of up to 64 per system call instead of one each

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string_view>

namespace slotlog {

class datagram_batch {
public:
    static constexpr unsigned max_count = 64;
    // the buffers of a batch stay below this, whatever the largest message
    static constexpr std::size_t max_bytes = 4u << 20;

    // datagrams of up to max_size bytes are read whole; a larger one is
    // reported as too_large() and its bytes are not delivered
    explicit datagram_batch(std::size_t max_size);

    // datagrams one receive() takes at most: 64, fewer for very large max_size
    unsigned count() const noexcept { return count_; }

    // reads what is queued on the non-blocking `fd`, up to count() datagrams;
    // 0 when nothing is queued, -1 (errno set) when the read failed
    int receive(int fd) noexcept;

    std::string_view data(int i) const noexcept {
        return {buffers_.get() + static_cast<std::size_t>(i) * max_size_, size(i)};
    }
    // the datagram's real size, also when it was too large to be read
    std::size_t size(int i) const noexcept { return messages_[static_cast<std::size_t>(i)].msg_len; }
    bool too_large(int i) const noexcept;
    const sockaddr_storage& peer(int i) const noexcept { return peers_[static_cast<std::size_t>(i)]; }
    std::size_t max_size() const noexcept { return max_size_; }

private:
    std::size_t max_size_;
    unsigned count_;
    // one buffer per datagram: pages the kernel never writes stay untouched,
    // so short messages cost little memory whatever max_size is
    std::unique_ptr<char[]> buffers_;
    std::array<mmsghdr, max_count> messages_{};
    std::array<iovec, max_count> iovs_{};
    std::array<sockaddr_storage, max_count> peers_{};
};

} // namespace slotlog
