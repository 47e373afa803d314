#pragma once

namespace slotlog {

// lets portable code pick platform defaults with `if constexpr`; platform
// behaviour itself lives in *_windows.cpp / *_posix.cpp files
#ifdef _WIN32
inline constexpr bool on_windows = true;
#else
inline constexpr bool on_windows = false;
#endif

} // namespace slotlog
