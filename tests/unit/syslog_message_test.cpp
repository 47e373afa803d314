#include "forward/syslog_message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

using namespace std::chrono;
using slotlog::entry;
using slotlog::level;

namespace {

slotlog::clock::time_point at(int y, unsigned m, unsigned d, int hh, int mm, int ss, microseconds us) {
    return slotlog::clock::time_point(duration_cast<slotlog::clock::duration>(
        sys_days{year{y} / month{m} / day{d}}.time_since_epoch() + hours{hh} + minutes{mm} + seconds{ss} + us));
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

std::string message(const entry& e, std::string_view id = "0123456789abcdef", slotlog::rfc5424_options o = {}) {
    std::string out;
    slotlog::append_rfc5424(out, e, id, o);
    return out;
}

// the structured data element of a message with the full entry's header
std::string sd_of(const entry& e) {
    const std::string m = message(e);
    const auto from = m.find('[');
    const auto to = m.rfind("] ");
    return m.substr(from, to + 1 - from);
}

// the first expected.size() bytes of m
std::string head(const std::string& m, std::string_view expected) { return m.substr(0, expected.size()); }

constexpr std::string_view full_sd = R"([slotlog@32473 id="0123456789abcdef" slot="logger" seq="7")";

} // namespace

// ---- syslog_facility ----

TEST(SyslogFacility, RsyslogNamesForAllTwentyFour) {
    const char* names[] = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                           "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
                           "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    for (int code = 0; code < 24; ++code) {
        EXPECT_EQ(slotlog::syslog_facility(names[code]), code) << names[code];
    }
}

TEST(SyslogFacility, AliasesAndCase) {
    EXPECT_EQ(slotlog::syslog_facility("security"), 4);
    EXPECT_EQ(slotlog::syslog_facility("console"), 14);
    EXPECT_EQ(slotlog::syslog_facility("solaris-cron"), 15);
    EXPECT_EQ(slotlog::syslog_facility("LOCAL3"), 19);
    EXPECT_EQ(slotlog::syslog_facility("User"), 1);
}

TEST(SyslogFacility, UnknownNames) {
    EXPECT_EQ(slotlog::syslog_facility(""), std::nullopt);
    EXPECT_EQ(slotlog::syslog_facility("mark"), std::nullopt);
    EXPECT_EQ(slotlog::syslog_facility("local8"), std::nullopt);
    EXPECT_EQ(slotlog::syslog_facility("user "), std::nullopt);
    EXPECT_EQ(slotlog::syslog_facility("16"), std::nullopt);
}

// ---- append_rfc5424 ----

TEST(Rfc5424, TypicalEntry) {
    EXPECT_EQ(message(full_entry()),
              R"(<12>1 2026-11-24T21:17:35.539204Z WEB01 billing 42 - [slotlog@32473 id="0123456789abcdef" slot="logger" seq="7"] the message)");
}

TEST(Rfc5424, AppendsToWhatIsThere) {
    std::string out = "x";
    slotlog::append_rfc5424(out, full_entry(), "0123456789abcdef", {});
    EXPECT_EQ(out, "x" + message(full_entry()));
}

TEST(Rfc5424, EveryLevel) {
    const std::pair<level, int> cases[] = {{level::trace, 7},   {level::debug, 7}, {level::info, 6},
                                           {level::notice, 5},  {level::warning, 4}, {level::error, 3},
                                           {level::critical, 2}};
    for (const auto& [lvl, severity] : cases) {
        entry e = full_entry();
        e.lvl = lvl;
        EXPECT_EQ(message(e).substr(0, 6), "<" + std::to_string(8 + severity) + ">1 ") << static_cast<int>(lvl);
        EXPECT_EQ(message(e, "0123456789abcdef", {.facility = 23}).substr(0, 7),
                  "<" + std::to_string(23 * 8 + severity) + ">1 ");
        EXPECT_EQ(message(e, "0123456789abcdef", {.facility = 0}).substr(0, 5), "<" + std::to_string(severity) + ">1 ");
    }
}

TEST(Rfc5424, FacilityOutOfRangeIsUser) {
    EXPECT_EQ(message(full_entry(), "0123456789abcdef", {.facility = 24}).substr(0, 6), "<12>1 ");
    EXPECT_EQ(message(full_entry(), "0123456789abcdef", {.facility = -1}).substr(0, 6), "<12>1 ");
}

TEST(Rfc5424, UnknownFieldsAreNil) {
    entry e;
    e.time = at(2026, 1, 2, 3, 4, 5, microseconds{6});
    e.lvl = level::info;
    e.msg = "hello";
    EXPECT_EQ(message(e, "00000000000000ff"),
              R"(<14>1 2026-01-02T03:04:05.000006Z - - - - [slotlog@32473 id="00000000000000ff" slot=""] hello)");
}

