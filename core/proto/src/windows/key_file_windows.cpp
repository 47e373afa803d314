// the key file on windows: readable only by Administrators, SYSTEM and the
// service's account (NT AUTHORITY\LocalService), inheriting nothing

#include "crypto.h"

#include <windows.h>
#include <sddl.h>

#include <stdexcept>

#include <slotlog/detail/utf16.h>

namespace slotlog::detail {

namespace {

// protected dacl: full control for SYSTEM and Administrators, read for LocalService
constexpr wchar_t key_file_sddl[] = L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;LS)";

} // namespace

std::string key_file_exposure(const std::filesystem::path&) {
    // the acl is set when the file is made (slotlogd install, the msi); an
    // administrator who widens it afterwards is trusted to mean it
    return {};
}

bool create_private_file(const std::filesystem::path& file, std::string_view contents) {
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(key_file_sddl, SDDL_REVISION_1, &sd, nullptr)) {
        throw std::runtime_error(error_text(::GetLastError()));
    }
    SECURITY_ATTRIBUTES sa{sizeof(sa), sd, FALSE};
    const HANDLE h = ::CreateFileW(file.c_str(), GENERIC_WRITE, 0, &sa, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
    const DWORD create_error = ::GetLastError();
    ::LocalFree(sd);
    if (h == INVALID_HANDLE_VALUE) {
        if (create_error == ERROR_FILE_EXISTS) return false;
        throw std::runtime_error(error_text(create_error));
    }
    DWORD written = 0;
    const BOOL ok = ::WriteFile(h, contents.data(), static_cast<DWORD>(contents.size()), &written, nullptr);
    const DWORD write_error = ::GetLastError();
    ::CloseHandle(h);
    if (!ok || written != contents.size()) {
        ::DeleteFileW(file.c_str());
        throw std::runtime_error(ok ? "short write" : error_text(write_error));
    }
    return true;
}

} // namespace slotlog::detail
