#include "sinks/file_ops.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

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

} // namespace slotlog
