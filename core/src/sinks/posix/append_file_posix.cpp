#include "sinks/append_file.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace slotlog {

namespace {

std::string why() { return std::strerror(errno); }

} // namespace

std::optional<std::string> append_file::open(const std::filesystem::path& path) {
    close();
    // read as well: the last byte says whether an earlier run left a torn line
    const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return why();
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        auto err = why();
        ::close(fd);
        return err;
    }
    handle_ = fd;
    size_ = static_cast<std::uint64_t>(st.st_size);
    device_ = static_cast<std::uint64_t>(st.st_dev);
    index_ = static_cast<std::uint64_t>(st.st_ino);
    char last = '\n';
    torn_ = size_ > 0 && ::pread(fd, &last, 1, static_cast<off_t>(size_ - 1)) == 1 && last != '\n';
    return std::nullopt;
}

void append_file::close() noexcept {
    if (handle_ != -1) ::close(static_cast<int>(handle_));
    handle_ = -1;
    size_ = 0;
}

std::optional<std::string> append_file::append(std::string_view data) {
    if (handle_ == -1) return std::string("the file is not open");
    const int fd = static_cast<int>(handle_);
    if (torn_) {
        if (::write(fd, "\n", 1) != 1) return why();
        torn_ = false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) return why();
    const auto before = st.st_size;
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            // a partial chunk ends in the middle of a line: take it back
            auto err = n == 0 ? std::string("nothing written") : why();
            if (done > 0 && ::ftruncate(fd, before) != 0) {
                err += "; the partial line could not be taken back";
                torn_ = true;
            }
            size_ = static_cast<std::uint64_t>(before);
            return err;
        }
    }
    size_ = static_cast<std::uint64_t>(before) + done;
    return std::nullopt;
}

bool append_file::still_at(const std::filesystem::path& path) const noexcept {
    if (handle_ == -1) return false;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno != ENOENT && errno != ENOTDIR;  // unknown: assume so
    return static_cast<std::uint64_t>(st.st_dev) == device_ && static_cast<std::uint64_t>(st.st_ino) == index_;
}

} // namespace slotlog
