// reading followed files on windows: every share flag, so that renaming or
// deleting the file (rotation) is never blocked by the reader

#include "file_follow.h"

#include <windows.h>

#include <string>
#include <system_error>

namespace slotlog {

namespace {

constexpr DWORD share_all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

[[noreturn]] void fail(DWORD e, const std::string& what) {
    throw std::system_error(static_cast<int>(e), std::system_category(), what);
}

bool not_found(DWORD e) noexcept { return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND; }

HANDLE as_handle(std::intptr_t h) noexcept { return reinterpret_cast<HANDLE>(h); }

std::optional<file_identity> identity_from(HANDLE h) {
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(h, &info)) return std::nullopt;
    return file_identity{info.dwVolumeSerialNumber,
                         (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow};
}

} // namespace

std::optional<file_identity> identity_of(const std::filesystem::path& path) {
    // no read access needed for the identity: only attributes
    HANDLE h = ::CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES, share_all, nullptr, OPEN_EXISTING,
                             FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return std::nullopt;
    auto id = identity_from(h);
    ::CloseHandle(h);
    return id;
}

bool shared_read_file::open(const std::filesystem::path& path) {
    close();
    HANDLE h = ::CreateFileW(path.c_str(), GENERIC_READ, share_all, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                             nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = ::GetLastError();
        if (not_found(e)) return false;
        fail(e, "cannot open the file");
    }
    handle_ = reinterpret_cast<std::intptr_t>(h);
    return true;
}

void shared_read_file::close() noexcept {
    if (handle_ != -1) ::CloseHandle(as_handle(handle_));
    handle_ = -1;
}

std::size_t shared_read_file::read_at(std::uint64_t offset, char* buffer, std::size_t size) {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    const DWORD want = size > MAXDWORD ? MAXDWORD : static_cast<DWORD>(size);
    if (::ReadFile(as_handle(handle_), buffer, want, &got, &at)) return got;
    const DWORD e = ::GetLastError();
    if (e == ERROR_HANDLE_EOF) return 0;
    fail(e, "cannot read");
}

std::uint64_t shared_read_file::size() const {
    LARGE_INTEGER size{};
    if (!::GetFileSizeEx(as_handle(handle_), &size)) fail(::GetLastError(), "cannot get the file size");
    return static_cast<std::uint64_t>(size.QuadPart);
}

file_identity shared_read_file::identity() const {
    auto id = identity_from(as_handle(handle_));
    if (!id) fail(::GetLastError(), "cannot get the file identity");
    return *id;
}

bool shared_read_file::delete_pending() const noexcept {
    FILE_STANDARD_INFO info{};
    if (!::GetFileInformationByHandleEx(as_handle(handle_), FileStandardInfo, &info, sizeof info)) return false;
    return info.DeletePending != FALSE;
}

} // namespace slotlog
