#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <slotlog/decode.h>

using namespace std::string_view_literals;
using slotlog::unmarshal_string;

namespace {

// vectors from python 3.11: marshal.dumps(value, version).hex()
struct vector {
    const char* what;
    std::string_view bytes;
    std::string_view content;
};

const vector python3_vectors[] = {
    {"'the' v0", "\x75\x03\x00\x00\x00the"sv, "the"},
    {"'the' v2", "\x75\x03\x00\x00\x00the"sv, "the"},
    {"'the' v3", "\xf4\x03\x00\x00\x00the"sv, "the"},          // 't' | FLAG_REF
    {"'the' v4", "\xda\x03the"sv, "the"},                      // 'Z' | FLAG_REF
    {"b'x' v0", "\x73\x01\x00\x00\x00x"sv, "x"},
    {"b'x' v4", "\xf3\x01\x00\x00\x00x"sv, "x"},               // 's' | FLAG_REF
    {"'\u00e9' v0", "\x75\x02\x00\x00\x00\xc3\xa9"sv, "\xc3\xa9"},
    {"'\u00e9' v4", "\xf5\x02\x00\x00\x00\xc3\xa9"sv, "\xc3\xa9"},  // 'u' | FLAG_REF
    {"'' v0", "\x75\x00\x00\x00\x00"sv, ""},
    {"'' v3", "\xf4\x00\x00\x00\x00"sv, ""},
    {"'' v4", "\xda\x00"sv, ""},
    {"runtime str v4", "\xfa\x09the quick"sv, "the quick"},    // 'z' | FLAG_REF
    {"'STOP' v4", "\xda\x04STOP"sv, "STOP"},
    {"'\u20acuro' v4", "\xf5\x06\x00\x00\x00\xe2\x82\xacuro"sv, "\xe2\x82\xacuro"},
    {"lone surrogate v4", "\xf5\x03\x00\x00\x00\xed\xa0\x80"sv, "\xed\xa0\x80"},  // surrogatepass
    // doubly marshalled, as winsys's MailslotHandler sends
    {"dumps(dumps('x', 0), 0)", "\x73\x06\x00\x00\x00\x75\x01\x00\x00\x00x"sv, "x"},
    {"dumps(dumps('x', 3), 3)", "\x73\x06\x00\x00\x00\xf4\x01\x00\x00\x00x"sv, "x"},
    {"dumps(dumps('x'))", "\x73\x03\x00\x00\x00\xda\x01x"sv, "x"},
};

// python 2 has no FLAG_REF and no short forms: s/t bytes, u utf-8, int32 length
const vector python2_vectors[] = {
    {"py2 str", "s\x05\x00\x00\x00hello"sv, "hello"},
    {"py2 interned", "t\x03\x00\x00\x00the"sv, "the"},
    {"py2 unicode", "u\x02\x00\x00\x00\xc3\xa9"sv, "\xc3\xa9"},
    {"py2 empty str", "s\x00\x00\x00\x00"sv, ""},
    {"py2 cp1252 bytes", "s\x04\x00\x00\x00" "caf\xe9"sv, "caf\xe9"},  // raw, decode() repairs it
    {"py2 double", "s\x0a\x00\x00\x00s\x05\x00\x00\x00hello"sv, "hello"},
};

std::string py2_str(std::string_view s) {
    std::string out = "s";
    const auto n = static_cast<std::uint32_t>(s.size());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
    out += s;
    return out;
}

} // namespace

TEST(Marshal, Python3Vectors) {
    for (const auto& v : python3_vectors) {
        const auto s = unmarshal_string(v.bytes);
        ASSERT_TRUE(s) << v.what;
        EXPECT_EQ(*s, v.content) << v.what;
    }
}

TEST(Marshal, Python2Vectors) {
    for (const auto& v : python2_vectors) {
        const auto s = unmarshal_string(v.bytes);
        ASSERT_TRUE(s) << v.what;
        EXPECT_EQ(*s, v.content) << v.what;
    }
}

