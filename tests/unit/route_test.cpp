// routing: the globs of match and exclude (route/glob), an output's filter
// (route/route_filter) and the router's decisions with them (route/router)

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/sinks/sink.h>

#include <slotlog/config.h>
#include <slotlog/counters.h>
#include <slotlog/entry.h>
#include <slotlog/outputs.h>

#include "route/glob.h"
#include "route/route_filter.h"
#include "route/router.h"

using namespace slotlog;

namespace {

bool match(std::string_view pattern, std::string_view text) { return glob(pattern).matches(text); }

} // namespace

// ------------------------------------------------------------------ glob

TEST(glob, literal_text_matches_itself_only) {
    EXPECT_TRUE(match("billing", "billing"));
    EXPECT_FALSE(match("billing", "billing2"));
    EXPECT_FALSE(match("billing", "billin"));
    EXPECT_FALSE(match("billing", "xbilling"));
    EXPECT_FALSE(match("billing", ""));
}

TEST(glob, a_star_takes_any_run_the_empty_one_too) {
    EXPECT_TRUE(match("web*", "web"));
    EXPECT_TRUE(match("web*", "web01"));
    EXPECT_TRUE(match("*01", "web01"));
    EXPECT_TRUE(match("w*b*1", "web01"));
    EXPECT_TRUE(match("*", ""));
    EXPECT_TRUE(match("**", "anything"));
    EXPECT_TRUE(match("*e*", "e"));
    EXPECT_FALSE(match("web*", "we"));
    EXPECT_FALSE(match("*01", "web02"));
    EXPECT_FALSE(match("a*b", "a"));
    // a later part found only after a false start: the star takes more
    EXPECT_TRUE(match("*aab", "aaaab"));
    EXPECT_TRUE(match("a*ab*c", "abababc"));
    EXPECT_FALSE(match("a*ab*c", "abababd"));
    EXPECT_TRUE(match("healthcheck*", "healthcheck"));
    EXPECT_TRUE(match("*check*", "healthcheck-http"));
}

TEST(glob, a_question_mark_takes_exactly_one_character) {
    EXPECT_TRUE(match("web??", "web01"));
    EXPECT_FALSE(match("web??", "web1"));
    EXPECT_FALSE(match("web??", "web001"));
    EXPECT_FALSE(match("?", ""));
    EXPECT_TRUE(match("?*", "x"));
    EXPECT_FALSE(match("?*", ""));
}

TEST(glob, a_question_mark_takes_a_whole_utf8_character) {
    // é is two bytes, € three, 😀 four: each is one character
    EXPECT_TRUE(match("caf?", "caf\xC3\xA9"));
    EXPECT_FALSE(match("caf??", "caf\xC3\xA9"));
    EXPECT_TRUE(match("?", "\xE2\x82\xAC"));
    EXPECT_TRUE(match("?", "\xF0\x9F\x98\x80"));
    EXPECT_TRUE(match("??", "\xF0\x9F\x98\x80\xC3\xA9"));
    EXPECT_TRUE(match("?x", "\xE2\x82\xACx"));
    EXPECT_TRUE(match("*?", "\xE2\x82\xAC"));
    // a star gives back whole characters
    EXPECT_TRUE(match("*\xC3\xA9", "caf\xC3\xA9"));
    EXPECT_TRUE(match("*?\xC3\xA9", "\xE2\x82\xAC\xC3\xA9"));
    // broken utf-8: a stray byte is one character, and nothing reads past the end
    EXPECT_TRUE(match("a?b", "a\xFF" "b"));
    EXPECT_TRUE(match("a?", "a\xE2\x82"));
}

TEST(glob, ascii_case_is_ignored_and_nothing_beyond) {
    EXPECT_TRUE(match("WEB*", "web01"));
    EXPECT_TRUE(match("web*", "WEB01"));
    EXPECT_TRUE(match("BiLLinG", "billing"));
    EXPECT_TRUE(match("caf\xC3\xA9", "CAF\xC3\xA9"));
    // É and é are different characters here: case-insensitive for ascii only
    EXPECT_FALSE(match("\xC3\x89", "\xC3\xA9"));
    // '[' and '@' are not letters: no case to fold
    EXPECT_FALSE(match("[", "{"));
    EXPECT_FALSE(match("@", "`"));
}

TEST(glob, other_characters_are_literal) {
    EXPECT_TRUE(match("udp:127.0.0.1:*", "udp:127.0.0.1:5514"));
    EXPECT_FALSE(match("udp:127.0.0.1:*", "udp:127.0.0.2:5514"));
    EXPECT_TRUE(match("[a]", "[a]"));
    EXPECT_FALSE(match("[ab]", "a"));
    EXPECT_TRUE(match("a.b", "a.b"));
    EXPECT_FALSE(match("a.b", "axb"));
}

