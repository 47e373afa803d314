#include "posix/datagram_batch.h"

#include <algorithm>
#include <cerrno>

namespace slotlog {

datagram_batch::datagram_batch(std::size_t max_size)
    : max_size_(max_size),
      count_(static_cast<unsigned>(std::clamp<std::size_t>(max_bytes / (max_size ? max_size : 1), 1, max_count))),
      buffers_(new char[max_size * count_]) {}

int datagram_batch::receive(int fd) noexcept {
    for (unsigned i = 0; i < count_; ++i) {
        iovs_[i] = {buffers_.get() + i * max_size_, max_size_};
        messages_[i].msg_hdr = {};
        messages_[i].msg_hdr.msg_iov = &iovs_[i];
        messages_[i].msg_hdr.msg_iovlen = 1;
        messages_[i].msg_hdr.msg_name = &peers_[i];
        messages_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    for (;;) {
        // MSG_TRUNC: msg_len is the datagram's real size, so one that did not fit is seen
        const int n = ::recvmmsg(fd, messages_.data(), count_, MSG_DONTWAIT | MSG_TRUNC, nullptr);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
        return -1;
    }
}

bool datagram_batch::too_large(int i) const noexcept {
    const auto& m = messages_[static_cast<std::size_t>(i)];
    return m.msg_len > max_size_ || (m.msg_hdr.msg_flags & MSG_TRUNC) != 0;
}

} // namespace slotlog
