#include "sinks/file_ops.h"

#include <windows.h>

#include "windows/win_util.h"

namespace slotlog {

std::optional<std::string> rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    // no MOVEFILE_REPLACE_EXISTING: an existing target is never overwritten
    if (::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_WRITE_THROUGH)) return std::nullopt;
    return error_text(::GetLastError());
}

namespace {

// FileDispositionInfoEx (windows 10 1709), spelt out: older headers lack it
constexpr int file_disposition_info_ex = 21;
constexpr DWORD disposition_delete = 0x1, disposition_posix_semantics = 0x2;
struct disposition_info_ex {
    DWORD flags;
};

// the name goes now, not when the last reader closes the file; false where the
// system (or wine) cannot, and then DeleteFileW does what it can
bool remove_now(const std::filesystem::path& path) {
    const HANDLE h = ::CreateFileW(path.c_str(), DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    disposition_info_ex info{disposition_delete | disposition_posix_semantics};
    const bool done = ::SetFileInformationByHandle(h, static_cast<FILE_INFO_BY_HANDLE_CLASS>(file_disposition_info_ex),
                                                   &info, sizeof info) != 0;
    ::CloseHandle(h);
    return done;
}

} // namespace

std::optional<std::string> remove_file(const std::filesystem::path& path) {
    if (remove_now(path) || ::DeleteFileW(path.c_str())) return std::nullopt;
    const DWORD err = ::GetLastError();
    if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) return std::nullopt;
    return error_text(err);
}

std::optional<std::string> sync_file(const std::filesystem::path& path) {
    const HANDLE h = ::CreateFileW(path.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return error_text(::GetLastError());
    std::optional<std::string> why;
    if (!::FlushFileBuffers(h)) why = error_text(::GetLastError());
    ::CloseHandle(h);
    return why;
}

std::optional<std::string> sync_folder(const std::filesystem::path&) { return std::nullopt; }

} // namespace slotlog