TEST(Marshal, AsciiForms) {
    EXPECT_EQ(unmarshal_string("a\x02\x00\x00\x00hi"sv), "hi");
    EXPECT_EQ(unmarshal_string("A\x02\x00\x00\x00hi"sv), "hi");
    EXPECT_EQ(unmarshal_string("\xc1\x02\x00\x00\x00hi"sv), "hi");
    EXPECT_EQ(unmarshal_string("z\x02hi"sv), "hi");
    EXPECT_EQ(unmarshal_string("Z\x02hi"sv), "hi");
    // 'a'/'z' promise ascii
    EXPECT_EQ(unmarshal_string("a\x02\x00\x00\x00h\xe9"sv), std::nullopt);
    EXPECT_EQ(unmarshal_string("z\x02h\xe9"sv), std::nullopt);
}

TEST(Marshal, LongString) {
    // marshal.dumps("a" * 300) is 'A' | FLAG_REF with a 2-byte length
    constexpr auto header = "\xc1\x2c\x01\x00\x00"sv;
    std::string bytes(header);
    bytes += std::string(300, 'a');
    EXPECT_EQ(unmarshal_string(bytes), std::string(300, 'a'));
    const std::string big(70000, 'x');
    EXPECT_EQ(unmarshal_string(py2_str(big)), big);
}

TEST(Marshal, RejectsOtherObjects) {
    EXPECT_EQ(unmarshal_string(""), std::nullopt);
    EXPECT_EQ(unmarshal_string("z"), std::nullopt);
    EXPECT_EQ(unmarshal_string("N"), std::nullopt);                        // None
    EXPECT_EQ(unmarshal_string("\xe9\x2a\x00\x00\x00"sv), std::nullopt);  // int 42
    EXPECT_EQ(unmarshal_string("\xa9\x01\xda\x01x"sv), std::nullopt);     // ('x',)
    EXPECT_EQ(unmarshal_string("[\x01\x00\x00\x00\xda\x01x"sv), std::nullopt);
    EXPECT_EQ(unmarshal_string("hello"), std::nullopt);
    EXPECT_EQ(unmarshal_string("{\"msg\":\"x\"}"), std::nullopt);
}

TEST(Marshal, RejectsTrailingBytes) {
    EXPECT_EQ(unmarshal_string("\xda\x03thex"sv), std::nullopt);
    EXPECT_EQ(unmarshal_string("\xda\x03the\n"sv), std::nullopt);
    EXPECT_EQ(unmarshal_string("s\x01\x00\x00\x00xy"sv), std::nullopt);
    // two objects back to back are not one string
    EXPECT_EQ(unmarshal_string("\xda\x01x\xda\x01y"sv), std::nullopt);
}

TEST(Marshal, RejectsTruncationAtEveryLength) {
    const std::string_view samples[] = {
        "\x75\x03\x00\x00\x00the"sv,
        "\xda\x09the quick"sv,
        "\x73\x06\x00\x00\x00\x75\x01\x00\x00\x00x"sv,
        "s\x05\x00\x00\x00hello"sv,
    };
    for (const auto full : samples) {
        ASSERT_TRUE(unmarshal_string(full));
        for (std::size_t n = 0; n < full.size(); ++n) {
            EXPECT_EQ(unmarshal_string(full.substr(0, n)), std::nullopt) << n;
            // and decode makes plain text of it without reading past the end
            const std::string copy(full.substr(0, n));
            EXPECT_EQ(slotlog::detect_format(copy), slotlog::message_format::text) << n;
        }
    }
}

TEST(Marshal, RejectsNegativeAndHugeLengths) {
    EXPECT_EQ(unmarshal_string("s\xff\xff\xff\xffx"sv), std::nullopt);          // -1
    EXPECT_EQ(unmarshal_string("u\x00\x00\x00\x80x"sv), std::nullopt);          // INT32_MIN
    EXPECT_EQ(unmarshal_string("u\xff\xff\xff\x7fx"sv), std::nullopt);          // INT32_MAX
    EXPECT_EQ(unmarshal_string("a\x00\x00\x01\x00xxxx"sv), std::nullopt);       // 64 KiB, 4 bytes given
    EXPECT_EQ(unmarshal_string("z\xffx"sv), std::nullopt);
    EXPECT_EQ(unmarshal_string("s\x02\x00\x00\x00x"sv), std::nullopt);          // one short
}

