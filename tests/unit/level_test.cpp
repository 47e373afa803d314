#include <gtest/gtest.h>

#include <slotlog/level.h>

using namespace std::string_view_literals;
using slotlog::level;
using slotlog::parse_level;

namespace {

constexpr level all_levels[] = {level::trace, level::debug,   level::info,    level::notice,
                                level::warning, level::error, level::critical};

} // namespace

TEST(Level, NamesAndLabels) {
    EXPECT_EQ(slotlog::level_name(level::trace), "trace");
    EXPECT_EQ(slotlog::level_name(level::notice), "notice");
    EXPECT_EQ(slotlog::level_name(level::warning), "warning");
    EXPECT_EQ(slotlog::level_name(level::critical), "critical");
    EXPECT_EQ(slotlog::level_label(level::info), "INFO");
    EXPECT_EQ(slotlog::level_label(level::warning), "WARNING");
    EXPECT_EQ(slotlog::level_label(level::error), "ERROR");
}

TEST(Level, OrderedBySeverity) {
    for (std::size_t i = 1; i < std::size(all_levels); ++i) EXPECT_LT(all_levels[i - 1], all_levels[i]);
}

TEST(Level, NamesAndLabelsParseBack) {
    for (const level l : all_levels) {
        EXPECT_EQ(parse_level(slotlog::level_name(l)), l);
        EXPECT_EQ(parse_level(slotlog::level_label(l)), l);
    }
}

TEST(Level, AliasesAndCase) {
    EXPECT_EQ(parse_level("warn"), level::warning);
    EXPECT_EQ(parse_level("Warn"), level::warning);
    EXPECT_EQ(parse_level("err"), level::error);
    EXPECT_EQ(parse_level("ERR"), level::error);
    EXPECT_EQ(parse_level("crit"), level::critical);
    EXPECT_EQ(parse_level("fatal"), level::critical);
    EXPECT_EQ(parse_level("FATAL"), level::critical);
    EXPECT_EQ(parse_level("emerg"), level::critical);
    EXPECT_EQ(parse_level("alert"), level::critical);
    EXPECT_EQ(parse_level("information"), level::info);
    EXPECT_EQ(parse_level("informational"), level::info);
}

TEST(Level, RejectsAnythingElse) {
    EXPECT_EQ(parse_level(""), std::nullopt);
    EXPECT_EQ(parse_level("warnings"), std::nullopt);
    EXPECT_EQ(parse_level("inf"), std::nullopt);
    EXPECT_EQ(parse_level(" info"), std::nullopt);
    EXPECT_EQ(parse_level("info "), std::nullopt);
    EXPECT_EQ(parse_level("3"), std::nullopt);
    EXPECT_EQ(parse_level("in\0fo"sv), std::nullopt);
    EXPECT_EQ(parse_level("\xC4\xB0NFO"), std::nullopt);  // dotted capital I is not 'i'
}

TEST(Level, SyslogSeverities) {
    EXPECT_EQ(slotlog::level_from_syslog_severity(0), level::critical);
    EXPECT_EQ(slotlog::level_from_syslog_severity(1), level::critical);
    EXPECT_EQ(slotlog::level_from_syslog_severity(2), level::critical);
    EXPECT_EQ(slotlog::level_from_syslog_severity(3), level::error);
    EXPECT_EQ(slotlog::level_from_syslog_severity(4), level::warning);
    EXPECT_EQ(slotlog::level_from_syslog_severity(5), level::notice);
    EXPECT_EQ(slotlog::level_from_syslog_severity(6), level::info);
    EXPECT_EQ(slotlog::level_from_syslog_severity(7), level::debug);
    EXPECT_EQ(slotlog::level_from_syslog_severity(8), level::debug);
    EXPECT_EQ(slotlog::level_from_syslog_severity(-1), level::debug);
}

TEST(Level, OutOfRangeValueDoesNotReadPastTheTables) {
    const auto bogus = static_cast<level>(200);
    EXPECT_EQ(slotlog::level_name(bogus), "critical");
    EXPECT_EQ(slotlog::level_label(bogus), "CRITICAL");
}
