#pragma once

#include <string>
#include <string_view>

namespace slotlog {

// appends `in` to `out` as valid utf-8 for one line: invalid bytes become
// U+FFFD, control characters become \n \r \t \xHH (C0 and DEL), \u0080..\u009f
// (C1) and \u2028 \u2029 (line and paragraph separators). backslashes are kept.
void append_sanitised(std::string& out, std::string_view in);
std::string sanitise(std::string_view in);

// true if `in` is valid utf-8 with no character that append_sanitised escapes
bool is_clean(std::string_view in) noexcept;

} // namespace slotlog
