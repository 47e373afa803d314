// SLOTLOG-CTL/1: the message format and its test vector (docs/control.md),
// the platform's hmac, key files, and the collector's checks

#include <slotlog/control.h>
#include <slotlog/control_message.h>

#include <fstream>

#include <gtest/gtest.h>

#include "test_files.h"

#ifdef _WIN32
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#else
#include <sys/stat.h>
#endif

namespace {

using namespace slotlog;
using slotlog::testing::temp_dir;
namespace fs = std::filesystem;

constexpr std::string_view doc_key = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t doc_time = 1795987055;  // 2026-11-29T21:17:35Z
constexpr std::string_view doc_nonce = "00112233445566778899aabbccddeeff";
constexpr std::string_view doc_stop =
    "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeeff "
    "324c2a517a98ae8c4dd334065120b6054163a5563f1d29c62b0801c901e4a39d";

fs::path write_key(const temp_dir& dir, std::string_view contents, const std::string& name = "control.key") {
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << contents;
#ifndef _WIN32
    ::chmod(path.c_str(), 0600);
#endif
    return path;
}

control_config keyed(const fs::path& key_file) {
    control_config c;
    c.key_file = key_file;
    return c;
}

std::string signed_message(std::string_view verb, std::int64_t time, std::string_view nonce,
                           std::string_view key = doc_key) {
    std::string text = "SLOTLOG-CTL/1 " + std::string(verb) + " " + std::to_string(time) + " " + std::string(nonce);
    return text + " " + hmac_sha256_hex(key, text);
}

// python 3: marshal.dumps(text) for an ascii str of up to 255 bytes
std::string marshalled(std::string_view text) {
    return std::string("\xda") + static_cast<char>(text.size()) + std::string(text);
}

} // namespace

