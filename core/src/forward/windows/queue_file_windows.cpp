#include "forward/queue_file.h"

#include <algorithm>
#include <system_error>

#include <windows.h>

#include <slotlog/detail/utf8.h>

#include "windows/win_util.h"

namespace slotlog {

namespace {

// windows error codes in windows' own words
class win32_category_t final : public std::error_category {
public:
    const char* name() const noexcept override { return "win32"; }
    std::string message(int code) const override { return error_text(static_cast<unsigned long>(code)); }
};

const std::error_category& win32_category() {
    static const win32_category_t category;
    return category;
}

[[noreturn]] void fail(const char* what, const std::filesystem::path& path, DWORD err = ::GetLastError()) {
    throw std::system_error(static_cast<int>(err), win32_category(), std::string(what) + " " + detail::path_to_utf8(path));
}

HANDLE as_handle(std::intptr_t h) noexcept { return reinterpret_cast<HANDLE>(h); }

OVERLAPPED at_offset(std::uint64_t offset) noexcept {
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    return at;
}

// shares read, write and delete: a reader elsewhere never blocks the queue,
// and the queue may delete a segment another handle still reads
HANDLE open_shared(const std::filesystem::path& path, DWORD disposition) noexcept {
    return ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, disposition, FILE_ATTRIBUTE_NORMAL, nullptr);
}

} // namespace

void queue_file::open(const std::filesystem::path& path, open_mode mode) {
    close();
    const DWORD disposition = mode == open_mode::existing ? OPEN_EXISTING
                              : mode == open_mode::create ? OPEN_ALWAYS
                                                          : CREATE_ALWAYS;
    HANDLE h = open_shared(path, disposition);
    if (h == INVALID_HANDLE_VALUE) fail("cannot open", path);
    handle_ = reinterpret_cast<std::intptr_t>(h);
    path_ = path;
}

void queue_file::close() noexcept {
    if (handle_ != -1) ::CloseHandle(as_handle(handle_));
    if (flush_handle_ != -1) ::CloseHandle(as_handle(flush_handle_));
    handle_ = -1;
    flush_handle_ = -1;
}

void queue_file::write_at(std::uint64_t offset, std::string_view data) {
    if (handle_ == -1) fail("cannot write", path_, ERROR_INVALID_HANDLE);
    std::size_t done = 0;
    while (done < data.size()) {
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(data.size() - done, 1u << 30));
        OVERLAPPED at = at_offset(offset + done);
        DWORD n = 0;
        if (!::WriteFile(as_handle(handle_), data.data() + done, chunk, &n, &at)) fail("cannot write", path_);
        if (n == 0) fail("cannot write", path_, ERROR_WRITE_FAULT);
        done += n;
    }
}

std::size_t queue_file::read_at(std::uint64_t offset, char* data, std::size_t size) {
    if (handle_ == -1) fail("cannot read", path_, ERROR_INVALID_HANDLE);
    std::size_t done = 0;
    while (done < size) {
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(size - done, 1u << 30));
        OVERLAPPED at = at_offset(offset + done);
        DWORD n = 0;
        if (!::ReadFile(as_handle(handle_), data + done, chunk, &n, &at)) {
            if (::GetLastError() == ERROR_HANDLE_EOF) break;
            fail("cannot read", path_);
        }
        if (n == 0) break;
        done += n;
    }
    return done;
}

void queue_file::sync() {
    if (handle_ == -1) fail("cannot sync", path_, ERROR_INVALID_HANDLE);
    // a handle for flushing alone: io on one synchronous handle is serialised,
    // so flushing through the writer's handle would hold up its writes
    if (flush_handle_ == -1) {
        HANDLE h = open_shared(path_, OPEN_EXISTING);
        if (h == INVALID_HANDLE_VALUE) fail("cannot sync", path_);
        flush_handle_ = reinterpret_cast<std::intptr_t>(h);
    }
    if (!::FlushFileBuffers(as_handle(flush_handle_))) fail("cannot sync", path_);
}

std::uint64_t queue_file::size() {
    if (handle_ == -1) fail("cannot read the size of", path_, ERROR_INVALID_HANDLE);
    LARGE_INTEGER n{};
    if (!::GetFileSizeEx(as_handle(handle_), &n)) fail("cannot read the size of", path_);
    return static_cast<std::uint64_t>(n.QuadPart);
}

void remove_queue_file(const std::filesystem::path& path) {
    if (::DeleteFileW(path.c_str())) return;
    const DWORD err = ::GetLastError();
    if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND) fail("cannot remove", path, err);
}

void replace_queue_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (!::MoveFileExW(from.c_str(), to.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        fail("cannot rename", from);
}

void sync_queue_folder(const std::filesystem::path&) {
    // ntfs journals its names, and replace_queue_file writes through
}

std::vector<std::string> list_queue_folder(const std::filesystem::path& dir) {
    std::vector<std::string> names;
    WIN32_FIND_DATAW found{};
    HANDLE h = ::FindFirstFileExW((dir / L"*").c_str(), FindExInfoBasic, &found, FindExSearchNameMatch, nullptr, 0);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD err = ::GetLastError();
        if (err == ERROR_FILE_NOT_FOUND) return names;
        fail("cannot list", dir, err);
    }
    do {
        if (found.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) continue;
        names.push_back(narrow(found.cFileName));
    } while (::FindNextFileW(h, &found));
    const DWORD err = ::GetLastError();
    ::FindClose(h);
    if (err != ERROR_NO_MORE_FILES) fail("cannot list", dir, err);
    return names;
}

} // namespace slotlog
