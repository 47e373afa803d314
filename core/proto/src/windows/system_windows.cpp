// runtime folder, host name, process id and utf-16 conversion on windows

#include <slotlog/host.h>
#include <slotlog/slot_name.h>

#include <windows.h>
#include <shellapi.h>

#include <vector>

#include <slotlog/detail/system.h>
#include <slotlog/detail/utf16.h>
#include <slotlog/detail/utf8.h>

namespace slotlog {

namespace detail {

std::wstring widen(std::string_view utf8) {
    if (utf8.empty()) return {};
    const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string narrow(std::wstring_view utf16) {
    if (utf16.empty()) return {};
    const int n = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0,
                                        nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(), n, nullptr,
                          nullptr);
    return out;
}

std::string error_text(unsigned long code) {
    wchar_t* text = nullptr;
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                         FORMAT_MESSAGE_IGNORE_INSERTS,
                                     nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out = n ? narrow(std::wstring_view(text, n)) : std::string("unknown error");
    if (text) ::LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ' || out.back() == '.'))
        out.pop_back();
    return out + " (error " + std::to_string(code) + ")";
}

std::uint32_t process_id() noexcept { return static_cast<std::uint32_t>(::GetCurrentProcessId()); }

namespace {

std::wstring env(const wchar_t* name) {
    const DWORD n = ::GetEnvironmentVariableW(name, nullptr, 0);
    if (n == 0) return {};
    std::wstring value(n, L'\0');
    const DWORD got = ::GetEnvironmentVariableW(name, value.data(), n);
    value.resize(got < n ? got : 0);
    return value;
}

} // namespace

std::string environment_variable(const char* name) { return narrow(env(widen(name).c_str())); }

// the ansi argv cannot hold every name: take the wide command line
std::vector<std::string> utf8_arguments(int argc, char** argv) {
    int n = 0;
    wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &n);
    if (!wide) return {argv, argv + argc};  // the ansi ones are better than none
    std::vector<std::string> args;
    args.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) args.push_back(narrow(wide[i]));
    ::LocalFree(wide);
    return args;
}

} // namespace detail

// mailslots need no folder on windows; this only serves code that wants a
// per-machine scratch folder with the same override as on posix
std::filesystem::path runtime_dir() {
    if (auto dir = detail::env(L"SLOTLOG_RUNTIME_DIR"); !dir.empty()) return dir;
    return std::filesystem::temp_directory_path() / "slotlog";
}

std::string local_host_name() {
    DWORD size = 0;
    ::GetComputerNameExW(ComputerNameDnsHostname, nullptr, &size);
    if (size == 0) return {};
    std::vector<wchar_t> name(size);
    if (!::GetComputerNameExW(ComputerNameDnsHostname, name.data(), &size)) return {};
    return detail::narrow(std::wstring_view(name.data(), size));
}

} // namespace slotlog
