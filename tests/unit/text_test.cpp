#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <slotlog/text.h>

#include "clean_text.h"

using namespace std::string_view_literals;
using slotlog::is_valid_utf8;
using slotlog::testing::is_clean;
using slotlog::sanitise;

namespace {

const std::string fffd = "\xEF\xBF\xBD";

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

bool has_raw_control(std::string_view s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

} // namespace

TEST(Text, CleanAsciiIsCopiedAsIs) {
    const std::string in = "hello, world! {} {:>999999999} %s %n ~";
    EXPECT_EQ(sanitise(in), in);
    EXPECT_TRUE(is_clean(in));
    EXPECT_EQ(sanitise(""), "");
    EXPECT_TRUE(is_clean(""));
}

TEST(Text, AppendsWithoutClearing) {
    std::string out = "prefix:";
    slotlog::append_sanitised(out, "a\nb");
    EXPECT_EQ(out, "prefix:a\\nb");
}

TEST(Text, CommonControlsUseShortEscapes) {
    EXPECT_EQ(sanitise("a\nb"), "a\\nb");
    EXPECT_EQ(sanitise("a\rb"), "a\\rb");
    EXPECT_EQ(sanitise("a\tb"), "a\\tb");
    EXPECT_EQ(sanitise("line1\r\nline2"), "line1\\r\\nline2");
}

TEST(Text, OtherC0AndDelUseLowercaseHex) {
    EXPECT_EQ(sanitise("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(sanitise("a\0b"sv), "a\\x00b");
    EXPECT_EQ(sanitise("\x01"), "\\x01");
    EXPECT_EQ(sanitise("\x1f"), "\\x1f");
    EXPECT_EQ(sanitise("\x7f"), "\\x7f");
    EXPECT_EQ(sanitise("\x0b\x0c\x08"), "\\x0b\\x0c\\x08");
    EXPECT_FALSE(is_clean("\x1b"));
    EXPECT_FALSE(is_clean("\x7f"));
    EXPECT_FALSE(is_clean("a\0"sv));
}

TEST(Text, BackslashesAreKept) {
    EXPECT_EQ(sanitise("C:\\Windows\\x1b"), "C:\\Windows\\x1b");
    EXPECT_TRUE(is_clean("C:\\Windows"));
}

TEST(Text, C1ControlsAreEscaped) {
    EXPECT_EQ(sanitise("\xC2\x80"), "\\u0080");
    EXPECT_EQ(sanitise("a\xC2\x85" "b"), "a\\u0085b");  // NEL
    EXPECT_EQ(sanitise("\xC2\x9B"), "\\u009b");          // CSI
    EXPECT_EQ(sanitise("\xC2\x9F"), "\\u009f");
    EXPECT_FALSE(is_clean("\xC2\x85"));
    // U+00A0 and up are ordinary characters
    EXPECT_EQ(sanitise("\xC2\xA0"), "\xC2\xA0");
    EXPECT_TRUE(is_clean("\xC2\xA0"));
}

TEST(Text, LineAndParagraphSeparatorsAreEscaped) {
    EXPECT_EQ(sanitise("a\xE2\x80\xA8" "b"), "a\\u2028b");
    EXPECT_EQ(sanitise("a\xE2\x80\xA9" "b"), "a\\u2029b");
    EXPECT_FALSE(is_clean("\xE2\x80\xA8"));
    // neighbours are not
    EXPECT_EQ(sanitise("\xE2\x80\xA7\xE2\x80\xAA"), "\xE2\x80\xA7\xE2\x80\xAA");
    EXPECT_TRUE(is_clean("\xE2\x80\xA7\xE2\x80\xAA"));
}

TEST(Text, ValidMultibyteIsKept) {
    const std::string in = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E \xF4\x8F\xBF\xBF \xEF\xBF\xBD \xEF\xBB\xBF";
    EXPECT_EQ(sanitise(in), in);
    EXPECT_TRUE(is_clean(in));
    EXPECT_TRUE(is_valid_utf8(in));
}

TEST(Text, InvalidBytesBecomeOneReplacementEach) {
    EXPECT_EQ(sanitise("\x80"), fffd);                 // lone continuation
    EXPECT_EQ(sanitise("\xBF"), fffd);
    EXPECT_EQ(sanitise("\xFF"), fffd);
    EXPECT_EQ(sanitise("\xFE"), fffd);
    EXPECT_EQ(sanitise("\xF5\x80"), fffd + fffd);      // above U+10FFFF lead
    EXPECT_EQ(sanitise("\xC0\x80"), fffd + fffd);      // overlong NUL
    EXPECT_EQ(sanitise("\xC1\xBF"), fffd + fffd);      // overlong
    EXPECT_EQ(sanitise("\xE0\x80\x80"), fffd + fffd + fffd);
    EXPECT_EQ(sanitise("\xF0\x80\x80\x80"), fffd + fffd + fffd + fffd);
    EXPECT_EQ(sanitise("\xED\xA0\x80"), fffd + fffd + fffd);   // surrogate D800
    EXPECT_EQ(sanitise("\xED\xBF\xBF"), fffd + fffd + fffd);   // surrogate DFFF
    EXPECT_EQ(sanitise("\xED\x9F\xBF"), "\xED\x9F\xBF");       // U+D7FF is fine
    EXPECT_EQ(sanitise("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // U+110000
}

TEST(Text, TruncatedSequenceIsOneReplacement) {
    // a well-formed prefix cut short is one maximal subpart
    EXPECT_EQ(sanitise("\xE2\x82"), fffd);
    EXPECT_EQ(sanitise("\xE2\x82" "A"), fffd + "A");
    EXPECT_EQ(sanitise("\xF0\x9F\x98"), fffd);
    EXPECT_EQ(sanitise("\xF0\x9F\x98" "\n"), fffd + "\\n");
    EXPECT_EQ(sanitise("\xC3"), fffd);
    EXPECT_EQ(sanitise("x\xC3"), "x" + fffd);
    EXPECT_EQ(sanitise("\xC3\xC3\xA9"), fffd + "\xC3\xA9");
}

TEST(Text, InvalidInsideLongAsciiRuns) {
    // exercises the 8-byte fast path with the odd byte at every offset
    for (std::size_t pos = 0; pos < 40; ++pos) {
        std::string in(40, 'a');
        std::string expected_ctl(40, 'a');
        in[pos] = '\x1b';
        expected_ctl.replace(pos, 1, "\\x1b");
        EXPECT_EQ(sanitise(in), expected_ctl) << pos;

        in[pos] = '\xFF';
        std::string expected_bad(40, 'a');
        expected_bad.replace(pos, 1, fffd);
        EXPECT_EQ(sanitise(in), expected_bad) << pos;

        in[pos] = '\x7f';
        std::string expected_del(40, 'a');
        expected_del.replace(pos, 1, "\\x7f");
        EXPECT_EQ(sanitise(in), expected_del) << pos;
    }
}

TEST(Text, EveryByteAloneGivesCleanOutput) {
    for (int b = 0; b < 256; ++b) {
        const std::string in(1, static_cast<char>(b));
        const std::string out = sanitise(in);
        EXPECT_TRUE(is_clean(out)) << b;
        EXPECT_FALSE(has_raw_control(out)) << b;
        if (b >= 0x20 && b < 0x7F) {
            EXPECT_EQ(out, in) << b;
        } else if (b >= 0x80) {
            EXPECT_EQ(out, fffd) << b;
        } else {
            EXPECT_EQ(out.substr(0, 1), "\\") << b;
        }
    }
}

TEST(Text, RandomBytesSanitiseToCleanAndIdempotent) {
    std::mt19937 rng(20261124);
    std::uniform_int_distribution<int> len(0, 64);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 5000; ++round) {
        std::string in(static_cast<std::size_t>(len(rng)), '\0');
        for (auto& c : in) c = static_cast<char>(byte(rng));
        const std::string out = sanitise(in);
        ASSERT_TRUE(is_clean(out)) << round;
        ASSERT_TRUE(is_valid_utf8(out)) << round;
        ASSERT_FALSE(has_raw_control(out)) << round;
        ASSERT_EQ(sanitise(out), out) << round;
    }
}

TEST(Text, IsValidUtf8AllowsControlsButNotBadSequences) {
    EXPECT_TRUE(is_valid_utf8("a\nb\x1b\0"sv));
    EXPECT_TRUE(is_valid_utf8("\xE2\x80\xA8"));
    EXPECT_FALSE(is_valid_utf8("\xC0\x80"));
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));
    EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));
}

