#include "forward/queue_file.h"

#include <cerrno>
#include <system_error>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <slotlog/detail/utf8.h>

namespace slotlog {

namespace {

[[noreturn]] void fail(const char* what, const std::filesystem::path& path, int err = errno) {
    throw std::system_error(err, std::generic_category(), std::string(what) + " " + detail::path_to_utf8(path));
}

int sync_descriptor(int fd) noexcept {
#if defined(__APPLE__)
    return ::fsync(fd);
#else
    // the data and the size; timestamps may wait
    return ::fdatasync(fd);
#endif
}

} // namespace

void queue_file::open(const std::filesystem::path& path, open_mode mode) {
    close();
    int flags = O_RDWR | O_CLOEXEC;
    if (mode != open_mode::existing) flags |= O_CREAT;
    if (mode == open_mode::truncate) flags |= O_TRUNC;
    int fd;
    do {
        fd = ::open(path.c_str(), flags, 0640);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) fail("cannot open", path);
    handle_ = fd;
    path_ = path;
}

void queue_file::close() noexcept {
    if (handle_ != -1) ::close(static_cast<int>(handle_));
    handle_ = -1;
}

void queue_file::write_at(std::uint64_t offset, std::string_view data) {
    if (handle_ == -1) fail("cannot write", path_, EBADF);
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::pwrite(static_cast<int>(handle_), data.data() + done, data.size() - done,
                                static_cast<off_t>(offset + done));
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            fail("cannot write", path_, n == 0 ? ENOSPC : errno);
        }
    }
}

std::size_t queue_file::read_at(std::uint64_t offset, char* data, std::size_t size) {
    if (handle_ == -1) fail("cannot read", path_, EBADF);
    std::size_t done = 0;
    while (done < size) {
        const auto n = ::pread(static_cast<int>(handle_), data + done, size - done, static_cast<off_t>(offset + done));
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            fail("cannot read", path_);
        }
    }
    return done;
}

void queue_file::sync() {
    if (handle_ == -1) fail("cannot sync", path_, EBADF);
    if (sync_descriptor(static_cast<int>(handle_)) != 0) fail("cannot sync", path_);
}

std::uint64_t queue_file::size() {
    struct stat st {};
    if (handle_ == -1) fail("cannot read the size of", path_, EBADF);
    if (::fstat(static_cast<int>(handle_), &st) != 0) fail("cannot read the size of", path_);
    return static_cast<std::uint64_t>(st.st_size);
}

void remove_queue_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail("cannot remove", path);
}

void replace_queue_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename", from);
}

void sync_queue_folder(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("cannot open", dir);
    // some file systems cannot sync a folder (EINVAL): nothing more to do there
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int err = errno;
        ::close(fd);
        fail("cannot sync", dir, err);
    }
    ::close(fd);
}

std::vector<std::string> list_queue_folder(const std::filesystem::path& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) fail("cannot list", dir);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        // d_type is not filled in by every file system: ask when it says nothing
        const bool plain = e->d_type == DT_REG ||
                           (e->d_type == DT_UNKNOWN && ::fstatat(::dirfd(d), e->d_name, &st, 0) == 0 &&
                            S_ISREG(st.st_mode));
        if (plain) names.push_back(name);
        errno = 0;
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) fail("cannot list", dir, err);
    return names;
}

} // namespace slotlog
