#include "sinks/file_ops.h"

#include <windows.h>

#include "windows/win_util.h"

namespace slotlog {

std::optional<std::string> rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    // no MOVEFILE_REPLACE_EXISTING: an existing target is never overwritten
    if (::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_WRITE_THROUGH)) return std::nullopt;
    return error_text(::GetLastError());
}

std::optional<std::string> remove_file(const std::filesystem::path& path) {
    if (::DeleteFileW(path.c_str())) return std::nullopt;
    const DWORD err = ::GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return std::nullopt;
    return error_text(err);
}

} // namespace slotlog
