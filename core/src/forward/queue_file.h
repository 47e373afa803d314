#pragma once

// the files of a forward output's disk queue, in the platform's own calls
// (posix/queue_file_posix.cpp: open, pwrite, fdatasync; windows/queue_file_windows.cpp:
// CreateFileW shared for reading, writing and deleting, FlushFileBuffers). every
// failure is a std::system_error whose message names the file

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace slotlog {

// one segment or ledger file, read and written at offsets (never through a
// file pointer), so that one thread may append while another reads
class queue_file {
public:
    enum class open_mode {
        existing,  // the file must exist
        create,    // created when missing, kept when present
        truncate,  // created when missing, emptied when present
    };

    queue_file() = default;
    ~queue_file() { close(); }
    queue_file(const queue_file&) = delete;
    queue_file& operator=(const queue_file&) = delete;

    void open(const std::filesystem::path& path, open_mode mode);
    void close() noexcept;
    bool is_open() const noexcept { return handle_ != -1; }
    const std::filesystem::path& path() const noexcept { return path_; }

    // writes all of `data` at `offset`; a failure may leave part of it written
    void write_at(std::uint64_t offset, std::string_view data);
    // reads up to `size` bytes at `offset`: fewer only at the end of the file
    std::size_t read_at(std::uint64_t offset, char* data, std::size_t size);
    // what was written, to the disk (fdatasync / FlushFileBuffers)
    void sync();
    std::uint64_t size();

private:
    std::intptr_t handle_ = -1;  // a descriptor, or a HANDLE (INVALID_HANDLE_VALUE is -1 too)
#if defined(_WIN32)
    std::intptr_t flush_handle_ = -1;  // a second handle, so that a flush does not hold up writes
#endif
    std::filesystem::path path_;
};

// removes `path`; a missing file is no error
void remove_queue_file(const std::filesystem::path& path);
// puts `from` in the place of `to` in one step, `to` replaced when present
void replace_queue_file(const std::filesystem::path& from, const std::filesystem::path& to);
// makes names created, renamed and removed in `dir` durable (posix: fsync of
// the folder; windows: nothing to do, the rename was written through)
void sync_queue_folder(const std::filesystem::path& dir);
// the names (utf-8) of the plain files in `dir`
std::vector<std::string> list_queue_folder(const std::filesystem::path& dir);

} // namespace slotlog
