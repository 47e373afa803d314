#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <cstring>

namespace slotlog {

// wakes a reader blocked in poll(): its read end is polled with the socket
class wake_pipe {
public:
    wake_pipe() {
        if (::pipe(fds_) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        for (int fd : fds_) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ~wake_pipe() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    wake_pipe(const wake_pipe&) = delete;
    wake_pipe& operator=(const wake_pipe&) = delete;

    int fd() const noexcept { return fds_[0]; }
    void notify() noexcept {
        const char c = 1;
        [[maybe_unused]] auto n = ::write(fds_[1], &c, 1);
    }

private:
    int fds_[2];
};

} // namespace slotlog
