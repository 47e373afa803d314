#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <slotlog/decode.h>
#include <slotlog/format.h>
#include <slotlog/text.h>

using namespace std::string_view_literals;
using slotlog::level;
using slotlog::message_format;

namespace {

const slotlog::clock::time_point received = slotlog::clock::time_point{} + std::chrono::hours{24 * 365 * 50};
const slotlog::origin from{"logger", "peerhost", received};

slotlog::entry syslog(std::string_view payload) {
    auto e = slotlog::decode_syslog(payload, from);
    EXPECT_TRUE(e) << payload;
    return e ? *e : slotlog::entry{};
}

std::optional<std::string> extra(const slotlog::entry& e, std::string_view key) {
    for (const auto& [k, v] : e.extra) {
        if (k == key) return v;
    }
    return std::nullopt;
}

// the extra value, a json string, decoded
std::optional<std::string> extra_text(const slotlog::entry& e, std::string_view key) {
    const auto v = extra(e, key);
    if (!v) return std::nullopt;
    const auto parsed = nlohmann::json::parse(*v, nullptr, false);
    if (!parsed.is_string()) return "<not a json string: " + *v + ">";
    return parsed.get<std::string>();
}

slotlog::clock::time_point utc(int y, unsigned m, unsigned d, int hh, int mm, int ss, int us = 0) {
    using namespace std::chrono;
    return slotlog::clock::time_point(duration_cast<slotlog::clock::duration>(
        sys_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{hh} + minutes{mm} + seconds{ss} +
        microseconds{us}));
}

} // namespace

// ---- <PRI> ----

TEST(SyslogPri, SeverityAndFacility) {
    const auto e = syslog("<34>hi");  // auth.crit
    EXPECT_EQ(e.lvl, level::critical);
    EXPECT_EQ(extra_text(e, "facility"), "auth");
    EXPECT_EQ(syslog("<0>x").lvl, level::critical);
    EXPECT_EQ(extra_text(syslog("<0>x"), "facility"), "kern");
    EXPECT_EQ(syslog("<13>x").lvl, level::notice);
    EXPECT_EQ(extra_text(syslog("<13>x"), "facility"), "user");
    EXPECT_EQ(syslog("<131>x").lvl, level::error);
    EXPECT_EQ(extra_text(syslog("<131>x"), "facility"), "local0");
    EXPECT_EQ(syslog("<191>x").lvl, level::debug);
    EXPECT_EQ(extra_text(syslog("<191>x"), "facility"), "local7");
    EXPECT_EQ(syslog("<12>x").lvl, level::warning);
    EXPECT_EQ(syslog("<14>x").lvl, level::info);
    EXPECT_EQ(extra_text(syslog("<86>x"), "facility"), "authpriv");
}

TEST(SyslogPri, InvalidPriIsNotSyslog) {
    for (const auto bad : {"<192>x"sv, "<999>x"sv, "<1234>x"sv, "<13"sv, "<>"sv, "<>x"sv, "<a>x"sv, "<-1>x"sv,
                           "< 13>x"sv, "<13 >x"sv, "13>x"sv, "<"sv, ""sv, " <13>x"sv, "<0x1>x"sv}) {
        EXPECT_EQ(slotlog::decode_syslog(bad, from), std::nullopt) << bad;
        EXPECT_EQ(slotlog::detect_format(bad), message_format::text) << bad;
        const auto e = slotlog::decode(bad, from);
        EXPECT_EQ(e.msg, slotlog::sanitise(bad));
        EXPECT_EQ(e.lvl, level::info);
    }
}

TEST(SyslogPri, BarePriIsAnEmptyEntry) {
    const auto e = syslog("<13>");
    EXPECT_EQ(e.msg, "");
    EXPECT_EQ(e.lvl, level::notice);
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.time, received);
    EXPECT_EQ(e.slot, "logger");
    EXPECT_EQ(slotlog::detect_format("<13>"), message_format::syslog);
}

// ---- rfc 5424 ----

TEST(Syslog5424, RfcExample1) {
    const auto e = syslog("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
                          "\xEF\xBB\xBF'su root' failed for lonvick on /dev/pts/8");
    EXPECT_EQ(e.lvl, level::critical);
    EXPECT_EQ(extra_text(e, "facility"), "auth");
    EXPECT_EQ(e.time, utc(2003, 10, 11, 22, 14, 15, 3000));
    EXPECT_EQ(e.host, "mymachine.example.com");
    EXPECT_EQ(e.app, "su");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(extra_text(e, "msgid"), "ID47");
    EXPECT_EQ(extra(e, "sd"), std::nullopt);
    EXPECT_EQ(e.msg, "'su root' failed for lonvick on /dev/pts/8");  // bom dropped
}

