#include "service_paths.h"

#include <stdexcept>
#include <string>
#include <system_error>

#include <windows.h>
#include <aclapi.h>
#include <shlobj.h>

#include <slotlog/detail/utf16.h>

namespace slotlog::service_paths {

namespace {

std::runtime_error windows_error(const std::string& what, DWORD code) {
    return std::runtime_error(what + ": " + detail::error_text(code));
}

std::filesystem::path program_data() {
    PWSTR known = nullptr;
    if (SUCCEEDED(::SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &known))) {
        std::filesystem::path p(known);
        ::CoTaskMemFree(known);
        return p;
    }
    ::CoTaskMemFree(known);
    // the environment has it too (and so does every windows since vista)
    wchar_t buffer[MAX_PATH];
    const DWORD n = ::GetEnvironmentVariableW(L"ProgramData", buffer, MAX_PATH);
    if (n > 0 && n < MAX_PATH) return std::filesystem::path(std::wstring(buffer, n));
    return L"C:\\ProgramData";
}

} // namespace

std::filesystem::path data_folder() { return program_data() / L"slotlog"; }

std::filesystem::path this_executable() {
    // long paths: grow until the name fits
    std::wstring buffer(MAX_PATH, L'\0');
    for (;;) {
        const DWORD n = ::GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
        if (n == 0) throw windows_error("cannot find the path of slotlogd.exe", ::GetLastError());
        if (n < buffer.size()) {
            buffer.resize(n);
            return std::filesystem::path(buffer);
        }
        buffer.resize(buffer.size() * 2);
    }
}

void create_data_folders() {
    const auto folder = data_folder();
    std::error_code ec;
    std::filesystem::create_directories(folder / L"logs", ec);
    if (ec) throw std::runtime_error("cannot create " + detail::narrow((folder / L"logs").native()) + ": " + ec.message());
}

void grant_service_account(const std::filesystem::path& folder) {
    SID_IDENTIFIER_AUTHORITY nt_authority = SECURITY_NT_AUTHORITY;
    PSID local_service = nullptr;
    if (!::AllocateAndInitializeSid(&nt_authority, 1, SECURITY_LOCAL_SERVICE_RID, 0, 0, 0, 0, 0, 0, 0,
                                    &local_service)) {
        throw windows_error("cannot build the LocalService SID", ::GetLastError());
    }

    PACL old_dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL new_dacl = nullptr;
    DWORD err = ::GetNamedSecurityInfoW(folder.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                        nullptr, &old_dacl, nullptr, &descriptor);
    if (err == ERROR_SUCCESS) {
        // "modify" as icacls says it: read, write, execute, delete
        EXPLICIT_ACCESSW access{};
        access.grfAccessPermissions = FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE;
        access.grfAccessMode = GRANT_ACCESS;
        access.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
        access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
        access.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
        access.Trustee.ptstrName = static_cast<LPWSTR>(local_service);
        err = ::SetEntriesInAclW(1, &access, old_dacl, &new_dacl);
    }
    if (err == ERROR_SUCCESS) {
        // SetNamedSecurityInfoW wants a writable name
        std::wstring name = folder.native();
        err = ::SetNamedSecurityInfoW(name.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                      new_dacl, nullptr);
    }
    if (new_dacl) ::LocalFree(new_dacl);
    if (descriptor) ::LocalFree(descriptor);
    ::FreeSid(local_service);
    if (err != ERROR_SUCCESS) {
        throw windows_error("cannot give LocalService access to " + detail::narrow(folder.native()), err);
    }
}

} // namespace slotlog::service_paths