TEST(glob, empty_text) {
    EXPECT_TRUE(match("*", ""));
    EXPECT_TRUE(match("***", ""));
    EXPECT_FALSE(match("?", ""));
    EXPECT_FALSE(match("a", ""));
    EXPECT_FALSE(match("*a*", ""));
}

TEST(glob, stars_against_long_text_stay_fast) {
    // an exponential matcher would not finish these; the walk does each in
    // at most pattern x text steps
    const std::string as(100000, 'a');
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(match("a*b*c*", as));
    EXPECT_TRUE(match("a*b*c*", as + "bc"));
    EXPECT_FALSE(match("*a*a*a*a*a*a*a*a*a*a*b", as));
    EXPECT_TRUE(match("*a*a*a*a*a*a*a*a*a*a*b", as + "b"));
    EXPECT_FALSE(match("*?*?*?*?*?*?*?*?*?*?b", as));
    // the walk's worst case: each false start reads the whole part again
    EXPECT_FALSE(match("*" + std::string(50, 'a') + "b", as));
    EXPECT_TRUE(match("*" + std::string(50, 'a') + "b", as + "b"));
    std::string abc;
    for (int i = 0; i < 30000; ++i) abc += "abx";
    EXPECT_FALSE(match("*a*b*c*", abc));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_LT(took, std::chrono::seconds(1));
}

// ------------------------------------------------------------------ route_filter

namespace {

entry entry_of(std::string host, std::string app, std::string slot = "logger", level l = level::info) {
    entry e;
    e.host = std::move(host);
    e.app = std::move(app);
    e.slot = std::move(slot);
    e.lvl = l;
    e.msg = "text";
    return e;
}

} // namespace

TEST(route_filter, every_key_of_match_must_match) {
    const route_filter f({{"web*"}, {"billing"}, {"logger"}}, {});
    EXPECT_TRUE(f.takes(entry_of("WEB01", "billing")));
    EXPECT_FALSE(f.takes(entry_of("db01", "billing")));
    EXPECT_FALSE(f.takes(entry_of("web01", "shop")));
    EXPECT_FALSE(f.takes(entry_of("web01", "billing", "audit")));
}

TEST(route_filter, any_key_of_exclude_excludes) {
    const route_filter f({}, {{"test*"}, {"healthcheck*"}, {}});
    EXPECT_TRUE(f.takes(entry_of("web01", "billing")));
    EXPECT_FALSE(f.takes(entry_of("test01", "billing")));
    EXPECT_FALSE(f.takes(entry_of("web01", "healthcheck-http")));
    EXPECT_FALSE(f.takes(entry_of("test01", "healthcheck")));
}

TEST(route_filter, a_list_matches_when_any_glob_does) {
    const route_filter f({{}, {"billing", "shop*"}, {}}, {{}, {"shop-test"}, {}});
    EXPECT_TRUE(f.takes(entry_of("h", "billing")));
    EXPECT_TRUE(f.takes(entry_of("h", "shop")));
    EXPECT_TRUE(f.takes(entry_of("h", "shop-eu")));
    EXPECT_FALSE(f.takes(entry_of("h", "shop-test")));  // matched, then excluded
    EXPECT_FALSE(f.takes(entry_of("h", "web")));
}

TEST(route_filter, unknown_fields_are_empty_text) {
    EXPECT_TRUE(route_filter({{"*"}, {}, {}}, {}).takes(entry_of("", "x")));
    EXPECT_FALSE(route_filter({{"?*"}, {}, {}}, {}).takes(entry_of("", "x")));
    EXPECT_FALSE(route_filter({{}, {"-"}, {}}, {}).takes(entry_of("h", "")));
    EXPECT_TRUE(route_filter({}, {{"?*"}, {}, {}}).takes(entry_of("", "x")));
}

TEST(route_filter, slot_globs_see_the_input) {
    const route_filter f({{}, {}, {"udp:*"}}, {{}, {}, {"*:5514"}});
    EXPECT_TRUE(f.takes(entry_of("h", "a", "udp:127.0.0.1:514")));
    EXPECT_FALSE(f.takes(entry_of("h", "a", "udp:127.0.0.1:5514")));
    EXPECT_FALSE(f.takes(entry_of("h", "a", "logger")));
}

TEST(route_filter, none_without_rules) {
    output_config cfg;
    EXPECT_EQ(make_route_filter(cfg), nullptr);
    cfg.exclude.app = {"x"};
    EXPECT_NE(make_route_filter(cfg), nullptr);
}

// ------------------------------------------------------------------ router

