# every target of ours gets the same strict warnings
add_library(slotlog_warnings INTERFACE)
if(MSVC)
  target_compile_options(slotlog_warnings INTERFACE /W4 /WX)
else()
  target_compile_options(slotlog_warnings INTERFACE -Wall -Wextra -Werror)
endif()