TEST(hmac, matches_rfc_4231) {
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // a key longer than the block is hashed first
    EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(control_message, matches_the_documented_test_vector) {
    EXPECT_EQ(make_control_message(control_verb::stop, doc_key, doc_time, doc_nonce), doc_stop);
    EXPECT_EQ(make_control_message(control_verb::flush, doc_key, doc_time, doc_nonce),
              "SLOTLOG-CTL/1 flush 1795987055 00112233445566778899aabbccddeeff "
              "bd2408f89c28a18c51ebbd1ebb482608a0bd77f4c05d8b149c5efff3982471eb");
}

TEST(control_message, a_fresh_message_has_a_random_nonce_and_parses) {
    const auto a = make_control_message(control_verb::rotate, doc_key);
    const auto b = make_control_message(control_verb::rotate, doc_key);
    EXPECT_NE(a, b);
    std::string why;
    const auto f = parse_control_fields(a, why);
    ASSERT_TRUE(f) << why;
    EXPECT_EQ(f->verb, "rotate");
    EXPECT_EQ(f->nonce.size(), 32u);
    EXPECT_EQ(hmac_sha256_hex(doc_key, f->signed_part), f->mac);
}

TEST(control_message, equal_constant_time_compares_whole_texts) {
    EXPECT_TRUE(equal_constant_time("abc", "abc"));
    EXPECT_FALSE(equal_constant_time("abc", "abd"));
    EXPECT_FALSE(equal_constant_time("abc", "ab"));
    EXPECT_TRUE(equal_constant_time("", ""));
}

TEST(control_message, refuses_every_malformed_shape_with_a_reason) {
    const std::string mac(64, 'a');
    const std::string cases[] = {
        "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeeff",           // no mac
        "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeeff " + mac + " x",
        "SLOTLOG-CTL/1 stop  1795987055 00112233445566778899aabbccddeeff " + mac,   // two spaces
        "SLOTLOG-CTL/1 STOP 1795987055 00112233445566778899aabbccddeeff " + mac,
        "SLOTLOG-CTL/1 stop -1795987055 00112233445566778899aabbccddeeff " + mac,
        "SLOTLOG-CTL/1 stop 99999999999999999999 00112233445566778899aabbccddeeff " + mac,
        "SLOTLOG-CTL/1 stop 1795987055 001122334455667 " + mac,                     // 15 hex digits
        "SLOTLOG-CTL/1 stop 1795987055 " + std::string(65, '0') + " " + mac,
        "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeefg " + mac,
        "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeeff " + std::string(64, 'A'),
        "SLOTLOG-CTL/1 stop 1795987055 00112233445566778899aabbccddeeff " + mac.substr(1),
        "SLOTLOG-CTL/2 stop 1795987055 00112233445566778899aabbccddeeff " + mac,
        "SLOTLOG-CTL/1 " + std::string(300, 'x'),
        "SLOTLOG-CTL/1 ",
        "SLOTLOG-CTL/1",
    };
    for (const auto& text : cases) {
        std::string why;
        EXPECT_FALSE(parse_control_fields(text, why)) << text;
        EXPECT_FALSE(why.empty()) << text;
    }
    std::string why;
    EXPECT_FALSE(parse_control_fields("SLOTLOG-CTL/2 stop", why));
    EXPECT_EQ(why, "unsupported version");
    EXPECT_FALSE(parse_control_fields("SLOTLOG-CTL/1 " + std::string(300, 'x'), why));
    EXPECT_NE(why.find("too long"), std::string::npos);
}

TEST(control_key, is_the_file_without_trailing_end_of_line_and_at_least_16_bytes) {
    temp_dir dir;
    EXPECT_EQ(read_control_key(write_key(dir, "0123456789abcdef\r\n\n"), true), "0123456789abcdef");
    EXPECT_EQ(read_control_key(write_key(dir, " spaces count   "), true), " spaces count   ");
    try {
        read_control_key(write_key(dir, "0123456789abcde\n"), true);
        FAIL() << "a 15-byte key was accepted";
    } catch (const control_key_error& e) {
        EXPECT_NE(std::string(e.what()).find("too short (15 bytes, at least 16)"), std::string::npos) << e.what();
    }
    try {
        read_control_key(dir / "nothing.key", true);
        FAIL() << "a missing key was accepted";
    } catch (const control_key_error& e) {
        EXPECT_NE(std::string(e.what()).find(": missing"), std::string::npos) << e.what();
    }
}

#ifndef _WIN32
TEST(control_key, a_posix_key_that_group_or_others_may_read_is_refused) {
    temp_dir dir;
    const auto key = write_key(dir, "0123456789abcdef0123");
    for (const mode_t mode : {0640, 0604, 0644}) {
        ::chmod(key.c_str(), mode);
        try {
            read_control_key(key, true);
            FAIL() << "mode " << std::oct << mode << " was accepted";
        } catch (const control_key_error& e) {
            EXPECT_NE(std::string(e.what()).find("readable by group or others"), std::string::npos) << e.what();
        }
        // the client reading its own copy does not judge it
        EXPECT_EQ(read_control_key(key, false), "0123456789abcdef0123");
    }
    ::chmod(key.c_str(), 0400);
    EXPECT_EQ(read_control_key(key, true), "0123456789abcdef0123");
}
#endif

TEST(control_key, create_makes_a_random_private_key_once) {
    temp_dir dir;
    const auto path = dir / "control.key";
    ASSERT_TRUE(create_control_key(path));
    const auto key = read_control_key(path, true);  // private: accepted by the collector
    EXPECT_EQ(key.size(), 64u);
    EXPECT_FALSE(create_control_key(path));         // never replaced
    EXPECT_EQ(read_control_key(path, true), key);
    const auto other = dir / "other.key";
    ASSERT_TRUE(create_control_key(other));
    EXPECT_NE(read_control_key(other, true), key);
#ifndef _WIN32
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
#endif
}

#ifdef _WIN32
TEST(control_key, a_windows_key_is_for_administrators_system_and_the_service_only) {
    temp_dir dir;
    const auto path = dir / "control.key";
    ASSERT_TRUE(create_control_key(path));
    PSECURITY_DESCRIPTOR sd = nullptr;
    ASSERT_EQ(::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                      nullptr, nullptr, &sd),
              ERROR_SUCCESS);
    wchar_t* sddl = nullptr;
    ASSERT_TRUE(::ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                                       &sddl, nullptr));
    const std::wstring text(sddl);
    ::LocalFree(sddl);
    ::LocalFree(sd);
    const std::string shown(text.begin(), text.end());
    // wine keeps no dacl on files, it maps one onto the unix mode and back:
    // there, only the promise that users at large get nothing can be seen
    const bool wine = ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
    if (wine) {
        for (const auto* who : {L";WD)", L";BU)", L";AU)", L";IU)"}) EXPECT_EQ(text.find(who), std::wstring::npos) << shown;
    } else {
        // protected (nothing inherited from the folder), three entries
        EXPECT_EQ(text, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;LS)") << shown;
    }
}
#endif

