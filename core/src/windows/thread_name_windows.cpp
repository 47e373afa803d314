#include "thread_name.h"

#include <windows.h>

#include <string>

namespace slotlog {

void name_this_thread(const char* name) noexcept {
    // SetThreadDescription came with windows 10 1607: looked up, not linked
    using set_description = HRESULT(WINAPI*)(HANDLE, PCWSTR);
    static const auto set = reinterpret_cast<set_description>(
        reinterpret_cast<void*>(::GetProcAddress(::GetModuleHandleW(L"kernel32.dll"), "SetThreadDescription")));
    if (!set) return;
    try {
        std::wstring wide;
        for (const char* p = name; *p; ++p) wide.push_back(static_cast<unsigned char>(*p));  // ascii names
        set(::GetCurrentThread(), wide.c_str());
    } catch (...) {
    }
}

} // namespace slotlog