namespace {

// a sink that keeps the lines it gets
class recording_sink final : public spdlog::sinks::sink {
public:
    void log(const spdlog::details::log_msg& msg) override { lines.emplace_back(msg.payload.data(), msg.payload.size()); }
    void flush() override {}
    void set_pattern(const std::string&) override {}
    void set_formatter(std::unique_ptr<spdlog::formatter>) override {}
    std::vector<std::string> lines;
};

struct routed {
    pipeline_counters counters;
    std::vector<std::string> reports;
    router r{counters, [this](level, const std::string& m) { reports.push_back(m); }, false};
    output_set outputs;
    std::vector<std::shared_ptr<recording_sink>> sinks;

    void add(level min, route_rules match, route_rules exclude = {}) {
        output o;
        o.cfg.type = "console";
        o.cfg.min_level = min;
        o.cfg.match = std::move(match);
        o.cfg.exclude = std::move(exclude);
        o.filter = make_route_filter(o.cfg);
        sinks.push_back(std::make_shared<recording_sink>());
        o.sink = sinks.back();
        outputs.push_back(std::move(o));
    }
    void send(const entry& e) { r.write(e, outputs); }
    // how many lines each output got
    std::vector<std::size_t> counts() const {
        std::vector<std::size_t> out;
        for (const auto& s : sinks) out.push_back(s->lines.size());
        return out;
    }
};

using counts = std::vector<std::size_t>;

} // namespace

TEST(router, each_output_gets_what_its_level_match_and_exclude_let_through) {
    routed t;
    t.add(level::trace, {});                                                      // everything
    t.add(level::trace, {{}, {"billing"}, {}});                                   // a file for one app
    t.add(level::error, {}, {{}, {"healthcheck*"}, {}});                          // errors, no health checks
    t.add(level::trace, {{"web*"}, {"shop*", "billing"}, {}}, {{"web9?"}, {}, {}});  // both together
    t.send(entry_of("web01", "billing"));
    EXPECT_EQ(t.counts(), (counts{1, 1, 0, 1}));
    t.send(entry_of("web01", "billing", "logger", level::error));
    EXPECT_EQ(t.counts(), (counts{2, 2, 1, 2}));
    t.send(entry_of("web01", "healthcheck", "logger", level::critical));
    EXPECT_EQ(t.counts(), (counts{3, 2, 1, 2}));
    t.send(entry_of("web95", "shop-eu"));  // matched, then excluded by host
    EXPECT_EQ(t.counts(), (counts{4, 2, 1, 2}));
    t.send(entry_of("WEB02", "Shop-EU"));
    EXPECT_EQ(t.counts(), (counts{5, 2, 1, 3}));
    EXPECT_EQ(t.counters.written.load(), 5u);
    EXPECT_EQ(t.counters.unrouted.load(), 0u);
    EXPECT_TRUE(t.sinks[1]->lines.back().ends_with(" web01 billing[-]: text"));
}

TEST(router, an_entry_that_no_output_takes_is_counted_not_reported) {
    routed t;
    t.add(level::trace, {{}, {"billing"}, {}});
    t.add(level::warning, {}, {{}, {"billing"}, {}});
    t.send(entry_of("h", "shop"));                                   // below warning, not billing
    t.send(entry_of("h", "shop", "logger", level::warning));         // the second takes it
    t.send(entry_of("h", "billing", "logger", level::critical));     // the first takes it
    t.send(entry_of("h", "", "logger", level::debug));               // nobody
    EXPECT_EQ(t.counts(), (counts{1, 1}));
    EXPECT_EQ(t.counters.written.load(), 4u);
    EXPECT_EQ(t.counters.unrouted.load(), 2u);
    EXPECT_EQ(t.counters.output_errors.load(), 0u);
    EXPECT_TRUE(t.reports.empty());
}

TEST(router, the_collectors_own_entries_are_routed_like_any_other) {
    routed t;
    t.add(level::trace, {}, {{}, {"slotlogd"}, {}});
    t.add(level::trace, {{}, {}, {"slotlogd"}});
    entry own = entry_of("collector", "slotlogd", "slotlogd", level::notice);
    own.own = true;
    t.send(own);
    EXPECT_EQ(t.counts(), (counts{0, 1}));
}

TEST(router, an_own_entry_the_host_reports_is_not_unrouted) {
    pipeline_counters counters;
    router r(counters, [](level, const std::string&) {}, true);
    output_set outputs(1);
    outputs[0].cfg.type = "eventlog";
    entry own = entry_of("collector", "slotlogd", "slotlogd", level::warning);
    own.own = true;
    r.write(own, outputs);  // the host has it: the sink is not even called (it is null)
    EXPECT_EQ(counters.unrouted.load(), 0u);
    outputs[0].cfg.exclude.app = {"slotlogd"};
    outputs[0].filter = make_route_filter(outputs[0].cfg);
    r.write(own, outputs);
    EXPECT_EQ(counters.unrouted.load(), 1u);
}
