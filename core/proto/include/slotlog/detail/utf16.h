#pragma once

// utf-8 <-> utf-16 for the wide windows api (windows only; shared by the
// client library and the core, not part of the client api)

#include <string>
#include <string_view>

namespace slotlog::detail {

std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);
// "The system cannot find the file specified. (error 2)"
std::string error_text(unsigned long code);

} // namespace slotlog::detail
