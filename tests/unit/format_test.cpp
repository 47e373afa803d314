#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include <slotlog/format.h>
#include <slotlog/text.h>

using namespace std::chrono;
using slotlog::entry;
using slotlog::level;
using slotlog::parse_timestamp;

namespace {

slotlog::clock::time_point at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0,
                     microseconds us = microseconds{0}) {
    return slotlog::clock::time_point(duration_cast<slotlog::clock::duration>(
        sys_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{hh} + minutes{mm} + seconds{ss} + us));
}

std::string timestamp(slotlog::clock::time_point t) {
    std::string out;
    slotlog::append_timestamp(out, t);
    return out;
}

std::string text_line(const entry& e) {
    std::string out;
    slotlog::format_text(out, e);
    return out;
}

std::string json_line(const entry& e) {
    std::string out;
    slotlog::format_json(out, e);
    return out;
}

entry full_entry() {
    entry e;
    e.time = at(2026, 11, 24, 21, 17, 35, microseconds{539204});
    e.lvl = level::warning;
    e.host = "WEB01";
    e.app = "billing";
    e.pid = 42;
    e.seq = 7;
    e.slot = "logger";
    e.msg = "the message";
    return e;
}

bool no_line_break(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

} // namespace

// ---- append_timestamp ----

TEST(Timestamp, Epoch) { EXPECT_EQ(timestamp(slotlog::clock::time_point{}), "1970-01-01T00:00:00.000000Z"); }

TEST(Timestamp, SpecExample) {
    EXPECT_EQ(timestamp(at(2026, 11, 24, 21, 17, 35, microseconds{539204})), "2026-11-24T21:17:35.539204Z");
}

TEST(Timestamp, TruncatesBelowMicroseconds) {
    const auto t = at(2026, 11, 24, 21, 17, 35) + duration_cast<slotlog::clock::duration>(nanoseconds{999'999'999});
    EXPECT_EQ(timestamp(t), "2026-11-24T21:17:35.999999Z");
}