TEST(Marshal, UnwrapsAtMostThreeLayers) {
    const std::string one = py2_str("hi");
    const std::string two = py2_str(one);
    const std::string three = py2_str(two);
    const std::string four = py2_str(three);
    EXPECT_EQ(unmarshal_string(one), "hi");
    EXPECT_EQ(unmarshal_string(two), "hi");
    EXPECT_EQ(unmarshal_string(three), "hi");
    EXPECT_EQ(unmarshal_string(four), one);  // the fourth layer stays
}

TEST(Marshal, InnerThatIsNotOneStringStaysAsIs) {
    // content that merely starts like marshal is the string itself
    const std::string inner = "s\x01\x00\x00\x00xy";
    EXPECT_EQ(unmarshal_string(py2_str(inner)), inner);
}

TEST(Marshal, DecodeGivesInfoTextEntry) {
    const slotlog::origin from{"logger", "peer", {}};
    const auto e = slotlog::decode("\xda\x03the"sv, from);
    EXPECT_EQ(e.msg, "the");
    EXPECT_EQ(e.lvl, slotlog::level::info);
    EXPECT_EQ(e.host, "peer");
    EXPECT_EQ(e.slot, "logger");
    EXPECT_EQ(slotlog::detect_format("\xda\x03the"sv), slotlog::message_format::marshal);
}

TEST(Marshal, DecodeSanitisesTheString) {
    const slotlog::origin from{"logger", "", {}};
    EXPECT_EQ(slotlog::decode("s\x06\x00\x00\x00" "a\nb\xe9\x1b" "c"sv, from).msg, "a\\nb\xef\xbf\xbd\\x1bc");
    // a python 2 bytes in cp1252 keeps its ascii
    EXPECT_EQ(slotlog::decode("s\x04\x00\x00\x00" "caf\xe9"sv, from).msg, "caf\xef\xbf\xbd");
}

TEST(Marshal, DecodeKeepsTerminatorsThatArePartOfTheData) {
    const slotlog::origin from{"logger", "", {}};
    // python 2 marshals "" as 73 00 00 00 00: stripping trailing NULs would break it
    const auto empty = slotlog::decode("s\x00\x00\x00\x00"sv, from);
    EXPECT_EQ(empty.msg, "");
    EXPECT_EQ(slotlog::detect_format("s\x00\x00\x00\x00"sv), slotlog::message_format::marshal);
    EXPECT_EQ(slotlog::detect_format("\xda\x00"sv), slotlog::message_format::marshal);
    // the string's own trailing newline is dropped like a plain message's
    EXPECT_EQ(slotlog::decode("\xda\x06hello\n"sv, from).msg, "hello");
}

TEST(Marshal, DecodeOfMarshalledJsonAndSyslog) {
    const slotlog::origin from{"logger", "", {}};
    // dumps(dumps('{"msg": "hi", "level": "error"}'))
    const auto json = slotlog::decode(
        "\x73\x21\x00\x00\x00\xfa\x1f{\"msg\": \"hi\", \"level\": \"error\"}"sv, from);
    EXPECT_EQ(json.msg, "hi");
    EXPECT_EQ(json.lvl, slotlog::level::error);
    const auto syslog = slotlog::decode(py2_str("<11>myapp[7]: disk full"), from);
    EXPECT_EQ(syslog.msg, "disk full");
    EXPECT_EQ(syslog.app, "myapp");
    EXPECT_EQ(syslog.pid, 7);
    EXPECT_EQ(syslog.lvl, slotlog::level::error);
}

TEST(Marshal, HostileMarshalNeverThrows) {
    std::string s = "s\xff\xff\xff\x7f";
    for (int i = 0; i < 64; ++i) {
        EXPECT_NO_THROW(slotlog::decode(s, slotlog::origin{}));
        s.push_back('\0');
    }
}
