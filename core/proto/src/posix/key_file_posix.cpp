// the key file on posix: owner-only permissions, like ssh's private keys

#include "crypto.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace slotlog::detail {

std::string key_file_exposure(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return std::strerror(errno);
    if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return std::string("readable by group or others (mode ") + mode + "); refused, run: chmod 600 " +
               file.string();
    }
    return {};
}

bool create_private_file(const std::filesystem::path& file, std::string_view contents) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return false;
        throw std::runtime_error(std::strerror(errno));
    }
    const auto written = ::write(fd, contents.data(), contents.size());
    const int write_errno = errno;
    ::close(fd);
    if (written != static_cast<ssize_t>(contents.size())) {
        ::unlink(file.c_str());
        throw std::runtime_error(written < 0 ? std::strerror(write_errno) : "short write");
    }
    return true;
}

} // namespace slotlog::detail