TEST(Timestamp, BeforeEpochRoundsDown) {
    EXPECT_EQ(timestamp(slotlog::clock::time_point{} - microseconds{1}), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(timestamp(slotlog::clock::time_point{} - duration_cast<slotlog::clock::duration>(nanoseconds{1})),
              "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(timestamp(at(1900, 1, 1)), "1900-01-01T00:00:00.000000Z");
}

TEST(Timestamp, LeapDays) {
    EXPECT_EQ(timestamp(at(2024, 2, 29, 23, 59, 59)), "2024-02-29T23:59:59.000000Z");
    EXPECT_EQ(timestamp(at(2000, 2, 29)), "2000-02-29T00:00:00.000000Z");
    EXPECT_EQ(timestamp(at(2100, 2, 28) + hours{24}), "2100-03-01T00:00:00.000000Z");
}

TEST(Timestamp, AppendsWithoutClearing) {
    std::string out = "x ";
    slotlog::append_timestamp(out, slotlog::clock::time_point{});
    EXPECT_EQ(out, "x 1970-01-01T00:00:00.000000Z");
}

TEST(Timestamp, MatchesChronoCalendarOverCenturies) {
    // 1700..2250, every 7th day, at a varying time of day
    for (int d = -98'000; d < 102'000; d += 7) {
        const sys_days day{days{d}};
        const year_month_day ymd{day};
        const seconds tod{((d * 7919) % 86400 + 86400) % 86400};
        const auto t = slotlog::clock::time_point(duration_cast<slotlog::clock::duration>(day.time_since_epoch() + tod));
        const hh_mm_ss<seconds> hms{tod};
        char expected[40];
        std::snprintf(expected, sizeof expected, "%04d-%02u-%02uT%02d:%02d:%02d.000000Z", int(ymd.year()),
                      unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                      int(hms.minutes().count()), int(hms.seconds().count()));
        ASSERT_EQ(timestamp(t), expected) << d;
    }
}

// ---- parse_timestamp ----

TEST(ParseTimestamp, Basic) {
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35Z"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("2026-11-24t21:17:35z"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("2026-11-24 21:17:35Z"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), slotlog::clock::time_point{});
}

TEST(ParseTimestamp, Fractions) {
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35.5Z"), at(2026, 11, 24, 21, 17, 35, microseconds{500000}));
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35.539204Z"), at(2026, 11, 24, 21, 17, 35, microseconds{539204}));
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35.000001Z"), at(2026, 11, 24, 21, 17, 35, microseconds{1}));
    const auto nine = parse_timestamp("2026-11-24T21:17:35.123456789Z");
    ASSERT_TRUE(nine);
    EXPECT_EQ(*nine - at(2026, 11, 24, 21, 17, 35),
              duration_cast<slotlog::clock::duration>(nanoseconds{123456789}));
}

TEST(ParseTimestamp, Offsets) {
    EXPECT_EQ(parse_timestamp("2026-11-24T22:17:35+01:00"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("2026-11-24T15:47:35-05:30"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35+00:00"), at(2026, 11, 24, 21, 17, 35));
    EXPECT_EQ(parse_timestamp("2026-11-24T21:17:35-00:00"), at(2026, 11, 24, 21, 17, 35));
    // the offset can cross a day and a year
    EXPECT_EQ(parse_timestamp("2027-01-01T00:30:00.25+01:00"), at(2026, 12, 31, 23, 30, 0, microseconds{250000}));
    EXPECT_EQ(parse_timestamp("2003-08-24T05:14:15.000003-07:00"), at(2003, 8, 24, 12, 14, 15, microseconds{3}));
}

TEST(ParseTimestamp, LeapDayAndLeapSecond) {
    EXPECT_EQ(parse_timestamp("2024-02-29T12:00:00Z"), at(2024, 2, 29, 12));
    EXPECT_EQ(parse_timestamp("2000-02-29T12:00:00Z"), at(2000, 2, 29, 12));
    EXPECT_EQ(parse_timestamp("2016-12-31T23:59:60Z"), at(2017, 1, 1));
}

TEST(ParseTimestamp, RejectsMalformed) {
    const char* bad[] = {
        "",
        "2026-11-24",
        "2026-11-24T21:17:35",          // no zone
        "2026-11-24T21:17Z",
        "2026-11-24T21:17:35.Z",        // empty fraction
        "2026-11-24T21:17:35.1234567890Z",  // 10 digits
        "2026-11-24T21:17:35,5Z",
        "2026-11-24X21:17:35Z",
        "2026/11/24T21:17:35Z",
        "2O26-11-24T21:17:35Z",
        "26-11-24T21:17:35Z",
        "+2026-11-24T21:17:35Z",
        " 2026-11-24T21:17:35Z",
        "2026-11-24T21:17:35Z ",
        "2026-11-24T21:17:35Zx",
        "2026-11-24T21:17:35+01",
        "2026-11-24T21:17:35+1:00",
        "2026-11-24T21:17:35+01:0",
        "2026-11-24T21:17:35+0100",
        "2026-11-24T21:17:35+01:00Z",
        "2026-11-24T21:17:35 +01:00",
        "2026-11-24T2:17:35Z",
        "2026-11-24T21:17:35.5",
        "Nov 24 21:17:35",
        "-",
    };
    for (const char* text : bad) EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
}

TEST(ParseTimestamp, RejectsOutOfRangeFields) {
    const char* bad[] = {
        "2026-00-24T21:17:35Z", "2026-13-24T21:17:35Z", "2026-11-00T21:17:35Z", "2026-11-31T21:17:35Z",
        "2026-02-29T21:17:35Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-24T24:00:00Z",
        "2026-11-24T21:60:35Z", "2026-11-24T21:17:61Z", "2026-11-24T21:17:35+24:00",
        "2026-11-24T21:17:35+01:60", "2026-11-24T21:17:35-99:99",
    };
    for (const char* text : bad) EXPECT_EQ(parse_timestamp(text), std::nullopt) << text;
}

TEST(ParseTimestamp, YearsOutsideTheClockAreRejectedNotWrapped) {
    // with a nanosecond clock these do not fit; they must not wrap around
    for (const char* text : {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z"}) {
        const auto t = parse_timestamp(text);
        if (t) {
            EXPECT_EQ(timestamp(*t).substr(0, 19), std::string(text).substr(0, 19)) << text;
        } else {
            SUCCEED();
        }
    }
}

TEST(ParseTimestamp, RoundTripsWithAppendTimestamp) {
    for (const auto t : {at(2026, 11, 24, 21, 17, 35, microseconds{539204}), at(1999, 12, 31, 23, 59, 59),
                         at(2038, 1, 19, 3, 14, 8, microseconds{1}), slotlog::clock::time_point{}}) {
        EXPECT_EQ(parse_timestamp(timestamp(t)), t) << timestamp(t);
    }
}

TEST(ParseTimestamp, IsNoexcept) { static_assert(noexcept(parse_timestamp(std::string_view{}))); }

// ---- text lines ----

TEST(FormatText, SpecExample) {
    EXPECT_EQ(text_line(full_entry()), "2026-11-24T21:17:35.539204Z WARNING WEB01 billing[42]: the message");
}

TEST(FormatText, UnknownFieldsAreDashes) {
    entry e;
    e.time = at(2026, 11, 24, 21, 17, 35, microseconds{539204});
    e.msg = "hello";
    EXPECT_EQ(text_line(e), "2026-11-24T21:17:35.539204Z INFO - -[-]: hello");
}

TEST(FormatText, AppendsWithoutClearing) {
    std::string out = ">";
    slotlog::format_text(out, full_entry());
    EXPECT_EQ(out.substr(0, 5), ">2026");
}

TEST(FormatText, FormatStringsAreData) {
    entry e = full_entry();
    for (const char* msg : {"{}", "{:>999999999}", "%s%s%n", "{0}{1}{2}"}) {
        e.msg = msg;
        const auto line = text_line(e);
        EXPECT_EQ(line.substr(line.size() - e.msg.size()), e.msg);
    }
}

TEST(FormatText, UnsanitisedEntryStillGivesOneLine) {
    // entries built by hand (not by decode) are sanitised on the way out
    entry e = full_entry();
    e.msg = "a\nFAKE 2026-11-24T00:00:00.000000Z CRITICAL x y[1]: forged\r\x1b[2J";
    e.host = "ho\nst";
    e.app = "ap\xFFp";
    const auto line = text_line(e);
    EXPECT_TRUE(no_line_break(line));
    EXPECT_EQ(slotlog::sanitise(line), line);
    EXPECT_NE(line.find("ho\\nst ap\xEF\xBF\xBDp[42]: a\\nFAKE"), std::string::npos) << line;
    EXPECT_NE(line.find("forged\\r\\x1b[2J"), std::string::npos) << line;
}

TEST(FormatText, SpacesInHostAndAppCannotForgeFields) {
    // a json message may name any host and app; found by the hostile-input test
    entry e = full_entry();
    e.host = "WEB01 x[1]: forged";
    e.app = "c d[1]: e";
    EXPECT_EQ(text_line(e), "2026-11-24T21:17:35.539204Z WARNING WEB01\\x20x[1]:\\x20forged "
                            "c\\x20d[1]:\\x20e[42]: the message");
    e.host = " ";
    e.app = "a  b ";
    EXPECT_EQ(text_line(e), "2026-11-24T21:17:35.539204Z WARNING \\x20 a\\x20\\x20b\\x20[42]: the message");
    // sanitising still sees whole characters around a space
    e.host = "\xE2\x82 \xE2\x82\xAC";
    e.app = "tab\there";
    EXPECT_EQ(text_line(e), "2026-11-24T21:17:35.539204Z WARNING \xEF\xBF\xBD\\x20\xE2\x82\xAC tab\\there[42]: the message");
    // the message keeps its spaces, json keeps the fields as they are
    EXPECT_NE(json_line(e).find(R"("app":"tab\there")"), std::string::npos) << json_line(e);
}

TEST(FormatText, EveryLevelLabel) {
    entry e;
    e.lvl = level::critical;
    EXPECT_NE(text_line(e).find(" CRITICAL - -[-]: "), std::string::npos);
    e.lvl = level::trace;
    EXPECT_NE(text_line(e).find(" TRACE - -[-]: "), std::string::npos);
}

TEST(FormatText, NegativeAndLargePids) {
    entry e;
    e.pid = -1;
    EXPECT_NE(text_line(e).find("-[-1]: "), std::string::npos);
    e.pid = INT64_MAX;
    EXPECT_NE(text_line(e).find("-[9223372036854775807]: "), std::string::npos);
}

// ---- json lines ----

TEST(FormatJson, FullEntryExact) {
    entry e = full_entry();
    e.extra = {{"facility", "\"user\""}, {"n", "5"}, {"obj", "{\"a\":[1,2]}"}};
    EXPECT_EQ(json_line(e),
              "{\"time\":\"2026-11-24T21:17:35.539204Z\",\"level\":\"warning\",\"host\":\"WEB01\","
              "\"app\":\"billing\",\"pid\":42,\"seq\":7,\"slot\":\"logger\",\"msg\":\"the message\","
              "\"facility\":\"user\",\"n\":5,\"obj\":{\"a\":[1,2]}}");
}

TEST(FormatJson, UnknownValuesAreNull) {
    entry e;
    e.msg = "hello";
    EXPECT_EQ(json_line(e),
              "{\"time\":\"1970-01-01T00:00:00.000000Z\",\"level\":\"info\",\"host\":null,\"app\":null,"
              "\"pid\":null,\"seq\":null,\"slot\":null,\"msg\":\"hello\"}");
}

TEST(FormatJson, KeyOrderAndValuesSurviveAParser) {
    entry e = full_entry();
    e.extra = {{"zeta", "1"}, {"alpha", "\"a\""}};
    const auto parsed = nlohmann::ordered_json::parse(json_line(e));
    std::vector<std::string> keys;
    for (const auto& item : parsed.items()) keys.push_back(item.key());
    const std::vector<std::string> expected{"time", "level", "host", "app", "pid", "seq", "slot", "msg", "zeta", "alpha"};
    EXPECT_EQ(keys, expected);
    EXPECT_EQ(parsed["pid"], 42);
    EXPECT_EQ(parsed["alpha"], "a");
}

TEST(FormatJson, EscapesStrings) {
    entry e = full_entry();
    e.msg = "say \"hi\" C:\\temp \\x1b";
    e.host = "h\"";
    const auto line = json_line(e);
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["msg"], e.msg);
    EXPECT_EQ(parsed["host"], e.host);
    EXPECT_NE(line.find("\"msg\":\"say \\\"hi\\\" C:\\\\temp \\\\x1b\""), std::string::npos) << line;
}

TEST(FormatJson, UnsanitisedEntryStillGivesOneValidLine) {
    entry e = full_entry();
    e.msg = "a\nb\r\x01\xFF";
    e.app = "x\xC0";
    e.extra = {{"k\n\xFF", "{\n  \"pretty\": true\n}"}, {"empty", ""}, {"bad", "\"\xFF\""}};
    const auto line = json_line(e);
    EXPECT_TRUE(no_line_break(line));
    EXPECT_TRUE(slotlog::is_valid_utf8(line));
    const auto parsed = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << line;
    EXPECT_EQ(parsed["msg"], "a\nb\r\x01\xEF\xBF\xBD");
    EXPECT_EQ(parsed["k\n\xEF\xBF\xBD"]["pretty"], true);
    EXPECT_TRUE(parsed["empty"].is_null());
    EXPECT_EQ(parsed["bad"], "\xEF\xBF\xBD");
}

TEST(FormatJson, ExtraValuesHoldNoRawLineSeparators) {
    // a json message's extra string keeps U+2028, NEL and DEL as parsed; the
    // line escapes them (found by the hostile-input test)
    entry e = full_entry();
    e.extra = {{"k", "\"a\xE2\x80\xA8" "b\xC2\x85" "c\x7f\""}, {"l", "[\"\xE2\x80\xA9\"]"}};
    const auto line = json_line(e);
    EXPECT_NE(line.find(R"("k":"a\u2028b\u0085c\u007f","l":["\u2029"]})"), std::string::npos) << line;
    EXPECT_EQ(slotlog::sanitise(line), line) << line;
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["k"], "a\xE2\x80\xA8" "b\xC2\x85" "c\x7f");
    EXPECT_EQ(parsed["l"][0], "\xE2\x80\xA9");
}

TEST(FormatJson, MessageIsNeverAFormatString) {
    entry e;
    e.msg = "{:>999999999}";
    EXPECT_EQ(nlohmann::json::parse(json_line(e))["msg"], "{:>999999999}");
}

