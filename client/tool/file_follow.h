#pragma once

// a file opened for reading in a way that never blocks its rotation, and the
// identity of the file a path names, so that a follower can tell when the path
// has moved on to a new file (posix/file_follow_posix.cpp,
// windows/file_follow_windows.cpp)

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace slotlog {

// posix: st_dev and st_ino; windows: volume serial number and file index
struct file_identity {
    std::uint64_t volume = 0;
    std::uint64_t index = 0;
    bool operator==(const file_identity&) const = default;
};

// the file a path names now; nullopt if there is none
std::optional<file_identity> identity_of(const std::filesystem::path& path);

class shared_read_file {
public:
    shared_read_file() = default;
    ~shared_read_file() { close(); }
    shared_read_file(const shared_read_file&) = delete;
    shared_read_file& operator=(const shared_read_file&) = delete;

    // false if the path does not exist; throws std::system_error for other failures.
    // windows: opened with FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE
    bool open(const std::filesystem::path& path);
    void close() noexcept;
    bool is_open() const noexcept { return handle_ != -1; }

    // up to size bytes at offset; 0 at the end of the file
    std::size_t read_at(std::uint64_t offset, char* buffer, std::size_t size);
    std::uint64_t size() const;
    file_identity identity() const;
    // windows: the file was deleted while open and its name stays until the
    // last handle closes (a reader that keeps it blocks a new file of that
    // name). posix: never, the name goes at once
    bool delete_pending() const noexcept;

private:
    std::intptr_t handle_ = -1;          // posix: the descriptor; windows: the HANDLE
};

} // namespace slotlog
