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
// removes `path` if it exists; nullopt, or why it failed
std::optional<std::string> remove_file(const std::filesystem::path& path);

} // namespace slotlog