TEST(Syslog5424, RfcExample2WithOffsetAndProcid) {
    const auto e = syslog("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
    EXPECT_EQ(e.lvl, level::notice);
    EXPECT_EQ(extra_text(e, "facility"), "local4");
    EXPECT_EQ(e.time, utc(2003, 8, 24, 12, 14, 15, 3));
    EXPECT_EQ(e.host, "192.0.2.1");
    EXPECT_EQ(e.app, "myproc");
    EXPECT_EQ(e.pid, 8710);
    EXPECT_EQ(extra(e, "msgid"), std::nullopt);
    EXPECT_EQ(e.msg, "%% It's time to make the do-nuts.");
}

TEST(Syslog5424, RfcExample3StructuredData) {
    const auto e = syslog("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                          "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
                          "\xEF\xBB\xBF" "An application event log entry...");
    EXPECT_EQ(extra_text(e, "sd"),
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
    EXPECT_EQ(e.msg, "An application event log entry...");
    EXPECT_EQ(e.app, "evntslog");
}

TEST(Syslog5424, RfcExample4SdOnly) {
    const auto e = syslog("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                          "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                          "[examplePriority@32473 class=\"high\"]");
    EXPECT_EQ(extra_text(e, "sd"), "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                                   "[examplePriority@32473 class=\"high\"]");
    EXPECT_EQ(e.msg, "");
}

TEST(Syslog5424, TrickyStructuredData) {
    // escaped quote, backslash and bracket, and an unescaped ']' and spaces inside quotes
    const auto e = syslog(R"(<13>1 - - - - - [a@1 q="say \"hi\"" p="C:\\dir" b="x\]y" u="1] 2" s="a b"][c@2] the msg)");
    EXPECT_EQ(extra_text(e, "sd"), R"([a@1 q="say \"hi\"" p="C:\\dir" b="x\]y" u="1] 2" s="a b"][c@2])");
    EXPECT_EQ(e.msg, "the msg");
}

TEST(Syslog5424, UnclosedStructuredDataStaysInMsg) {
    const auto e = syslog(R"(<13>1 - - - - - [a@1 q="open] rest of it)");
    EXPECT_EQ(extra(e, "sd"), std::nullopt);
    EXPECT_EQ(e.msg, R"([a@1 q="open] rest of it)");
}

TEST(Syslog5424, StructuredDataWithControlCharacters) {
    const auto e = syslog("<13>1 - - - - - [a@1 k=\"x\ny\x1b\"] m");
    const auto sd = extra_text(e, "sd");
    ASSERT_TRUE(sd);
    EXPECT_EQ(*sd, "[a@1 k=\"x\\ny\\x1b\"]");  // sanitised before it became json
    EXPECT_EQ(extra(e, "sd")->find('\n'), std::string::npos);
}

TEST(Syslog5424, EveryFieldNil) {
    const auto e = syslog("<13>1 - - - - - -");
    EXPECT_EQ(e.time, received);
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.app, "");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(e.msg, "");
    ASSERT_EQ(e.extra.size(), 1u);  // facility only
    EXPECT_EQ(e.extra[0].first, "facility");

    const auto with_msg = syslog("<13>1 - - - - - - hello world");
    EXPECT_EQ(with_msg.msg, "hello world");
    EXPECT_EQ(with_msg.extra.size(), 1u);
}

TEST(Syslog5424, NonNumericProcidAndBadTimestamp) {
    const auto e = syslog("<14>1 2026-13-40T99:00:00Z host app worker-3 MSG1 - m");
    EXPECT_EQ(e.time, received);
    EXPECT_EQ(extra_text(e, "raw_time"), "2026-13-40T99:00:00Z");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(extra_text(e, "procid"), "worker-3");
    EXPECT_EQ(extra_text(e, "msgid"), "MSG1");
    EXPECT_EQ(e.host, "host");
    EXPECT_EQ(e.msg, "m");
}

TEST(Syslog5424, HostileFieldsAreSanitised) {
    const auto e = syslog("<14>1 - ho\xFFst ap\x1bp - - - line1\nline2\r{:>999999999}");
    EXPECT_EQ(e.host, "ho\xEF\xBF\xBDst");
    EXPECT_EQ(e.app, "ap\\x1bp");
    EXPECT_EQ(e.msg, "line1\\nline2\\r{:>999999999}");
    std::string line;
    slotlog::format_text(line, e);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos);
}

TEST(Syslog5424, TruncatedAtEveryLength) {
    const std::string full = R"(<165>1 2003-10-11T22:14:15.003Z mymachine evntslog 42 ID47 [id@1 a="b\"]c"] msg)";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto cut = std::string_view(full).substr(0, n);
        slotlog::entry e;
        ASSERT_NO_THROW(e = slotlog::decode(cut, from)) << n;
        EXPECT_EQ(slotlog::sanitise(e.msg), e.msg) << n;
        if (n >= 6) {
            EXPECT_EQ(slotlog::detect_format(cut), message_format::syslog) << n;
        }
    }
}

TEST(Syslog5424, VersionWithoutATimestampIsBsd) {
    // "<13>1 apple" is a bsd message that starts with a digit
    const auto e = syslog("<13>1 apple pie");
    EXPECT_EQ(e.msg, "1 apple pie");
    EXPECT_EQ(e.time, received);
}

