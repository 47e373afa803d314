#include <gtest/gtest.h>

#include <slotlog/client.h>
#include <slotlog/platform.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using slotlog::parse_slot_name;
using slotlog::slot_name;

namespace {

// the message of the std::invalid_argument that parsing text throws
std::string rejection(const std::string& text) {
    try {
        parse_slot_name(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

void set_env(const char* name, const char* value) {
#ifdef _WIN32
    _putenv_s(name, value ? value : "");
#else
    if (value) {
        setenv(name, value, 1);
    } else {
        unsetenv(name);
    }
#endif
}

} // namespace

TEST(slot_name, bare_name_is_local) {
    const auto s = parse_slot_name("logger");
    EXPECT_EQ(s.where, slot_name::scope::local);
    EXPECT_EQ(s.server, ".");
    EXPECT_EQ(s.name, "logger");
    EXPECT_EQ(s.canonical(), R"(\\.\mailslot\logger)");
    EXPECT_EQ(s.local_path(), R"(\\.\mailslot\logger)");
}

TEST(slot_name, full_local_name) {
    const auto s = parse_slot_name(R"(\\.\mailslot\logger)");
    EXPECT_EQ(s.where, slot_name::scope::local);
    EXPECT_EQ(s.name, "logger");
    EXPECT_EQ(s.canonical(), R"(\\.\mailslot\logger)");
}

TEST(slot_name, broadcast) {
    const auto s = parse_slot_name(R"(\\*\mailslot\logger)");
    EXPECT_EQ(s.where, slot_name::scope::broadcast);
    EXPECT_EQ(s.server, "*");
    EXPECT_EQ(s.name, "logger");
    EXPECT_EQ(s.canonical(), R"(\\*\mailslot\logger)");
    EXPECT_EQ(s.local_path(), R"(\\.\mailslot\logger)");
}

TEST(slot_name, domain_or_host) {
    const auto s = parse_slot_name(R"(\\WEB01\mailslot\logger)");
    EXPECT_EQ(s.where, slot_name::scope::domain_or_host);
    EXPECT_EQ(s.server, "web01");
    EXPECT_EQ(s.canonical(), R"(\\web01\mailslot\logger)");
    EXPECT_EQ(s.local_path(), R"(\\.\mailslot\logger)");
    EXPECT_EQ(parse_slot_name(R"(\\CORP\mailslot\logger)").where, slot_name::scope::domain_or_host);
}

TEST(slot_name, case_insensitive_stored_lower_case) {
    const auto s = parse_slot_name(R"(\\.\MailSlot\LOGGER)");
    EXPECT_EQ(s.name, "logger");
    EXPECT_EQ(s.canonical(), R"(\\.\mailslot\logger)");
    EXPECT_EQ(parse_slot_name("Logger").name, "logger");
    EXPECT_EQ(parse_slot_name(R"(\\*\MAILSLOT\Logger)").canonical(), R"(\\*\mailslot\logger)");
}

TEST(slot_name, sub_folders) {
    const auto s = parse_slot_name(R"(\\.\mailslot\App\Logger)");
    EXPECT_EQ(s.name, R"(app\logger)");
    EXPECT_EQ(s.canonical(), R"(\\.\mailslot\app\logger)");
    EXPECT_EQ(parse_slot_name(R"(app\logger)").name, R"(app\logger)");
    EXPECT_EQ(parse_slot_name(R"(\\*\mailslot\a\b\c)").local_path(), R"(\\.\mailslot\a\b\c)");
}

TEST(slot_name, non_ascii_passes_through) {
    EXPECT_EQ(parse_slot_name("journal-\xc3\xa9t\xc3\xa9").name, "journal-\xc3\xa9t\xc3\xa9");
}

TEST(slot_name, rejects_empty) {
    EXPECT_NE(rejection("").find("empty"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\mailslot\)").find("empty"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\mailslot)").find("empty"), std::string::npos);
    EXPECT_NE(rejection(R"(\\\mailslot\logger)").find("server"), std::string::npos);
}

TEST(slot_name, rejects_nul) {
    EXPECT_NE(rejection(std::string("log\0ger", 7)).find("NUL"), std::string::npos);
}

TEST(slot_name, rejects_slash) {
    EXPECT_NE(rejection("a/b").find("'/'"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\mailslot\a/b)").find("'/'"), std::string::npos);
    EXPECT_NE(rejection("//./mailslot/logger").find("'/'"), std::string::npos);
}

TEST(slot_name, rejects_long_names) {
    EXPECT_EQ(parse_slot_name(std::string(255, 'x')).name.size(), 255u);
    EXPECT_NE(rejection(std::string(256, 'x')).find("256 characters long, the limit is 255"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\mailslot\)" + std::string(256, 'x')).find("limit is 255"), std::string::npos);
}

TEST(slot_name, rejects_missing_mailslot_component) {
    EXPECT_NE(rejection(R"(\\.\pipe\logger)").find("'mailslot'"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\logger)").find("'mailslot'"), std::string::npos);
    EXPECT_NE(rejection(R"(\\server)").find("'mailslot'"), std::string::npos);
}

TEST(slot_name, rejects_empty_and_dot_folders) {
    EXPECT_NE(rejection(R"(a\\b)").find("empty folder"), std::string::npos);
    EXPECT_NE(rejection(R"(\logger)").find("empty folder"), std::string::npos);
    EXPECT_NE(rejection(R"(logger\)").find("empty folder"), std::string::npos);
    EXPECT_NE(rejection("..").find("'..'"), std::string::npos);
    EXPECT_NE(rejection(R"(\\.\mailslot\a\.\b)").find("'.'"), std::string::npos);
}

TEST(slot_name, message_names_the_input) {
    EXPECT_NE(rejection(R"(\\.\pipe\logger)").find(R"('\\.\pipe\logger')"), std::string::npos);
}

TEST(slot_name, network_message_limit) {
    EXPECT_EQ(slotlog::network_message_limit(parse_slot_name("logger")), 0u);
    EXPECT_EQ(slotlog::network_message_limit(parse_slot_name(R"(\\*\mailslot\logger)")), 424u);
    EXPECT_EQ(slotlog::network_message_limit(parse_slot_name(R"(\\host\mailslot\a)")), 424u);
    EXPECT_EQ(slotlog::network_message_limit(parse_slot_name(R"(\\*\mailslot\app\logger)")), 420u);
}

TEST(slot_socket_path, under_runtime_dir) {
    const auto dir = slotlog::runtime_dir();
    EXPECT_FALSE(dir.empty());
    EXPECT_EQ(slotlog::slot_socket_path(parse_slot_name("Logger")), dir / "logger");
    // every scope maps to the local socket
    EXPECT_EQ(slotlog::slot_socket_path(parse_slot_name(R"(\\*\mailslot\logger)")), dir / "logger");
}

TEST(slot_socket_path, sub_folders_stay_in_the_file_name) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    const auto dir = slotlog::runtime_dir();
    const auto sub = slotlog::slot_socket_path(parse_slot_name(R"(\\.\mailslot\app\logger)"));
    EXPECT_EQ(sub.parent_path(), dir);
    EXPECT_EQ(sub.filename().string(), "app\\logger");
}

// the runtime rule: with SLOTLOG_RUNTIME_DIR, that folder alone; without it,
// the system collector's folder first, then the writer's own when it differs
TEST(writer_socket_paths, the_system_collector_first_unless_runtime_dir_is_set) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    using paths = std::vector<std::filesystem::path>;
    const char* set = std::getenv("SLOTLOG_RUNTIME_DIR");
    const std::string saved = set ? set : "";
    const auto slot = parse_slot_name(R"(\\*\mailslot\Logger)");

    set_env("SLOTLOG_RUNTIME_DIR", "/tmp/private-runtime");
    EXPECT_EQ(slotlog::writer_socket_paths(slot, "/sys-run"), paths{"/tmp/private-runtime/logger"});

    set_env("SLOTLOG_RUNTIME_DIR", nullptr);
    const auto own = slotlog::runtime_dir();
    EXPECT_EQ(slotlog::writer_socket_paths(slot, "/sys-run"), (paths{"/sys-run/logger", own / "logger"}));
    EXPECT_EQ(slotlog::writer_socket_paths(slot, own), paths{own / "logger"}) << "one folder is tried once";
    EXPECT_EQ(slotlog::writer_socket_paths(slot).front(), std::filesystem::path("/run/slotlog/logger"));

    set_env("SLOTLOG_RUNTIME_DIR", set ? saved.c_str() : nullptr);
}
