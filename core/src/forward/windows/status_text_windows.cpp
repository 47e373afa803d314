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

namespace {

// names for the codes that wine has no words for (windows has)
const char* name_of(unsigned long code) {
    switch (code) {
    case 0x80090304: return "SEC_E_INTERNAL_ERROR (under wine, most failed handshakes)";
    case 0x80090308: return "SEC_E_INVALID_TOKEN";
    case 0x8009030c: return "SEC_E_LOGON_DENIED";
    case 0x8009030d: return "SEC_E_UNKNOWN_CREDENTIALS";
    case 0x8009030e: return "SEC_E_NO_CREDENTIALS";
    case 0x80090322: return "SEC_E_WRONG_PRINCIPAL";
    case 0x80090325: return "SEC_E_UNTRUSTED_ROOT";
    case 0x80090326: return "SEC_E_ILLEGAL_MESSAGE";
    case 0x80090327: return "SEC_E_CERT_UNKNOWN";
    case 0x80090328: return "SEC_E_CERT_EXPIRED";
    case 0x80090331: return "SEC_E_ALGORITHM_MISMATCH (no tls version or cipher in common)";
    case 0x80090016: return "NTE_BAD_KEYSET";
    case 0x8009200b: return "CRYPT_E_NO_KEY_PROPERTY";
    default: return nullptr;
    }
}

} // namespace

std::string status_text(unsigned long code) {
    wchar_t* text = nullptr;
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                         FORMAT_MESSAGE_IGNORE_INSERTS,
                                     nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out = n ? narrow(std::wstring_view(text, n)) : std::string();
    if (text) ::LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
        out.pop_back();
    if (out.empty() && name_of(code)) out = name_of(code);
    return out.empty() ? hex_code(code) : out + " (" + hex_code(code) + ")";
}

} // namespace slotlog
