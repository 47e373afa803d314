# native builds use Debian's packages; the mingw build uses the same headers
# (slotlog_deps: spdlog, fmt, nlohmann_json, for the collector and the tool;
# slotlog_platform: what every target needs, the client library included),
# fmt and spdlog compiled into a static library of ours, and googletest from source
if(CMAKE_CROSSCOMPILING AND WIN32)
  set(debian_headers ${CMAKE_BINARY_DIR}/debian-headers)
  file(MAKE_DIRECTORY ${debian_headers})
  foreach(lib spdlog fmt nlohmann)
    if(NOT EXISTS ${debian_headers}/${lib})
      file(CREATE_LINK /usr/include/${lib} ${debian_headers}/${lib} SYMBOLIC)
    endif()
  endforeach()

  # what every windows target of ours builds with; the client library takes it
  # privately, so that applications keep their own settings
  add_library(slotlog_platform INTERFACE)
  target_compile_definitions(slotlog_platform INTERFACE WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT=0x0601
    UNICODE _UNICODE)
  target_link_libraries(slotlog_platform INTERFACE ws2_32)
  target_link_options(slotlog_platform INTERFACE -static)

  # fmt and spdlog compiled once (cmake/mingw), not header-only: header-only
  # they were compiled again in every unit that includes them
  add_library(slotlog_fmt_spdlog STATIC ${CMAKE_CURRENT_LIST_DIR}/mingw/fmt_lib.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mingw/spdlog_lib.cpp)
  target_include_directories(slotlog_fmt_spdlog SYSTEM PUBLIC ${debian_headers})
  target_compile_definitions(slotlog_fmt_spdlog PUBLIC SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL SPDLOG_WCHAR_FILENAMES)
  target_link_libraries(slotlog_fmt_spdlog PUBLIC slotlog_platform)

  add_library(slotlog_deps INTERFACE)
  target_link_libraries(slotlog_deps INTERFACE slotlog_fmt_spdlog)

  if(SLOTLOG_TESTS)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(gtest_disable_pthreads OFF CACHE BOOL "" FORCE)
    add_subdirectory(/usr/src/googletest/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
  endif()
else()
  find_package(fmt REQUIRED)
  find_package(spdlog REQUIRED)
  find_package(nlohmann_json REQUIRED)
  find_package(Threads REQUIRED)
  add_library(slotlog_platform INTERFACE)
  target_link_libraries(slotlog_platform INTERFACE Threads::Threads)

  add_library(slotlog_deps INTERFACE)
  target_link_libraries(slotlog_deps INTERFACE spdlog::spdlog fmt::fmt nlohmann_json::nlohmann_json slotlog_platform)
  if(SLOTLOG_TESTS)
    find_package(GTest REQUIRED)
  endif()
endif()

# zlib, for the file outputs' gzip and for `slotlog tail` reading .gz files:
# debian's zlib1g-dev, and libz-mingw-w64-dev linked statically like the rest
# of the windows build
if(WIN32)
  set(ZLIB_USE_STATIC_LIBS ON)
endif()
find_package(ZLIB REQUIRED)
