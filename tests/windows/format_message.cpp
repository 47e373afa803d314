// formats messages of a module's message table the way Event Viewer does
// (FormatMessageW from the module, loaded as data, with one insertion string):
//   format_message MODULE INSERTION ID...    ids in hex (0x800003E9) or decimal
//   format_message MODULE INSERTION --events every slotlog event, with the id the code reports
// prints "<id in hex> <text>" per line (utf-8, the text without its end of
// line); a missing message prints "<id> MISSING <error>" and the exit code is 1

#include <slotlog/windows/eventlog.h>

#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <slotlog/detail/utf16.h>

namespace {

using slotlog::detail::error_text;
using slotlog::detail::narrow;

struct request {
    DWORD id;
    std::string label;  // "" or "event 1001 category 2"
};

bool print_message(HMODULE module, const std::wstring& insertion, const request& r) {
    const DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>(insertion.c_str())};
    wchar_t* text = nullptr;
    const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY |
                                         FORMAT_MESSAGE_ALLOCATE_BUFFER,
                                     module, r.id, 0, reinterpret_cast<wchar_t*>(&text), 0,
                                     reinterpret_cast<va_list*>(const_cast<DWORD_PTR*>(args)));
    const auto label = r.label.empty() ? std::string() : r.label + " ";
    if (n == 0) {
        std::printf("0x%08lX %sMISSING %s\n", r.id, label.c_str(), error_text(::GetLastError()).c_str());
        return false;
    }
    std::wstring line(text, n);
    ::LocalFree(text);
    while (!line.empty() && (line.back() == L'\n' || line.back() == L'\r')) line.pop_back();
    std::printf("0x%08lX %s%s\n", r.id, label.c_str(), narrow(line).c_str());
    return true;
}

} // namespace

int wmain(int argc, wchar_t** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: format_message MODULE INSERTION (ID...|--events)\n");
        return 2;
    }
    const HMODULE module = ::LoadLibraryExW(argv[1], nullptr, LOAD_LIBRARY_AS_DATAFILE);
    if (!module) {
        std::fprintf(stderr, "format_message: cannot load %s: %s\n", narrow(argv[1]).c_str(),
                     error_text(::GetLastError()).c_str());
        return 2;
    }
    const std::wstring insertion = argv[2];

    std::vector<request> requests;
    if (std::wstring(argv[3]) == L"--events") {
        using namespace slotlog::eventlog;
        for (const auto e : all_events) {
            requests.push_back({message_id(e), "event " + std::to_string(static_cast<unsigned>(e)) + " category " +
                                                    std::to_string(static_cast<unsigned>(category_of(e)))});
        }
        for (std::uint32_t c = 1; c <= category_count; ++c) requests.push_back({c, "category"});
    } else {
        for (int i = 3; i < argc; ++i) requests.push_back({static_cast<DWORD>(std::wcstoul(argv[i], nullptr, 0)), ""});
    }

    bool ok = true;
    for (const auto& r : requests) ok = print_message(module, insertion, r) && ok;
    ::FreeLibrary(module);
    return ok ? 0 : 1;
}
