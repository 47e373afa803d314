// the windows event log: the registry key of a source against the real (wine)
// registry, the event ids and the eventlog output (windows only)

#include <slotlog/windows/eventlog.h>
#include <slotlog/outputs.h>

#include <windows.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using namespace slotlog;
using namespace slotlog::eventlog;
namespace fs = std::filesystem;

const std::wstring application_key = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\";

// a source name no other run uses, removed again at the end
struct test_source {
    std::string name = fmt::format("slotlog-unit-{}-{}", ::GetCurrentProcessId(),
                                   std::chrono::steady_clock::now().time_since_epoch().count());
    ~test_source() {
        try {
            unregister_source(name);
        } catch (...) {
        }
    }
};

struct reg_value {
    DWORD type = REG_NONE;
    std::wstring text;
    DWORD number = 0;
};

// reads a value with the plain registry api, not with the code under test
std::optional<reg_value> read_value(const std::string& source, const wchar_t* name) {
    const auto path = application_key + std::wstring(source.begin(), source.end());
    HKEY key = nullptr;
    if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS) {
        return std::nullopt;
    }
    reg_value v;
    DWORD size = 0;
    LSTATUS rc = ::RegQueryValueExW(key, name, nullptr, &v.type, nullptr, &size);
    if (rc == ERROR_SUCCESS && v.type == REG_DWORD) {
        size = sizeof v.number;
        rc = ::RegQueryValueExW(key, name, nullptr, nullptr, reinterpret_cast<BYTE*>(&v.number), &size);
    } else if (rc == ERROR_SUCCESS) {
        std::wstring buffer(size / sizeof(wchar_t) + 1, L'\0');
        size = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
        rc = ::RegQueryValueExW(key, name, nullptr, nullptr, reinterpret_cast<BYTE*>(buffer.data()), &size);
        v.text = buffer.c_str();
    }
    ::RegCloseKey(key);
    if (rc != ERROR_SUCCESS) return std::nullopt;
    return v;
}

bool key_exists(const std::string& source) {
    const auto path = application_key + std::wstring(source.begin(), source.end());
    HKEY key = nullptr;
    if (::RegOpenKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS) return false;
    ::RegCloseKey(key);
    return true;
}

TEST(eventlog, register_writes_the_values_event_viewer_reads) {
    test_source s;
    const fs::path exe = L"C:\\Program Files\\slotlog\\slotlogd.exe";
    EXPECT_FALSE(source_registered(s.name));

    register_source(s.name, exe);
    EXPECT_TRUE(source_registered(s.name));
    const auto message_file = read_value(s.name, L"EventMessageFile");
    ASSERT_TRUE(message_file);
    EXPECT_EQ(message_file->type, static_cast<DWORD>(REG_EXPAND_SZ));
    EXPECT_EQ(message_file->text, exe.wstring());
    const auto types = read_value(s.name, L"TypesSupported");
    ASSERT_TRUE(types);
    EXPECT_EQ(types->type, static_cast<DWORD>(REG_DWORD));
    EXPECT_EQ(types->number, 7u);
    const auto category_file = read_value(s.name, L"CategoryMessageFile");
    ASSERT_TRUE(category_file);
    EXPECT_EQ(category_file->type, static_cast<DWORD>(REG_EXPAND_SZ));
    EXPECT_EQ(category_file->text, exe.wstring());
    const auto categories = read_value(s.name, L"CategoryCount");
    ASSERT_TRUE(categories);
    EXPECT_EQ(categories->type, static_cast<DWORD>(REG_DWORD));
    EXPECT_EQ(categories->number, category_count);

    unregister_source(s.name);
    EXPECT_FALSE(source_registered(s.name));
    EXPECT_FALSE(key_exists(s.name));
    EXPECT_NO_THROW(unregister_source(s.name));  // absent is fine
}

TEST(eventlog, register_again_moves_the_message_file) {
    test_source s;
    register_source(s.name, L"C:\\old\\slotlogd.exe");
    register_source(s.name, L"D:\\new place\\slotlogd.exe");
    EXPECT_EQ(read_value(s.name, L"EventMessageFile")->text, L"D:\\new place\\slotlogd.exe");
    EXPECT_EQ(read_value(s.name, L"TypesSupported")->number, 7u);
}

TEST(eventlog, a_relative_message_file_is_made_absolute) {
    test_source s;
    register_source(s.name, L"slotlogd.exe");
    const auto file = read_value(s.name, L"EventMessageFile");
    ASSERT_TRUE(file);
    EXPECT_TRUE(fs::path(file->text).is_absolute()) << fs::path(file->text).string();
    EXPECT_EQ(fs::path(file->text), fs::current_path() / "slotlogd.exe");
}

