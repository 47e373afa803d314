#pragma once

// small facts about this process and machine, one file per platform
// (posix/system_posix.cpp, windows/system_windows.cpp)

#include <cstdint>

namespace slotlog::detail {

std::uint32_t process_id() noexcept;

} // namespace slotlog::detail