TEST(Text, Utf8RepairOnlyReplacesInvalidBytes) {
    std::string out;
    slotlog::append_utf8_repaired(out, "a\n\xFF" "b\xE2\x82" "c\xC3\xA9");
    EXPECT_EQ(out, "a\n" + fffd + "b" + fffd + "c\xC3\xA9");
}

TEST(Text, JsonStringEscapesWhatJsonRequires) {
    std::string out;
    slotlog::append_json_string(out, "q\"b\\n\nt\tz\x01 \x7f \xC3\xA9 \xFF");
    EXPECT_EQ(out, "\"q\\\"b\\\\n\\nt\\tz\\u0001 \\u007f \xC3\xA9 " + fffd + "\"");
    const auto parsed = nlohmann::json::parse(out, nullptr, false);
    ASSERT_TRUE(parsed.is_string());
    EXPECT_EQ(parsed.get<std::string>(), "q\"b\\n\nt\tz\x01 \x7f \xC3\xA9 " + fffd);
}

TEST(Text, JsonStringEscapesWhatSanitisingEscapes) {
    // json allows these raw, but python's splitlines() and old javascript cut
    // a line at them; found by the hostile-input test
    std::string out;
    slotlog::append_json_string(out, "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xC2\x85" "d\xC2\x9F\xC2\xA0\xE2\x80\xA7");
    EXPECT_EQ(out, "\"a\\u2028b\\u2029c\\u0085d\\u009f\xC2\xA0\xE2\x80\xA7\"");
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(),
              "a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xC2\x85" "d\xC2\x9F\xC2\xA0\xE2\x80\xA7");
}