TEST(Rfc5424, EmptyMessageHasNoTrailingSpace) {
    entry e = full_entry();
    e.msg.clear();
    EXPECT_EQ(message(e), "<12>1 2026-11-24T21:17:35.539204Z WEB01 billing 42 - " + std::string(full_sd) + "]");
}

TEST(Rfc5424, SpacesOnlyAreNil) {
    entry e = full_entry();
    e.host = "   ";
    e.app = " ";
    constexpr std::string_view expected = "<12>1 2026-11-24T21:17:35.539204Z - - 42 - [";
    EXPECT_EQ(head(message(e), expected), expected);
}

TEST(Rfc5424, HeaderFieldsArePrintableAscii) {
    entry e = full_entry();
    e.host = "K\xc3\xb6ln 01";        // o umlaut and the space: one '_' each
    e.app = "my app\xe2\x82\xac!";    // the euro sign is three bytes, one character
    constexpr std::string_view expected = "<12>1 2026-11-24T21:17:35.539204Z K_ln_01 my_app_! 42 - [";
    EXPECT_EQ(head(message(e), expected), expected);
}

TEST(Rfc5424, BrokenUtf8InAHeaderField) {
    entry e = full_entry();
    e.host = "a\xff" "b\x80" "c\xe2\x82";  // a stray byte, a lone continuation, a cut sequence
    e.app = "x\x7fy";
    constexpr std::string_view expected = "<12>1 2026-11-24T21:17:35.539204Z a_b_c_ x_y 42 - [";
    EXPECT_EQ(head(message(e), expected), expected);
}

TEST(Rfc5424, LongHostAndAppAreCut) {
    entry e = full_entry();
    e.host = std::string(300, 'h');
    e.app = std::string(60, 'a');
    EXPECT_EQ(message(e), "<12>1 2026-11-24T21:17:35.539204Z " + std::string(255, 'h') + " " + std::string(48, 'a') +
                              " 42 - " + std::string(full_sd) + "] the message");
}

TEST(Rfc5424, LongNonAsciiHostIsCutInCharacters) {
    entry e = full_entry();
    std::string host;
    for (int i = 0; i < 300; ++i) host += "\xc3\xa9";  // e acute
    e.host = host;
    const std::string expected = "<12>1 2026-11-24T21:17:35.539204Z " + std::string(255, '_') + " billing 42 - [";
    EXPECT_EQ(head(message(e), expected), expected);
}

TEST(Rfc5424, ProcessIds) {
    entry e = full_entry();
    e.pid = 0;
    constexpr std::string_view zero = "<12>1 2026-11-24T21:17:35.539204Z WEB01 billing 0 - [";
    EXPECT_EQ(head(message(e), zero), zero);
    e.pid = 9'223'372'036'854'775'807;
    constexpr std::string_view largest = "<12>1 2026-11-24T21:17:35.539204Z WEB01 billing 9223372036854775807 - [";
    EXPECT_EQ(head(message(e), largest), largest);
    e.pid = -5;
    constexpr std::string_view negative = "<12>1 2026-11-24T21:17:35.539204Z WEB01 billing -5 - [";
    EXPECT_EQ(head(message(e), negative), negative);
}

TEST(Rfc5424, MessageIsUtf8WithoutBom) {
    entry e = full_entry();
    e.msg = "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80";
    const std::string m = message(e);
    EXPECT_EQ(m.substr(m.find("] ") + 2), "h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x98\x80");
}

TEST(Rfc5424, MessageStaysOneLine) {
    entry e = full_entry();
    e.msg = "a\nb\tc\\d ] \"e\"";  // not sanitised by a decoder: an entry built elsewhere
    const std::string m = message(e);
    EXPECT_EQ(m.substr(m.find("] ") + 2), "a\\nb\\tc\\d ] \"e\"");
}

TEST(Rfc5424, SequenceIsLeftOutWhenUnset) {
    entry e = full_entry();
    e.seq.reset();
    EXPECT_EQ(sd_of(e), R"([slotlog@32473 id="0123456789abcdef" slot="logger"])");
}

TEST(Rfc5424, SlotAndIdAreEscaped) {
    entry e = full_entry();
    e.slot = R"(udp:"x"]\y)";
    EXPECT_EQ(sd_of(e), R"([slotlog@32473 id="0123456789abcdef" slot="udp:\"x\"\]\\y" seq="7"])");
    e.slot = "a\nb";  // an entry built elsewhere, not sanitised
    EXPECT_EQ(sd_of(e), R"([slotlog@32473 id="0123456789abcdef" slot="a\\nb" seq="7"])");
}

