#include "forward/windows/status_text_windows.h"

#include <windows.h>

#include <cstdio>
#include <string_view>

#include "windows/win_util.h"

namespace slotlog {

std::string hex_code(unsigned long code) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08lx", code);
    return text;
}

std::string status_text(unsigned long code) {
    wchar_t* text = nullptr;
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                         FORMAT_MESSAGE_IGNORE_INSERTS,
                                     nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out = n ? narrow(std::wstring_view(text, n)) : std::string();
    if (text) ::LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
        out.pop_back();
    return out.empty() ? hex_code(code) : out + " (" + hex_code(code) + ")";
}

} // namespace slotlog