TEST(Text, JsonSerialisedStaysOneValidLine) {
    const auto serialised = [](std::string_view in) {
        std::string out;
        slotlog::append_json_serialised(out, in);
        return out;
    };
    EXPECT_EQ(serialised(R"({"a":[1,"x"]})"), R"({"a":[1,"x"]})");
    EXPECT_EQ(serialised("{\n\t\"a\": 1\r\n}"), "{  \"a\": 1  }");
    EXPECT_EQ(serialised("\"\xE2\x80\xA8\xC2\x85\x7f\xFF\xC3\xA9\""), "\"\\u2028\\u0085\\u007f" + fffd + "\xC3\xA9\"");
    EXPECT_EQ(nlohmann::json::parse(serialised("\"a\xE2\x80\xA8\x7f\"")).get<std::string>(), "a\xE2\x80\xA8\x7f");
}

TEST(Text, JsonStringOfRandomBytesIsValidJson) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 2000; ++round) {
        std::string in(static_cast<std::size_t>(round % 50), '\0');
        for (auto& c : in) c = static_cast<char>(byte(rng));
        std::string out;
        slotlog::append_json_string(out, in);
        ASSERT_TRUE(nlohmann::json::accept(out)) << round;
        ASSERT_EQ(out.find('\n'), std::string::npos);
    }
}

TEST(Text, LargeInputIsHandledInOnePass) {
    const std::string big = repeat("0123456789abcdef", 1 << 16);  // 1 MiB
    EXPECT_EQ(sanitise(big), big);
    const std::string bad = repeat("\xFF", 1 << 16);
    EXPECT_EQ(sanitise(bad).size(), std::size_t(3) << 16);
}