TEST(Rfc5424, OtherStructuredDataId) {
    EXPECT_EQ(message(full_entry(), "0123456789abcdef", {.sd_id = "example@1234"}),
              R"(<12>1 2026-11-24T21:17:35.539204Z WEB01 billing 42 - [example@1234 id="0123456789abcdef" slot="logger" seq="7"] the message)");
    const std::string bad = message(full_entry(), "0123456789abcdef", {.sd_id = "my id=\"x\"]"});
    EXPECT_NE(bad.find(R"([my_id__x__ id=")"), std::string::npos) << bad;
    const std::string empty = message(full_entry(), "0123456789abcdef", {.sd_id = ""});
    EXPECT_NE(empty.find("[slotlog@32473 id="), std::string::npos) << empty;
}

TEST(Rfc5424, ExtraStringsAreUnquoted) {
    entry e = full_entry();
    e.extra = {{"user", R"("bob")"}, {"empty", R"("")"}, {"path", R"("C:\\temp\\x")"}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) + R"( user="bob" empty="" path="C:\\temp\\x"])");
}

TEST(Rfc5424, ExtraQuotesBracketsBackslashesAreEscaped) {
    entry e = full_entry();
    e.extra = {{"q", R"("say \"hi\" [x] a\\b")"}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) + R"( q="say \"hi\" [x\] a\\b"])");
}

TEST(Rfc5424, ExtraStringEscapesAreDecoded) {
    entry e = full_entry();
    e.extra = {{"u", R"("\u00e9\ud83d\ude00\/")"},  // é, 😀 as a surrogate pair, '/'
               {"lone", R"("a\ud800b")"},            // a lone surrogate
               {"nl", R"("one\ntwo\u0001")"}};        // control characters stay escaped: one line
    EXPECT_EQ(sd_of(e), std::string(full_sd) + " u=\"\xc3\xa9\xf0\x9f\x98\x80/\" lone=\"a\xef\xbf\xbd" "b\"" +
                            R"( nl="one\\ntwo\\x01"])");
}

TEST(Rfc5424, ExtraOtherJsonKeepsItsText) {
    entry e = full_entry();
    e.extra = {{"n", "42"},     {"f", "-1.5e3"}, {"ok", "true"},        {"none", "null"},
               {"list", "[1,\"a]\"]"}, {"obj", R"({"a":{"b":"c\"d"}})"}, {"blank", ""}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) +
                            R"( n="42" f="-1.5e3" ok="true" none="null" list="[1,\"a\]\"\]" obj="{\"a\":{\"b\":\"c\\\"d\"}}" blank="null"])");
}

TEST(Rfc5424, MalformedJsonStringIsKeptAsText) {
    entry e = full_entry();
    e.extra = {{"a", R"("open)"}, {"b", R"("bad \q")"}, {"c", R"("x"y")"}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) + R"( a="\"open" b="\"bad \\q\"" c="\"x\"y\""])");
}

TEST(Rfc5424, ExtraKeysAreSanitised) {
    entry e = full_entry();
    e.extra = {{"a b", "1"}, {"x=y", "2"}, {"k]", "3"}, {"q\"", "4"}, {"\xe6\x97\xa5\xe6\x9c\xac", "5"},
               {"tab\there", "6"}, {std::string(40, 'k'), "7"}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) + R"( a_b="1" x_y="2" k_="3" q_="4" __="5" tab_here="6" )" +
                            std::string(32, 'k') + R"(="7"])");
}

TEST(Rfc5424, EmptyAndDuplicateKeysAreSkipped) {
    entry e = full_entry();
    e.extra = {{"", "1"},       {"id", "\"forged\""}, {"seq", "99"}, {"slot", "\"x\""}, {"a b", "2"},
               {"a_b", "3"},    {"a=b", "4"},         {std::string(33, 'k'), "5"}, {std::string(34, 'k'), "6"},
               {"last", "7"}};
    EXPECT_EQ(sd_of(e), std::string(full_sd) + R"( a_b="2" )" + std::string(32, 'k') + R"(="5" last="7"])");
}

TEST(Rfc5424, SeqIsReservedEvenWhenUnset) {
    entry e = full_entry();
    e.seq.reset();
    e.extra = {{"seq", "5"}, {"other", "6"}};
    EXPECT_EQ(sd_of(e), R"([slotlog@32473 id="0123456789abcdef" slot="logger" other="6"])");
}

