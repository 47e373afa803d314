#include "sinks/append_file.h"

#include <algorithm>

#include <windows.h>

#include "windows/win_util.h"

namespace slotlog {

namespace {

HANDLE as_handle(std::intptr_t h) noexcept { return reinterpret_cast<HANDLE>(h); }

std::string why() { return error_text(::GetLastError()); }

bool size_of(HANDLE h, std::uint64_t& size) noexcept {
    LARGE_INTEGER n{};
    if (!::GetFileSizeEx(h, &n)) return false;
    size = static_cast<std::uint64_t>(n.QuadPart);
    return true;
}

// every write goes to the end: the file pointer is ours alone
bool write_at_end(HANDLE h, const char* data, std::size_t size, std::size_t& done) noexcept {
    done = 0;
    LARGE_INTEGER zero{};
    if (!::SetFilePointerEx(h, zero, nullptr, FILE_END)) return false;
    while (done < size) {
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(size - done, 1u << 30));
        DWORD n = 0;
        if (!::WriteFile(h, data + done, chunk, &n, nullptr)) return false;
        if (n == 0) {
            ::SetLastError(ERROR_WRITE_FAULT);
            return false;
        }
        done += n;
    }
    return true;
}

} // namespace

std::optional<std::string> append_file::open(const std::filesystem::path& path) {
    close();
    // shares read, write and delete: readers never block rotation, and rotation
    // never blocks them. read access for the torn-line check, write access to
    // take back a partial write
    HANDLE h = ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                             FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                             FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return why();
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(h, &info) || !size_of(h, size_)) {
        auto err = why();
        ::CloseHandle(h);
        return err;
    }
    handle_ = reinterpret_cast<std::intptr_t>(h);
    device_ = info.dwVolumeSerialNumber;
    index_ = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    torn_ = false;
    if (size_ > 0) {
        OVERLAPPED at{};
        at.Offset = static_cast<DWORD>((size_ - 1) & 0xffffffffu);
        at.OffsetHigh = static_cast<DWORD>((size_ - 1) >> 32);
        char last = '\n';
        DWORD n = 0;
        torn_ = ::ReadFile(h, &last, 1, &n, &at) && n == 1 && last != '\n';
    }
    return std::nullopt;
}

void append_file::close() noexcept {
    if (handle_ != -1) ::CloseHandle(as_handle(handle_));
    handle_ = -1;
    size_ = 0;
}

std::optional<std::string> append_file::append(std::string_view data) {
    if (handle_ == -1) return std::string("the file is not open");
    const HANDLE h = as_handle(handle_);
    std::size_t done = 0;
    if (torn_) {
        if (!write_at_end(h, "\n", 1, done)) return why();
        torn_ = false;
    }
    std::uint64_t before = 0;
    if (!size_of(h, before)) return why();
    if (!write_at_end(h, data.data(), data.size(), done)) {
        // a partial chunk ends in the middle of a line: take it back
        auto err = why();
        if (done > 0) {
            LARGE_INTEGER at{};
            at.QuadPart = static_cast<LONGLONG>(before);
            if (!::SetFilePointerEx(h, at, nullptr, FILE_BEGIN) || !::SetEndOfFile(h)) {
                err += "; the partial line could not be taken back";
                torn_ = true;
            }
        }
        size_ = before;
        return err;
    }
    size_ = before + done;
    return std::nullopt;
}

bool append_file::still_at(const std::filesystem::path& path) const noexcept {
    if (handle_ == -1) return false;
    // no access asked: this open conflicts with nobody's sharing
    HANDLE h = ::CreateFileW(path.c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                             OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD err = ::GetLastError();
        return err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND;  // unknown: assume so
    }
    BY_HANDLE_FILE_INFORMATION info{};
    const bool known = ::GetFileInformationByHandle(h, &info) != 0;
    ::CloseHandle(h);
    if (!known) return true;
    const auto index = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    return info.dwVolumeSerialNumber == device_ && index == index_;
}

} // namespace slotlog