TEST(control_plane, is_off_without_a_usable_key_and_says_why) {
    temp_dir dir;
    EXPECT_FALSE(control_plane(control_config{}).enabled());
    EXPECT_EQ(control_plane(control_config{}).status(), "off: no control.key_file configured");
    const control_plane missing(keyed(dir / "absent.key"));
    EXPECT_FALSE(missing.enabled());
    EXPECT_NE(missing.status().find("absent.key: missing"), std::string::npos) << missing.status();
    const control_plane short_key(keyed(write_key(dir, "short")));
    EXPECT_FALSE(short_key.enabled());
    EXPECT_NE(short_key.status().find("too short"), std::string::npos) << short_key.status();
    const control_plane on(keyed(write_key(dir, doc_key)));
    EXPECT_TRUE(on.enabled());
    EXPECT_EQ(on.status().rfind("on (key file ", 0), 0u) << on.status();
}

TEST(control_plane, recognises_commands_plain_marshalled_and_with_terminators) {
    EXPECT_EQ(control_plane::command_text(std::string(doc_stop) + "\r\n"), std::string(doc_stop));
    EXPECT_EQ(control_plane::command_text(std::string(doc_stop) + '\0'), std::string(doc_stop));
    EXPECT_EQ(control_plane::command_text(marshalled(doc_stop)), std::string(doc_stop));
    EXPECT_EQ(control_plane::command_text("SLOTLOG-CTL/9 anything"), "SLOTLOG-CTL/9 anything");
    EXPECT_FALSE(control_plane::command_text("hello"));
    EXPECT_FALSE(control_plane::command_text(" SLOTLOG-CTL/1 stop"));
    EXPECT_FALSE(control_plane::command_text(R"({"msg":"SLOTLOG-CTL/1 stop"})"));
    EXPECT_FALSE(control_plane::command_text(marshalled("hello")));
    // the design document's sentinel, short only
    EXPECT_EQ(control_plane::command_text("STOP\r\n"), "STOP");
    EXPECT_EQ(control_plane::command_text(marshalled("STOP")), "STOP");
    EXPECT_FALSE(control_plane::command_text("STOP" + std::string(61, '\0')));
    EXPECT_FALSE(control_plane::command_text("STOPPED"));
}

