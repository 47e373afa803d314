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
    // the first head_size bytes of every datagram are read into one compact
    // block, the rest (if any) into a buffer of its own
    static constexpr std::size_t head_size = 512;

    // datagrams of up to max_size bytes are read whole; a larger one is
    // reported as too_large() and its bytes are not delivered
    explicit datagram_batch(std::size_t max_size);

    // datagrams one receive() takes at most: 64, fewer for very large max_size
    unsigned count() const noexcept { return count_; }

    // reads what is queued on `fd`, up to count() datagrams; 0 when nothing
    // is queued, -1 (errno set) when the read failed. wait: first waits for
    // one datagram (on a blocking socket; up to its SO_RCVTIMEO, then 0)
    int receive(int fd, bool wait = false) noexcept;

    std::string_view data(int i) const noexcept { return {data_[static_cast<std::size_t>(i)], size(i)}; }
    // the datagram's real size, also when it was too large to be read
    std::size_t size(int i) const noexcept { return messages_[static_cast<std::size_t>(i)].msg_len; }
    bool too_large(int i) const noexcept;
    const sockaddr_storage& peer(int i) const noexcept { return peers_[static_cast<std::size_t>(i)]; }
    socklen_t peer_size(int i) const noexcept { return messages_[static_cast<std::size_t>(i)].msg_hdr.msg_namelen; }
    std::size_t max_size() const noexcept { return max_size_; }

private:
    std::size_t max_size_;
    std::size_t head_;  // bytes of each datagram in heads_: head_size, or max_size if smaller
    unsigned count_;
    unsigned used_;     // headers the last receive() may have changed
    // memory is what a batch touches: short messages (most are) fill a few
    // pages of heads_, and only a datagram longer than head_ touches its part
    // of tails_ (where it is then made whole: tail slot i is max_size bytes,
    // its head copied in front of the rest)
    std::unique_ptr<char[]> heads_;
    std::unique_ptr<char[]> tails_;
    std::array<const char*, max_count> data_{};
    std::array<mmsghdr, max_count> messages_{};
    std::array<iovec, 2 * max_count> iovs_{};
    std::array<sockaddr_storage, max_count> peers_{};
};

} // namespace slotlog