TEST(Rfc5424, ManyExtraKeys) {
    entry e = full_entry();
    for (int i = 0; i < 5000; ++i) e.extra.emplace_back("k" + std::to_string(i % 2500), std::to_string(i));
    const std::string sd = sd_of(e);
    EXPECT_NE(sd.find(R"( k0="0" k1="1")"), std::string::npos);
    EXPECT_NE(sd.find(R"( k2499="2499"])"), std::string::npos);
    EXPECT_EQ(sd.find(R"("2500")"), std::string::npos);
}

// ---- append_octet_counted ----

TEST(OctetCounting, LengthSpaceMessage) {
    std::string out;
    slotlog::append_octet_counted(out, "abc");
    EXPECT_EQ(out, "3 abc");
    slotlog::append_octet_counted(out, "");
    EXPECT_EQ(out, "3 abc0 ");
    out.clear();
    slotlog::append_octet_counted(out, "h\xc3\xa9");  // bytes, not characters
    EXPECT_EQ(out, "3 h\xc3\xa9");
}

TEST(OctetCounting, AWholeMessage) {
    const std::string m = message(full_entry());
    std::string out;
    slotlog::append_octet_counted(out, m);
    EXPECT_EQ(out, std::to_string(m.size()) + " " + m);
    EXPECT_EQ(out.substr(0, 4), "124 ");
}

// ---- entry_id ----

namespace {
bool is_id(const std::string& id) {
    return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}
} // namespace

TEST(EntryId, FixedValueForAFixedEntry) {
    // a change of the hash, its key or its fields changes every id a receiver has seen.
    // checked against a separate siphash-2-4 (the paper's test vector passes) over
    // "stamped", host, app, 1, pid, slot, seq, microseconds: 64-bit little-endian
    // numbers, each text after its length
    EXPECT_EQ(slotlog::entry_id(full_entry(), 1, 2), "987fce9fcf4500dd");
    entry local = full_entry();
    local.seq.reset();
    // "local", instance, counter
    EXPECT_EQ(slotlog::entry_id(local, 0x0123456789abcdefull, 42), "b0724427473d32fe");
}

TEST(EntryId, StampedIsStable) {
    const std::string id = slotlog::entry_id(full_entry(), 1, 1);
    EXPECT_TRUE(is_id(id)) << id;
    // another collector, another output, another restart: the same id
    EXPECT_EQ(slotlog::entry_id(full_entry(), 99, 12345), id);
    // what the id does not cover
    entry e = full_entry();
    e.msg = "another text";
    e.lvl = level::error;
    e.extra = {{"k", "1"}};
    EXPECT_EQ(slotlog::entry_id(e, 1, 1), id);
}

TEST(EntryId, StampedDiffersInEveryField) {
    const std::string id = slotlog::entry_id(full_entry(), 1, 1);
    std::set<std::string> ids{id};
    const auto differs = [&](const entry& e) {
        const auto other = slotlog::entry_id(e, 1, 1);
        EXPECT_TRUE(is_id(other));
        EXPECT_TRUE(ids.insert(other).second) << other;
    };
    entry e = full_entry();
    e.seq = 8;
    differs(e);
    e = full_entry();
    e.time += microseconds{1};
    differs(e);
    e = full_entry();
    e.host = "WEB02";
    differs(e);
    e = full_entry();
    e.app = "billinG";
    differs(e);
    e = full_entry();
    e.pid = 43;
    differs(e);
    e = full_entry();
    e.pid.reset();
    differs(e);
    e = full_entry();
    e.pid = 0;
    differs(e);
    e = full_entry();
    e.slot = "udp";
    differs(e);
    // the length before each text keeps ("WEB0", "1billing") apart from ("WEB01", "billing")
    e = full_entry();
    e.host = "WEB0";
    e.app = "1billing";
    differs(e);
}

TEST(EntryId, UnstampedCountsPerOutput) {
    entry e = full_entry();
    e.seq.reset();
    std::set<std::string> ids;
    for (std::uint64_t counter = 0; counter < 1000; ++counter) {
        const auto id = slotlog::entry_id(e, 7, counter);
        EXPECT_TRUE(is_id(id)) << id;
        ids.insert(id);
    }
    EXPECT_EQ(ids.size(), 1000u);
    // the same instance and counter is the same id, whatever the entry
    entry other = e;
    other.host = "elsewhere";
    EXPECT_EQ(slotlog::entry_id(other, 7, 3), slotlog::entry_id(e, 7, 3));
    EXPECT_NE(slotlog::entry_id(e, 8, 3), slotlog::entry_id(e, 7, 3));
}
