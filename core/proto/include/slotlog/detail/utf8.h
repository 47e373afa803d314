#pragma once

// utf-8 at the edges of the programs: the command line and file paths. on
// windows, argv and path::string() use the ansi code page, which cannot hold
// every name; these never do. (not part of the client api)

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace slotlog::detail {

// the command line in utf-8 (windows: from GetCommandLineW, whatever the code page)
std::vector<std::string> utf8_arguments(int argc, char** argv);

inline std::filesystem::path path_from_utf8(std::string_view s) {
    return std::filesystem::path(std::u8string(s.begin(), s.end()));
}

inline std::string path_to_utf8(const std::filesystem::path& p) {
    const auto u = p.u8string();
    return std::string(u.begin(), u.end());
}

} // namespace slotlog::detail
