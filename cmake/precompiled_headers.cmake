# precompiled headers: the standard and third-party headers that most units
# include, parsed once per target rather than once per unit (make test compiles
# the core in four presets, the unit tests in three). private to each target, so
# nothing passes them on: the client library gets none of spdlog, fmt or
# nlohmann_json. configure with -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON to build
# without them, which also shows a file that forgets an include.
# clang only for now (the asan and fuzz presets): gcc 12 with a precompiled
# header reports warnings inside the standard headers that it keeps quiet
# otherwise (false -Warray-bounds in std::string's operator+ inlined into three
# unit tests), which -Werror turns into a failed build
set(slotlog_pch OFF)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(slotlog_pch ON)
endif()
set(slotlog_pch_standard <algorithm> <array> <atomic> <chrono> <cstdint> <cstring> <filesystem> <functional>
  <map> <memory> <mutex> <optional> <stdexcept> <string> <string_view> <system_error> <thread> <utility>
  <vector>)
# the core and what is built on it: fmt and spdlog's sink interfaces
set(slotlog_pch_core ${slotlog_pch_standard} <fmt/format.h> <spdlog/common.h> <spdlog/sinks/base_sink.h>)
# the unit tests: googletest and json too (one precompiled header shared by
# all of them: they compile with the same flags)
set(slotlog_pch_unit ${slotlog_pch_core} <fstream> <random> <regex> <nlohmann/json.hpp> <gtest/gtest.h>)
