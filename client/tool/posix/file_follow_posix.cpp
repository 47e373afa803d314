// reading followed files on posix: pread on a descriptor, identity from stat

#include "file_follow.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace slotlog {

namespace {

[[noreturn]] void fail(int e, const std::string& what) { throw std::system_error(e, std::system_category(), what); }

file_identity identity_from(const struct stat& st) {
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

} // namespace

std::optional<file_identity> identity_of(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return identity_from(st);
}

bool shared_read_file::open(const std::filesystem::path& path) {
    close();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return false;
        fail(errno, "cannot open the file");
    }
    handle_ = fd;
    return true;
}

void shared_read_file::close() noexcept {
    if (handle_ != -1) ::close(static_cast<int>(handle_));
    handle_ = -1;
}

std::size_t shared_read_file::read_at(std::uint64_t offset, char* buffer, std::size_t size) {
    for (;;) {
        const ssize_t n = ::pread(static_cast<int>(handle_), buffer, size, static_cast<off_t>(offset));
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) fail(errno, "cannot read");
    }
}

std::uint64_t shared_read_file::size() const {
    struct stat st {};
    if (::fstat(static_cast<int>(handle_), &st) != 0) fail(errno, "cannot stat");
    return static_cast<std::uint64_t>(st.st_size);
}

file_identity shared_read_file::identity() const {
    struct stat st {};
    if (::fstat(static_cast<int>(handle_), &st) != 0) fail(errno, "cannot stat");
    return identity_from(st);
}

bool shared_read_file::delete_pending() const noexcept { return false; }

} // namespace slotlog
