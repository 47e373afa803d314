#pragma once

// utf-8 <-> utf-16 for the wide windows api

#include <string>
#include <string_view>

namespace slotlog::detail {

std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);
// "The system cannot find the file specified. (error 2)"
std::string error_text(unsigned long code);

} // namespace slotlog::detail
