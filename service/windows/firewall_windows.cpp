#include "firewall.h"

#include <windows.h>

#include <slotlog/detail/utf16.h>

namespace slotlog::firewall {

namespace {

// runs %SystemRoot%\system32\netsh.exe with `args`; its exit code, or -1
int netsh(const std::wstring& args, std::string& why) {
    wchar_t system[MAX_PATH];
    const UINT n = ::GetSystemDirectoryW(system, MAX_PATH);
    if (n == 0 || n >= MAX_PATH) {
        why = "cannot find the system folder: " + detail::error_text(::GetLastError());
        return -1;
    }
    const std::wstring exe = std::wstring(system) + L"\\netsh.exe";
    std::wstring command = L"\"" + exe + L"\" " + args;
    STARTUPINFOW si{};
    si.cb = sizeof si;
    PROCESS_INFORMATION pi{};
    if (!::CreateProcessW(exe.c_str(), command.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW, nullptr, nullptr,
                          &si, &pi)) {
        why = "cannot run netsh: " + detail::error_text(::GetLastError());
        return -1;
    }
    ::WaitForSingleObject(pi.hProcess, 60 * 1000);
    DWORD code = 1;
    ::GetExitCodeProcess(pi.hProcess, &code);
    ::CloseHandle(pi.hThread);
    ::CloseHandle(pi.hProcess);
    if (code != 0) why = "netsh exited with code " + std::to_string(code);
    return static_cast<int>(code);
}

std::wstring name_arg() { return std::wstring(L"name=\"") + rule_name + L"\""; }

} // namespace

bool allow_udp(std::uint16_t port, const std::filesystem::path& program, std::string& why) {
    std::string ignored;
    netsh(L"advfirewall firewall delete rule " + name_arg(), ignored);  // none yet is fine
    return netsh(L"advfirewall firewall add rule " + name_arg() +
                     L" dir=in action=allow protocol=UDP localport=" + std::to_wstring(port) + L" program=\"" +
                     program.native() + L"\" enable=yes",
                 why) == 0;
}

void remove() {
    std::string ignored;  // "no rules match" is a failure too
    netsh(L"advfirewall firewall delete rule " + name_arg(), ignored);
}

} // namespace slotlog::firewall
