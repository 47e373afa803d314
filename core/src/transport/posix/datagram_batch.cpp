#include "transport/posix/datagram_batch.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace slotlog {

datagram_batch::datagram_batch(std::size_t max_size)
    : max_size_(max_size), head_(std::min(max_size, head_size)),
      count_(static_cast<unsigned>(std::clamp<std::size_t>(max_bytes / (max_size ? max_size : 1), 1, max_count))),
      used_(count_), heads_(new char[head_ * count_]),
      tails_(max_size > head_ ? new char[max_size * count_] : nullptr) {
    for (unsigned i = 0; i < count_; ++i) {
        auto& h = messages_[i].msg_hdr;
        iovs_[2 * i] = {heads_.get() + i * head_, head_};
        h.msg_iov = &iovs_[2 * i];
        h.msg_iovlen = 1;
        if (tails_) {
            iovs_[2 * i + 1] = {tails_.get() + i * max_size_ + head_, max_size_ - head_};
            h.msg_iovlen = 2;
        }
        h.msg_name = &peers_[i];
    }
}

int datagram_batch::receive(int fd, bool wait) noexcept {
    // the kernel only writes the headers of the datagrams it returns
    for (unsigned i = 0; i < used_; ++i) {
        messages_[i].msg_len = 0;
        messages_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        messages_[i].msg_hdr.msg_flags = 0;
    }
    used_ = 0;
    for (;;) {
        // MSG_TRUNC: msg_len is the datagram's real size, so one that did not fit is seen.
        // MSG_WAITFORONE: after the first datagram, only what is queued already
        const int flags = MSG_TRUNC | (wait ? MSG_WAITFORONE : MSG_DONTWAIT);
        const int n = ::recvmmsg(fd, messages_.data(), count_, flags, nullptr);
        if (n > 0) {
            used_ = static_cast<unsigned>(n);
            for (unsigned i = 0; i < used_; ++i) {
                data_[i] = heads_.get() + i * head_;
                if (messages_[i].msg_len > head_ && !too_large(static_cast<int>(i))) {
                    // a long one: its head goes in front of its tail
                    char* whole = tails_.get() + i * max_size_;
                    std::memcpy(whole, data_[i], head_);
                    data_[i] = whole;
                }
            }
        }
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
