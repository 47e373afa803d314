#pragma once

// the file operations of rotation, in the platform's own words when they fail
// (file_ops_posix.cpp / file_ops_windows.cpp): on windows a file held open by
// another program says so, where std::filesystem only says "input/output error"

#include <filesystem>
#include <optional>
#include <string>

namespace slotlog {

// renames `from` to `to`, which must not exist; nullopt, or why it failed
std::optional<std::string> rename_file(const std::filesystem::path& from, const std::filesystem::path& to);
// removes `path` if it exists; nullopt, or why it failed. on windows the name
// goes at once where the system can (posix semantics), even while a reader
// such as `slotlog tail` holds the file open with FILE_SHARE_DELETE
std::optional<std::string> remove_file(const std::filesystem::path& path);
// writes what the system holds of `path` to the disk (fsync, FlushFileBuffers)
std::optional<std::string> sync_file(const std::filesystem::path& path);
// makes the names in `folder` durable (fsync of the folder; nothing to do on
// windows, whose renames here are write-through)
std::optional<std::string> sync_folder(const std::filesystem::path& folder);

} // namespace slotlog
