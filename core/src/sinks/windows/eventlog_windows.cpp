// the windows event log: reporting events with slotlogd.exe's message table,
// and the registry key that tells Event Viewer where that table is

#include <slotlog/windows/eventlog.h>

#include <windows.h>

#include <stdexcept>

#include "sinks/windows/event_source.h"
#include "windows/win_util.h"

namespace slotlog::eventlog {

namespace fs = std::filesystem;

namespace {

// the severity bits of each message in slotlog_messages.mc
constexpr std::uint32_t severity_informational = 0x40000000u;
constexpr std::uint32_t severity_warning = 0x80000000u;
constexpr std::uint32_t severity_error = 0xC0000000u;

// ReportEventW's limit for one insertion string, in utf-16 units
constexpr std::size_t max_insertion_chars = 31839;

constexpr std::wstring_view application_log = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

// an owned registry key
class reg_key {
public:
    reg_key() = default;
    ~reg_key() {
        if (key_) ::RegCloseKey(key_);
    }
    reg_key(const reg_key&) = delete;
    reg_key& operator=(const reg_key&) = delete;
    HKEY* put() noexcept { return &key_; }
    HKEY get() const noexcept { return key_; }
private:
    HKEY key_ = nullptr;
};

std::runtime_error failure(const std::string& what, const std::string& source, LSTATUS rc) {
    return std::runtime_error(what + " the event log source \"" + source + "\": HKLM\\" +
                              narrow(application_log) + source + ": " + error_text(static_cast<unsigned long>(rc)));
}

// a source is one key under Application: an empty name or a backslash would
// name another key (even the Application log itself)
std::wstring key_path(const std::string& source) {
    if (source.empty() || source.find('\\') != std::string::npos || source.size() > 200) {
        throw std::runtime_error("invalid event log source name \"" + source +
                                 "\": it must be 1 to 200 characters without a backslash");
    }
    return std::wstring(application_log) + widen(source);
}

LSTATUS set_string(HKEY key, const wchar_t* name, const std::wstring& value) {
    return ::RegSetValueExW(key, name, 0, REG_EXPAND_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                            static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
}

LSTATUS set_dword(HKEY key, const wchar_t* name, DWORD value) {
    return ::RegSetValueExW(key, name, 0, REG_DWORD, reinterpret_cast<const BYTE*>(&value), sizeof value);
}

} // namespace

std::uint32_t message_id(event id) noexcept {
    const auto code = static_cast<std::uint32_t>(id);
    switch (id) {
    case event::service_started:
    case event::service_stopped:
    case event::forward_reached:
    case event::statistics:
    case event::entry_information: return severity_informational | code;
    case event::reload_refused:
    case event::service_warning:
    case event::forward_unreachable:
    case event::entry_warning: return severity_warning | code;
    case event::config_rejected:
    case event::startup_failed:
    case event::service_error:
    case event::entry_error: return severity_error | code;
    }
    return severity_informational | code;
}

category category_of(event id) noexcept {
    switch (id) {
    case event::entry_information:
    case event::entry_warning:
    case event::entry_error: return category::entry;
    default: return category::service;
    }
}

event entry_event(level lvl) noexcept {
    switch (lvl) {
    case level::critical:
    case level::error: return event::entry_error;
    case level::warning: return event::entry_warning;
    default: return event::entry_information;
    }
}

WORD event_type(level lvl) noexcept {
    switch (lvl) {
    case level::critical:
    case level::error: return EVENTLOG_ERROR_TYPE;
    case level::warning: return EVENTLOG_WARNING_TYPE;
    default: return EVENTLOG_INFORMATION_TYPE;
    }
}

void fit_insertion_string(std::wstring& text) {
    if (text.size() <= max_insertion_chars) return;
    constexpr std::wstring_view mark = L" ... (truncated)";
    auto keep = max_insertion_chars - mark.size();
    // never split a surrogate pair
    if (text[keep - 1] >= 0xD800 && text[keep - 1] <= 0xDBFF) --keep;
    text.resize(keep);
    text += mark;
}

event_source::~event_source() { close_(); }

bool event_source::open_() noexcept {
    try {
        // works without the registry key too: Event Viewer then only lacks the text
        handle_ = ::RegisterEventSourceW(nullptr, widen(name_).c_str());
        if (handle_) return true;
        last_error_ = "RegisterEventSourceW(\"" + name_ + "\"): " + error_text(::GetLastError());
    } catch (...) {
        last_error_ = "out of memory";
    }
    return false;
}

void event_source::close_() noexcept {
    if (handle_) ::DeregisterEventSource(handle_);
    handle_ = nullptr;
}

bool event_source::report(level lvl, event id, std::string_view text) noexcept {
    try {
        if (!handle_ && !open_()) return false;
        text_ = widen(text);
        fit_insertion_string(text_);
        const wchar_t* strings[] = {text_.c_str()};
        if (::ReportEventW(handle_, event_type(lvl), static_cast<WORD>(category_of(id)), message_id(id), nullptr, 1,
                           0, strings, nullptr)) {
            return true;
        }
        const auto code = ::GetLastError();
        // reopen next time: the event log service may have been restarted
        close_();
        last_error_ = "ReportEventW: " + error_text(code);
    } catch (...) {
        last_error_ = "out of memory";
    }
    return false;
}

void report(const std::string& source, level lvl, event id, std::string_view text) noexcept {
    try {
        event_source(source).report(lvl, id, text);
    } catch (...) {
    }
}

void register_source(const std::string& source, const fs::path& message_file) {
    const auto path = key_path(source);
    // Event Viewer reads the path in its own process: it must be absolute
    std::error_code ec;
    auto file = fs::absolute(message_file, ec);
    if (ec) file = message_file;
    const auto file_name = file.wstring();

    reg_key key;
    DWORD disposition = 0;
    LSTATUS rc = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, nullptr, REG_OPTION_NON_VOLATILE,
                                   KEY_SET_VALUE, nullptr, key.put(), &disposition);
    if (rc != ERROR_SUCCESS) throw failure("cannot register", source, rc);
    rc = set_string(key.get(), L"EventMessageFile", file_name);
    if (rc == ERROR_SUCCESS) rc = set_dword(key.get(), L"TypesSupported",
                                            EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE);
    if (rc == ERROR_SUCCESS) rc = set_string(key.get(), L"CategoryMessageFile", file_name);
    if (rc == ERROR_SUCCESS) rc = set_dword(key.get(), L"CategoryCount", category_count);
    if (rc != ERROR_SUCCESS) {
        // leave no half-registered source behind
        if (disposition == REG_CREATED_NEW_KEY) ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, path.c_str());
        throw failure("cannot register", source, rc);
    }
}

void unregister_source(const std::string& source) {
    const auto path = key_path(source);
    const LSTATUS rc = ::RegDeleteTreeW(HKEY_LOCAL_MACHINE, path.c_str());
    if (rc != ERROR_SUCCESS && rc != ERROR_FILE_NOT_FOUND) throw failure("cannot unregister", source, rc);
}

bool source_registered(const std::string& source) noexcept {
    try {
        const auto path = key_path(source);
        reg_key key;
        if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, KEY_QUERY_VALUE, key.put()) != ERROR_SUCCESS) {
            return false;
        }
        return ::RegQueryValueExW(key.get(), L"EventMessageFile", nullptr, nullptr, nullptr, nullptr) ==
               ERROR_SUCCESS;
    } catch (...) {
        return false;
    }
}

} // namespace slotlog::eventlog
