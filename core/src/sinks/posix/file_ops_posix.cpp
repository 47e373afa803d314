#include "sinks/file_ops.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace slotlog {

std::optional<std::string> rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    if (std::filesystem::exists(to, ec)) return std::string("the target already exists");
    if (std::rename(from.c_str(), to.c_str()) != 0) return std::string(std::strerror(errno));
    return std::nullopt;
}

std::optional<std::string> remove_file(const std::filesystem::path& path) {
    if (std::remove(path.c_str()) != 0 && errno != ENOENT) return std::string(std::strerror(errno));
    return std::nullopt;
}

namespace {

std::optional<std::string> sync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return std::string(std::strerror(errno));
    std::optional<std::string> why;
    if (::fsync(fd) != 0) why = std::strerror(errno);
    ::close(fd);
    return why;
}

} // namespace

std::optional<std::string> sync_file(const std::filesystem::path& path) { return sync_path(path, O_RDONLY); }

std::optional<std::string> sync_folder(const std::filesystem::path& folder) {
    return sync_path(folder.empty() ? std::filesystem::path(".") : folder, O_RDONLY | O_DIRECTORY);
}

} // namespace slotlog