// ---- rfc 3164 ----

TEST(Syslog3164, RfcExample) {
    const auto e = syslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    EXPECT_EQ(e.lvl, level::critical);
    EXPECT_EQ(e.time, received);  // no year, no zone
    EXPECT_EQ(e.host, "mymachine");
    EXPECT_EQ(e.app, "su");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(e.msg, "'su root' failed for lonvick on /dev/pts/8");
}

TEST(Syslog3164, HostTagAndPid) {
    const auto e = syslog("<13>Nov  4 01:02:03 web01 sshd[1234]: Accepted publickey");
    EXPECT_EQ(e.host, "web01");
    EXPECT_EQ(e.app, "sshd");
    EXPECT_EQ(e.pid, 1234);
    EXPECT_EQ(e.msg, "Accepted publickey");
}

TEST(Syslog3164, GlibcLeavesTheHostOut) {
    const auto e = syslog("<13>Nov 24 21:17:35 myapp[42]: hi there");
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.app, "myapp");
    EXPECT_EQ(e.pid, 42);
    EXPECT_EQ(e.msg, "hi there");
}

TEST(Syslog3164, TimestampAndHostMissing) {
    const auto tagged = syslog("<13>myapp: hi");
    EXPECT_EQ(tagged.app, "myapp");
    EXPECT_EQ(tagged.msg, "hi");
    EXPECT_EQ(tagged.host, "peerhost");

    const auto bare = syslog("<13>hello");
    EXPECT_EQ(bare.app, "");
    EXPECT_EQ(bare.msg, "hello");

    const auto words = syslog("<13>hello world, no tag here");
    EXPECT_EQ(words.app, "");
    EXPECT_EQ(words.host, "peerhost");
    EXPECT_EQ(words.msg, "hello world, no tag here");
}

TEST(Syslog3164, TimestampThenOneWordIsTheMessage) {
    const auto e = syslog("<13>Nov 24 21:17:35 hello");
    EXPECT_EQ(e.msg, "hello");
    EXPECT_EQ(e.host, "peerhost");
}

TEST(Syslog3164, HostWithoutTag) {
    const auto e = syslog("<13>Nov 24 21:17:35 web01 just a message");
    EXPECT_EQ(e.host, "web01");
    EXPECT_EQ(e.app, "");
    EXPECT_EQ(e.msg, "just a message");
}

TEST(Syslog3164, NonNumericPid) {
    const auto e = syslog("<13>app[main]: x");
    EXPECT_EQ(e.app, "app");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(extra_text(e, "procid"), "main");
}

TEST(Syslog3164, Rfc3339TimestampIsUsed) {
    const auto e = syslog("<13>2026-11-24T21:17:35.5Z web01 app[9]: m");
    EXPECT_EQ(e.time, utc(2026, 11, 24, 21, 17, 35, 500000));
    EXPECT_EQ(e.host, "web01");
    EXPECT_EQ(e.app, "app");
    EXPECT_EQ(e.pid, 9);
    EXPECT_EQ(e.msg, "m");
}

TEST(Syslog3164, MalformedTimestampsStayInTheMessage) {
    for (const auto text : {"Nov 32 21:17:35 x"sv, "Nov 24 25:17:35 x"sv, "Foo 24 21:17:35 x"sv, "Nov 24 21:17 x"sv,
                            "Nov"sv, "Nov 2"sv}) {
        const auto e = syslog("<13>" + std::string(text));
        EXPECT_EQ(e.msg, slotlog::sanitise(text)) << text;
        EXPECT_EQ(e.host, "peerhost") << text;
    }
}

TEST(Syslog3164, FractionalSeconds) {
    const auto e = syslog("<13>Nov 24 21:17:35.123 web01 app: m");
    EXPECT_EQ(e.host, "web01");
    EXPECT_EQ(e.app, "app");
    EXPECT_EQ(e.msg, "m");
}

TEST(Syslog3164, ControlCharactersAndInvalidUtf8) {
    const auto e = syslog("<13>app: a\nb\x1b[0m\xC0\xAF\0z"sv);
    EXPECT_EQ(e.msg, "a\\nb\\x1b[0m\xEF\xBF\xBD\xEF\xBF\xBD\\x00z");
}

TEST(Syslog3164, TrailingTerminatorsStripped) {
    EXPECT_EQ(slotlog::decode("<13>app: hi\r\n"sv, from).msg, "hi");
    EXPECT_EQ(slotlog::decode("<13>app: hi\0"sv, from).msg, "hi");
}

TEST(Syslog3164, TruncatedAtEveryLength) {
    const std::string full = "<13>Nov 24 21:17:35 web01 sshd[1234]: Accepted";
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto cut = std::string_view(full).substr(0, n);
        slotlog::entry e;
        ASSERT_NO_THROW(e = slotlog::decode(cut, from)) << n;
        EXPECT_EQ(slotlog::sanitise(e.msg), e.msg) << n;
    }
}
