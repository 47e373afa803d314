#pragma once

// small facts about this process and machine, one file per platform
// (posix/system_posix.cpp, windows/system_windows.cpp)

#include <cstdint>
#include <string>

namespace slotlog::detail {

std::uint32_t process_id() noexcept;

// an environment variable in utf-8, "" when unset
std::string environment_variable(const char* name);

} // namespace slotlog::detail
