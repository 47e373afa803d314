#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <slotlog/decode.h>
#include <slotlog/format.h>
#include <slotlog/text.h>

#include "clean_text.h"

using namespace std::string_literals;
using namespace std::string_view_literals;
using slotlog::decode;
using slotlog::detect_format;
using slotlog::level;
using slotlog::message_format;

namespace {

const slotlog::clock::time_point received = slotlog::clock::time_point{} + std::chrono::seconds{1'795'000'000};
const slotlog::origin from{"logger", "peerhost", received};

std::optional<std::string> extra(const slotlog::entry& e, std::string_view key) {
    for (const auto& [k, v] : e.extra) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::string text_line(const slotlog::entry& e) {
    std::string out;
    slotlog::format_text(out, e);
    return out;
}

std::string json_line(const slotlog::entry& e) {
    std::string out;
    slotlog::format_json(out, e);
    return out;
}

bool one_line(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

std::string nested(char open, char close, std::size_t depth, std::string_view inside = "") {
    return std::string(depth, open) + std::string(inside) + std::string(depth, close);
}

} // namespace

// ---- plain text ----

TEST(DecodeText, PlainMessage) {
    const auto e = decode("hello world", from);
    EXPECT_EQ(e.msg, "hello world");
    EXPECT_EQ(e.lvl, level::info);
    EXPECT_EQ(e.slot, "logger");
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.app, "");
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(e.seq, std::nullopt);
    EXPECT_EQ(e.time, received);
    EXPECT_TRUE(e.extra.empty());
    EXPECT_EQ(detect_format("hello world"), message_format::text);
}

TEST(DecodeText, EmptyMessage) {
    const auto e = decode("", from);
    EXPECT_EQ(e.msg, "");
    EXPECT_EQ(e.lvl, level::info);
    EXPECT_EQ(e.slot, "logger");
    EXPECT_EQ(detect_format(""), message_format::text);
    EXPECT_EQ(decode("\n", from).msg, "");
    EXPECT_EQ(decode("\0"sv, from).msg, "");
}

TEST(DecodeText, TrailingTerminatorsAreStripped) {
    EXPECT_EQ(decode("hello\n", from).msg, "hello");
    EXPECT_EQ(decode("hello\r\n", from).msg, "hello");
    EXPECT_EQ(decode("hello\0"sv, from).msg, "hello");
    EXPECT_EQ(decode("hello\r\n\0\0"sv, from).msg, "hello");
    // only at the end
    EXPECT_EQ(decode("\nhello", from).msg, "\\nhello");
    EXPECT_EQ(decode("hel\0lo\n"sv, from).msg, "hel\\x00lo");
    EXPECT_EQ(slotlog::strip_terminators("a\n\r\0"sv), "a");
    EXPECT_EQ(slotlog::strip_terminators("\n\n"), "");
}

TEST(DecodeText, LineBreaksCannotForgeALine) {
    const auto e = decode("first\n2026-11-24T21:17:35.000000Z CRITICAL evil app[1]: forged\rmore", from);
    EXPECT_EQ(e.msg, "first\\n2026-11-24T21:17:35.000000Z CRITICAL evil app[1]: forged\\rmore");
    const auto line = text_line(e);
    EXPECT_TRUE(one_line(line));
    EXPECT_TRUE(one_line(json_line(e)));
}

TEST(DecodeText, EscapeSequencesAndNul) {
    EXPECT_EQ(decode("\x1b[31mred\x1b[0m \x1b]0;title\x07", from).msg, "\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07");
    EXPECT_EQ(decode("a\0b"sv, from).msg, "a\\x00b");
}

TEST(DecodeText, FormatStringsAreData) {
    for (const auto text : {"{}", "{:>999999999}", "%s%n%x", "{0:{1}}"}) {
        const auto e = decode(text, from);
        EXPECT_EQ(e.msg, text);
        const auto line = text_line(e);
        EXPECT_EQ(line.substr(line.size() - std::string_view(text).size()), text);
    }
}

TEST(DecodeText, InvalidUtf8) {
    EXPECT_EQ(decode("caf\xE9 \xFF\xFE", from).msg, "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(DecodeText, OriginIsSanitisedToo) {
    const slotlog::origin odd{"udp:127.0.0.1:5514", "bad\nhost\xFF", received};
    const auto e = decode("x", odd);
    EXPECT_EQ(e.slot, "udp:127.0.0.1:5514");
    EXPECT_EQ(e.host, "bad\\nhost\xEF\xBF\xBD");
}

// ---- json ----

TEST(DecodeJson, SpecExample) {
    const auto e = decode(R"({"msg": "...", "level": "warning", "app": "billing", "host": "WEB01", "pid": 42,)"
                          R"( "seq": 7, "time": "2026-11-24T21:17:35.5Z"})",
                          from);
    EXPECT_EQ(e.msg, "...");
    EXPECT_EQ(e.lvl, level::warning);
    EXPECT_EQ(e.app, "billing");
    EXPECT_EQ(e.host, "WEB01");
    EXPECT_EQ(e.pid, 42);
    EXPECT_EQ(e.seq, 7);
    EXPECT_EQ(*slotlog::parse_timestamp("2026-11-24T21:17:35.5Z"), e.time);
    EXPECT_EQ(e.slot, "logger");
    EXPECT_TRUE(e.extra.empty());
    EXPECT_EQ(text_line(e), "2026-11-24T21:17:35.500000Z WARNING WEB01 billing[42]: ...");
}

TEST(DecodeJson, OnlyMsgIsRequired) {
    const auto e = decode(R"({"msg":"hi"})", from);
    EXPECT_EQ(e.msg, "hi");
    EXPECT_EQ(e.lvl, level::info);
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.time, received);
    EXPECT_EQ(detect_format(R"({"msg":"hi"})"), message_format::json);
}

TEST(DecodeJson, WithoutMsgItIsPlainText) {
    for (const auto text : {R"({})"sv, R"({"message":"x","level":"error"})"sv, R"(["msg"])"sv, R"("msg")"sv,
                            R"({"MSG":"x"})"sv}) {
        const auto e = decode(text, from);
        EXPECT_EQ(e.msg, text);
        EXPECT_EQ(e.lvl, level::info);
        EXPECT_TRUE(e.extra.empty());
        EXPECT_EQ(detect_format(text), message_format::text) << text;
    }
}

TEST(DecodeJson, MalformedIsPlainText) {
    for (const auto text : {R"({"msg":"x")"sv, R"({"msg":"x"} trailing)"sv, R"({"msg":"x",})"sv,
                            R"({'msg':'x'})"sv, "{\"msg\":\"a\tb\"}"sv, "{\"msg\":\"x\"}\n{\"msg\":\"y\"}"sv}) {
        EXPECT_EQ(detect_format(text), message_format::text) << text;
        EXPECT_EQ(decode(text, from).msg, slotlog::sanitise(text));
    }
}

TEST(DecodeJson, FormatStringInMsg) {
    const auto e = decode(R"({"msg": "{:>999999999}"})", from);
    EXPECT_EQ(e.msg, "{:>999999999}");
    EXPECT_NE(text_line(e).find("]: {:>999999999}"), std::string::npos);
}

TEST(DecodeJson, BomWhitespaceAndTerminator) {
    const auto e = decode("\xEF\xBB\xBF \t\r\n{\"msg\":\"hi\"} \n\0"sv, from);
    EXPECT_EQ(e.msg, "hi");
    EXPECT_EQ(detect_format("\xEF\xBB\xBF{\"msg\":\"hi\"}"), message_format::json);
}

TEST(DecodeJson, NonStringMsgIsDumped) {
    EXPECT_EQ(decode(R"({"msg": 42})", from).msg, "42");
    EXPECT_EQ(decode(R"({"msg": null})", from).msg, "null");
    EXPECT_EQ(decode(R"({"msg": {"b": [1, "x"]}})", from).msg, R"({"b":[1,"x"]})");
    EXPECT_EQ(decode(R"({"msg": "a\nb\u001b\u2028"})", from).msg, "a\\nb\\x1b\\u2028");
}

TEST(DecodeJson, LevelsAndAliases) {
    EXPECT_EQ(decode(R"({"msg":"x","level":"WARN"})", from).lvl, level::warning);
    EXPECT_EQ(decode(R"({"msg":"x","level":"fatal"})", from).lvl, level::critical);
    EXPECT_EQ(decode(R"({"msg":"x","level":"trace"})", from).lvl, level::trace);
}

TEST(DecodeJson, BadKnownValuesAreKeptAsRaw) {
    const auto e = decode(R"({"msg":"x","level":"loud","pid":"42","seq":1.5,"time":"yesterday","host":7,"app":["a"]})",
                          from);
    EXPECT_EQ(e.lvl, level::info);
    EXPECT_EQ(e.pid, std::nullopt);
    EXPECT_EQ(e.seq, std::nullopt);
    EXPECT_EQ(e.time, received);
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_EQ(e.app, "");
    EXPECT_EQ(extra(e, "raw_level"), R"("loud")");
    EXPECT_EQ(extra(e, "raw_pid"), R"("42")");
    EXPECT_EQ(extra(e, "raw_seq"), "1.5");
    EXPECT_EQ(extra(e, "raw_time"), R"("yesterday")");
    EXPECT_EQ(extra(e, "raw_host"), "7");
    EXPECT_EQ(extra(e, "raw_app"), R"(["a"])");
    EXPECT_EQ(e.extra.size(), 6u);
}

TEST(DecodeJson, PidRange) {
    EXPECT_EQ(decode(R"({"msg":"x","pid":-1})", from).pid, std::nullopt);
    EXPECT_EQ(extra(decode(R"({"msg":"x","pid":-1})", from), "raw_pid"), "-1");
    EXPECT_EQ(decode(R"({"msg":"x","pid":9223372036854775807})", from).pid, INT64_MAX);
    EXPECT_EQ(extra(decode(R"({"msg":"x","pid":9223372036854775808})", from), "raw_pid"), "9223372036854775808");
    EXPECT_EQ(decode(R"({"msg":"x","seq":-5})", from).seq, -5);
}

TEST(DecodeJson, NumbersOutOfRange) {
    // nlohmann refuses numbers beyond a double: the payload is kept as text
    EXPECT_EQ(detect_format(R"({"msg":"x","n":1e400})"), message_format::text);
    EXPECT_EQ(decode(R"({"msg":"x","n":1e400})", from).msg, R"({"msg":"x","n":1e400})");
    // an integer beyond uint64 becomes a double and is not a seq
    const auto e = decode(R"({"msg":"x","seq":18446744073709551616})", from);
    EXPECT_EQ(e.seq, std::nullopt);
    ASSERT_TRUE(extra(e, "raw_seq"));
    EXPECT_TRUE(nlohmann::json::accept(json_line(e)));
}

TEST(DecodeJson, NullKnownValuesMeanUnknown) {
    const auto e = decode(R"({"msg":"x","level":null,"host":null,"app":null,"pid":null,"seq":null,"time":null,"slot":null})",
                          from);
    EXPECT_EQ(e.lvl, level::info);
    EXPECT_EQ(e.host, "peerhost");
    EXPECT_TRUE(e.extra.empty());
}

TEST(DecodeJson, EmptyHostFallsBackToPeer) {
    EXPECT_EQ(decode(R"({"msg":"x","host":""})", from).host, "peerhost");
}

TEST(DecodeJson, SlotBelongsToTheOutput) {
    const auto e = decode(R"({"msg":"x","slot":"other"})", from);
    EXPECT_EQ(e.slot, "logger");
    EXPECT_EQ(extra(e, "raw_slot"), R"("other")");
}

TEST(DecodeJson, OtherKeysAreExtraFields) {
    const auto e = decode(R"({"msg":"x","user":"bob","n":5,"obj":{"a":[1,null,true]},"f":1.25,"s":"a\nb"})", from);
    ASSERT_EQ(e.extra.size(), 5u);
    EXPECT_EQ(extra(e, "user"), R"("bob")");
    EXPECT_EQ(extra(e, "n"), "5");
    EXPECT_EQ(extra(e, "obj"), R"({"a":[1,null,true]})");
    EXPECT_EQ(extra(e, "f"), "1.25");
    EXPECT_EQ(extra(e, "s"), R"("a\nb")");
    const auto line = json_line(e);
    EXPECT_TRUE(one_line(line));
    const auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["obj"]["a"][2], true);
    EXPECT_EQ(parsed["s"], "a\nb");
}

TEST(DecodeJson, HostileKeysAreSanitised) {
    const auto e = decode("{\"msg\":\"x\",\"k\\ney\":1,\"\\u001b[2J\":2,\"caf\xE9\":3}", from);
    EXPECT_EQ(extra(e, "k\\ney"), "1");
    EXPECT_EQ(extra(e, "\\x1b[2J"), "2");
    EXPECT_EQ(extra(e, "caf\xEF\xBF\xBD"), "3");
    for (const auto& [k, v] : e.extra) EXPECT_TRUE(slotlog::testing::is_clean(k)) << k;
    EXPECT_TRUE(one_line(json_line(e)));
}

TEST(DecodeJson, InvalidUtf8KeepsTheStructure) {
    const auto e = decode("{\"msg\":\"caf\xE9\",\"host\":\"h\xFF\",\"app\":\"a\xC0\xAF\",\"x\":\"\xED\xA0\x80\"}", from);
    EXPECT_EQ(detect_format("{\"msg\":\"caf\xE9\"}"), message_format::json);
    EXPECT_EQ(e.msg, "caf\xEF\xBF\xBD");
    EXPECT_EQ(e.host, "h\xEF\xBF\xBD");
    EXPECT_EQ(e.app, "a\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(extra(e, "x"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    EXPECT_TRUE(slotlog::is_valid_utf8(json_line(e)));
}

TEST(DecodeJson, CollidingExtraKeysAreAllKept) {
    // "a\n" (a newline) and "a\\n" (a backslash) both sanitise to a\n
    const auto e = decode(R"({"msg":"x","level":"loud","raw_level":1,"a\n":2,"a\\n":3})", from);
    EXPECT_EQ(extra(e, "raw_level"), R"("loud")");
    EXPECT_EQ(extra(e, "raw_level_2"), "1");
    EXPECT_EQ(extra(e, "a\\n"), "2");  // keys come sorted: '\n' before '\\'
    EXPECT_EQ(extra(e, "a\\n_2"), "3");
    // and the json line has no duplicate keys
    EXPECT_EQ(nlohmann::json::parse(json_line(e)).size(), 8u + 4u);
}

TEST(DecodeJson, DeepNestingIsPlainText) {
    const std::string arrays = nested('[', ']', 100'000);
    EXPECT_EQ(detect_format(arrays), message_format::text);
    EXPECT_EQ(decode(arrays, from).msg.size(), arrays.size());

    const std::string hidden = "{\"msg\":\"x\",\"a\":" + nested('[', ']', 100'000) + "}";
    EXPECT_EQ(detect_format(hidden), message_format::text);

    std::string objects = "{\"msg\":\"x\",\"a\":";
    for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
    objects += "1" + std::string(100'000, '}') + "}";
    EXPECT_EQ(detect_format(objects), message_format::text);
    // unbalanced, never closed
    EXPECT_EQ(detect_format("{\"msg\":\"x\",\"a\":" + std::string(100'000, '[')), message_format::text);
}

TEST(DecodeJson, NestingLimitIs64Levels) {
    // the outer object is level 1
    const std::string ok = "{\"msg\":\"x\",\"a\":" + nested('[', ']', 63, "1") + "}";
    const std::string too_deep = "{\"msg\":\"x\",\"a\":" + nested('[', ']', 64, "1") + "}";
    EXPECT_EQ(detect_format(ok), message_format::json);
    EXPECT_EQ(detect_format(too_deep), message_format::text);
}

TEST(DecodeJson, BracketsInsideStringsDoNotCount) {
    const std::string text = "{\"msg\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}";
    const auto e = decode(text, from);
    EXPECT_EQ(detect_format(text), message_format::json);
    EXPECT_EQ(e.msg, std::string(1000, '[') + "\"" + std::string(1000, '{'));
}

TEST(DecodeJson, OwnJsonLinesDecodeBack) {
    slotlog::entry original;
    original.time = *slotlog::parse_timestamp("2026-11-24T21:17:35.539204Z");
    original.lvl = level::error;
    original.host = "WEB01";
    original.app = "billing";
    original.pid = 42;
    original.seq = 9;
    original.slot = "logger";
    original.msg = "disk \"full\" \\x1b";
    original.extra = {{"user", "\"bob\""}};
    const auto e = decode(json_line(original), slotlog::origin{"relay", "", received});
    EXPECT_EQ(e.time, original.time);
    EXPECT_EQ(e.lvl, original.lvl);
    EXPECT_EQ(e.host, original.host);
    EXPECT_EQ(e.app, original.app);
    EXPECT_EQ(e.pid, original.pid);
    EXPECT_EQ(e.seq, original.seq);
    EXPECT_EQ(e.msg, original.msg);
    EXPECT_EQ(e.slot, "relay");
    EXPECT_EQ(extra(e, "raw_slot"), R"("logger")");
    EXPECT_EQ(extra(e, "user"), R"("bob")");
}

TEST(DecodeJson, StrictDecoderEntryPoint) {
    EXPECT_TRUE(slotlog::decode_json(R"({"msg":"x"})", from));
    EXPECT_FALSE(slotlog::decode_json(R"({"m":"x"})", from));
    EXPECT_FALSE(slotlog::decode_json("<13>x", from));
    EXPECT_FALSE(slotlog::decode_json("", from));
    EXPECT_FALSE(slotlog::decode_json("   ", from));
}

// ---- detection order ----

TEST(Detect, EachFormat) {
    EXPECT_EQ(detect_format(R"({"msg":"x"})"), message_format::json);
    EXPECT_EQ(detect_format("<13>x"), message_format::syslog);
    EXPECT_EQ(detect_format("\xda\x03the"sv), message_format::marshal);
    EXPECT_EQ(detect_format("the"), message_format::text);
    EXPECT_EQ(detect_format("STOP"), message_format::text);
}

TEST(Detect, JsonWithSyslogLookingMsgIsJson) {
    const auto e = decode(R"({"msg":"<13>x","level":"debug"})", from);
    EXPECT_EQ(e.msg, "<13>x");
    EXPECT_EQ(e.lvl, level::debug);
}

// ---- robustness ----

TEST(DecodeRobustness, RandomBytesGiveOneValidLine) {
    std::mt19937 rng(424242);
    std::uniform_int_distribution<int> len(0, 200);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> pick(0, 5);
    // prefixes that steer random bytes into each decoder
    const std::string prefixes[] = {"", "{\"msg\":\"", "<13>", "<13>1 ", "s\x10\x00\x00\x00"s, "{\"msg\":1,\""};
    int formats[4] = {};
    for (int round = 0; round < 4000; ++round) {
        std::string payload = prefixes[pick(rng)];
        const int n = len(rng);
        for (int i = 0; i < n; ++i) payload.push_back(static_cast<char>(byte(rng)));
        if (round % 7 == 0) payload += "\"}";

        slotlog::entry e;
        ASSERT_NO_THROW(e = decode(payload, from)) << round;
        ++formats[static_cast<int>(detect_format(payload))];
        std::string text;
        std::string json;
        slotlog::format_text(text, e);
        slotlog::format_json(json, e);
        ASSERT_TRUE(slotlog::is_valid_utf8(text)) << round;
        ASSERT_TRUE(slotlog::testing::is_clean(text)) << round;
        ASSERT_TRUE(one_line(text)) << round;
        ASSERT_TRUE(slotlog::is_valid_utf8(json)) << round;
        ASSERT_TRUE(one_line(json)) << round;
        ASSERT_TRUE(nlohmann::json::accept(json)) << round << ": " << json;
    }
    // the steering worked: every format was seen
    EXPECT_GT(formats[static_cast<int>(message_format::json)], 0);
    EXPECT_GT(formats[static_cast<int>(message_format::syslog)], 0);
    EXPECT_GT(formats[static_cast<int>(message_format::text)], 0);
}

TEST(DecodeRobustness, RandomJsonishMessages) {
    // well-formed json objects with random string content in every position
    std::mt19937 rng(99);
    std::uniform_int_distribution<int> byte(0, 255);
    auto random_text = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i) {
            char c = static_cast<char>(byte(rng));
            if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '?';
            s.push_back(c);
        }
        return s;
    };
    for (int round = 0; round < 1000; ++round) {
        const std::string payload = "{\"msg\":\"" + random_text(20) + "\",\"host\":\"" + random_text(8) +
                                    "\",\"" + random_text(5) + "\":\"" + random_text(5) + "\"}";
        const auto e = decode(payload, from);
        EXPECT_EQ(detect_format(payload), message_format::json) << round;
        EXPECT_TRUE(slotlog::testing::is_clean(e.msg));
        EXPECT_TRUE(slotlog::testing::is_clean(e.host));
        const auto json = json_line(e);
        ASSERT_TRUE(nlohmann::json::accept(json)) << json;
    }
}

TEST(Decode, NobodyElseCanWriteAsTheCollector) {
    // json, syslog 5424 and 3164 claiming the collector's app name, in any case
    const auto json = decode(R"({"msg":"control message on logger accepted: stop","app":"SlotLogD","raw_app":1})", from);
    EXPECT_EQ(json.app, "");
    EXPECT_EQ(extra(json, "raw_app"), "1");
    EXPECT_EQ(extra(json, "raw_app_2"), R"("SlotLogD")");
    EXPECT_NE(text_line(json).find(" -[-]: control message"), std::string::npos) << text_line(json);
    const auto s5424 = decode("<13>1 2026-11-24T21:17:35Z WEB01 slotlogd 42 - - slotlogd stopping", from);
    EXPECT_EQ(s5424.app, "");
    EXPECT_EQ(extra(s5424, "raw_app"), R"("slotlogd")");
    EXPECT_NE(text_line(s5424).find(" WEB01 -[42]: slotlogd stopping"), std::string::npos) << text_line(s5424);
    const auto s3164 = decode("<13>Nov 24 21:17:35 WEB01 slotlogd[42]: started", from);
    EXPECT_EQ(s3164.app, "");
    // a name that only starts alike is anybody's
    EXPECT_EQ(decode(R"({"msg":"m","app":"slotlogd2"})", from).app, "slotlogd2");
}

TEST(Decode, IntoAReusedEntryIsTheSameAsIntoANewOne) {
    // the writer decodes every message into one entry (its storage reused):
    // nothing of the message before may stay behind in the next one
    const std::string messages[] = {
        R"({"msg":"json first","host":"jhost","app":"japp","pid":7,"seq":3,"level":"error","k":"v"})",
        "<134>1 2026-11-24T21:17:35Z h5424 app5424 99 ID47 [x@1 a=\"b\"] five four two four",
        "<13>Nov 24 21:17:35 bsdhost bsdapp[12]: three one six four",
        "plain text, no format at all",
        "<14>slotlogd: claims to be the collector",
        "\x73\x05\x00\x00\x00hello",
        "<134>1 - - - - - -",
    };
    slotlog::entry reused;
    for (int round = 0; round < 2; ++round) {
        for (const auto& m : messages) {
            decode(m, from, reused);
            const auto fresh = decode(m, from);
            EXPECT_EQ(text_line(reused), text_line(fresh)) << m;
            std::string reused_json, fresh_json;
            slotlog::format_json(reused_json, reused);
            slotlog::format_json(fresh_json, fresh);
            EXPECT_EQ(reused_json, fresh_json) << m;
        }
    }
}