TEST(control_plane, accepts_a_valid_message_once_inside_the_window) {
    temp_dir dir;
    control_plane plane(keyed(write_key(dir, doc_key)));
    const auto d = plane.check(doc_stop, doc_time);
    ASSERT_TRUE(d.verb) << d.reason;
    EXPECT_EQ(*d.verb, control_verb::stop);
    const auto again = plane.check(doc_stop, doc_time + 1);
    EXPECT_FALSE(again.verb);
    EXPECT_EQ(again.reason, "replayed: nonce already used");
    // the nonce is taken whatever the verb: a new mac does not make it fresh
    const auto other_verb = plane.check(signed_message("flush", doc_time, doc_nonce), doc_time + 2);
    EXPECT_FALSE(other_verb.verb);
    EXPECT_EQ(other_verb.reason, "replayed: nonce already used");
    for (const auto* verb : {"reload", "rotate", "flush"}) {
        const auto nonce = hmac_sha256_hex(doc_key, verb).substr(0, 20);  // any fresh hex
        const auto ok = plane.check(signed_message(verb, doc_time, nonce), doc_time);
        ASSERT_TRUE(ok.verb) << ok.reason;
        EXPECT_EQ(to_string(*ok.verb), verb);
    }
}

TEST(control_plane, the_window_is_120_seconds_either_way) {
    temp_dir dir;
    control_plane plane(keyed(write_key(dir, doc_key)));
    EXPECT_TRUE(plane.check(signed_message("flush", doc_time - 120, "aaaaaaaaaaaaaaaa"), doc_time).verb);
    EXPECT_TRUE(plane.check(signed_message("flush", doc_time + 120, "bbbbbbbbbbbbbbbb"), doc_time).verb);
    const auto stale = plane.check(signed_message("flush", doc_time - 121, "cccccccccccccccc"), doc_time);
    EXPECT_FALSE(stale.verb);
    EXPECT_EQ(stale.reason.rfind("stale: sent 121 s ago", 0), 0u) << stale.reason;
    const auto future = plane.check(signed_message("flush", doc_time + 121, "dddddddddddddddd"), doc_time);
    EXPECT_FALSE(future.verb);
    EXPECT_EQ(future.reason.rfind("in the future: 121 s ahead", 0), 0u) << future.reason;
}

TEST(control_plane, a_nonce_is_forgotten_only_once_its_message_is_stale) {
    temp_dir dir;
    control_plane plane(keyed(write_key(dir, doc_key)));
    ASSERT_TRUE(plane.check(doc_stop, doc_time).verb);
    EXPECT_FALSE(plane.check(doc_stop, doc_time + 120).verb);  // still inside: replayed
    const auto late = plane.check(doc_stop, doc_time + 121);
    EXPECT_FALSE(late.verb);                                   // outside: stale, whatever the cache
    EXPECT_EQ(late.reason.rfind("stale", 0), 0u) << late.reason;
}

TEST(control_plane, rejects_wrong_keys_altered_fields_and_unknown_verbs) {
    temp_dir dir;
    control_plane plane(keyed(write_key(dir, doc_key)));
    auto reason = [&](const std::string& text) {
        const auto d = plane.check(text, doc_time);
        EXPECT_FALSE(d.verb) << text;
        return d.reason;
    };
    EXPECT_EQ(reason(signed_message("stop", doc_time, doc_nonce, "another key of 16+ bytes")), "bad mac");
    std::string altered(doc_stop);
    altered.replace(altered.find("stop"), 4, "rotate");
    EXPECT_EQ(reason(altered), "bad mac");
    std::string later(doc_stop);
    later.replace(later.find("1795987055"), 10, "1795987056");
    EXPECT_EQ(reason(later), "bad mac");
    EXPECT_EQ(reason(signed_message("explode", doc_time, doc_nonce)), "unknown verb 'explode'");
    EXPECT_EQ(reason(std::string(doc_stop.substr(0, doc_stop.size() - 1))).rfind("malformed mac", 0), 0u);
    EXPECT_NE(reason(std::string(doc_stop) + std::string(200, 'f')).find("too long"), std::string::npos);
    // none of these used up the nonce
    EXPECT_TRUE(plane.check(doc_stop, doc_time).verb);
}

TEST(control_plane, without_a_key_every_message_is_rejected_as_such) {
    control_plane plane(control_config{});
    const auto d = plane.check(doc_stop, doc_time);
    EXPECT_FALSE(d.verb);
    EXPECT_EQ(d.reason, "control plane is off: no control.key_file configured");
}