TEST(eventlog, a_key_without_message_file_is_not_registered) {
    test_source s;
    const auto path = application_key + std::wstring(s.name.begin(), s.name.end());
    HKEY key = nullptr;
    ASSERT_EQ(::RegCreateKeyExW(HKEY_LOCAL_MACHINE, path.c_str(), 0, nullptr, 0, KEY_SET_VALUE, nullptr, &key,
                                nullptr),
              ERROR_SUCCESS);
    ::RegCloseKey(key);
    EXPECT_FALSE(source_registered(s.name));
    unregister_source(s.name);
    EXPECT_FALSE(key_exists(s.name));
}

TEST(eventlog, names_that_would_reach_another_key_are_refused) {
    // "" would be the Application log itself, a backslash another key
    for (const std::string& name : std::initializer_list<std::string>{"", "..\\System", "slotlog\\sub",
                                                                  std::string(201, 'x')}) {
        EXPECT_THROW(register_source(name, L"C:\\slotlogd.exe"), std::runtime_error) << name;
        EXPECT_THROW(unregister_source(name), std::runtime_error) << name;
        EXPECT_FALSE(source_registered(name)) << name;
    }
    EXPECT_TRUE(key_exists("")) << "the Application log key must survive";
    try {
        unregister_source("");
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("invalid event log source name"), std::string::npos) << e.what();
    }
}

TEST(eventlog, entry_events_by_level) {
    EXPECT_EQ(entry_event(level::trace), event::entry_information);
    EXPECT_EQ(entry_event(level::debug), event::entry_information);
    EXPECT_EQ(entry_event(level::info), event::entry_information);
    EXPECT_EQ(entry_event(level::notice), event::entry_information);
    EXPECT_EQ(entry_event(level::warning), event::entry_warning);
    EXPECT_EQ(entry_event(level::error), event::entry_error);
    EXPECT_EQ(entry_event(level::critical), event::entry_error);
}

TEST(eventlog, message_ids_carry_the_severity_of_the_message_table) {
    EXPECT_EQ(message_id(event::service_started), 0x40000064u);
    EXPECT_EQ(message_id(event::service_stopped), 0x40000065u);
    EXPECT_EQ(message_id(event::config_rejected), 0xC0000066u);
    EXPECT_EQ(message_id(event::startup_failed), 0xC0000067u);
    EXPECT_EQ(message_id(event::reload_refused), 0x80000068u);
    EXPECT_EQ(message_id(event::entry_information), 0x400003E8u);
    EXPECT_EQ(message_id(event::entry_warning), 0x800003E9u);
    EXPECT_EQ(message_id(event::entry_error), 0xC00003EAu);
    for (const auto e : all_events) {
        // Event Viewer shows the low 16 bits as the event id
        EXPECT_EQ(message_id(e) & 0xFFFFu, static_cast<std::uint32_t>(e));
        EXPECT_NE(message_id(e) >> 30, 0u);
    }
}

TEST(eventlog, categories) {
    EXPECT_EQ(category_of(event::service_started), category::service);
    EXPECT_EQ(category_of(event::reload_refused), category::service);
    EXPECT_EQ(category_of(event::entry_information), category::entry);
    EXPECT_EQ(category_of(event::entry_error), category::entry);
}

TEST(eventlog, report_never_throws) {
    // a report that failed must not take the service down: noexcept, and every
    // call below returns (an exception would end the test program)
    static_assert(noexcept(report(std::string(), level::info, event::entry_information, std::string_view())));
    test_source s;
    for (const auto e : all_events) report(s.name, level::info, e, "text");
    report("", level::error, event::startup_failed, "an invalid source is no exception");
    report(s.name, level::warning, event::entry_warning, std::string(100000, 'x'));
    report(s.name, level::warning, event::entry_warning, "\xff\xfe invalid utf-8");
}

TEST(eventlog, the_eventlog_output_takes_every_level_and_any_length) {
    output_config cfg;
    cfg.type = "eventlog";
    cfg.source = "slotlog-unit-output";  // never registered: reporting works without the key
    cfg.min_level = level::trace;
    const auto out = make_output(cfg, {});
    ASSERT_TRUE(out.sink);
    EXPECT_TRUE(out.drop_timestamp);
    const std::string huge(40000, 'y');
    for (const auto lvl : {level::trace, level::debug, level::info, level::notice, level::warning, level::error,
                           level::critical}) {
        const spdlog::details::log_msg msg(spdlog::source_loc{}, spdlog::string_view_t{}, to_spdlog(lvl),
                                           spdlog::string_view_t(huge.data(), huge.size()));
        EXPECT_NO_THROW(out.sink->log(msg));
    }
    EXPECT_NO_THROW(out.sink->flush());
}

} // namespace
