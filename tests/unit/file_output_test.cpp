// file outputs with placeholders: names made safe (sinks/safe_name), the
// path pattern (sinks/path_template) and the files it opens and closes
// (sinks/file_output)

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <slotlog/config.h>
#include <slotlog/detail/utf8.h>
#include <slotlog/entry.h>
#include <slotlog/platform.h>

#include "sinks/file_output.h"
#include "sinks/path_template.h"
#include "sinks/safe_name.h"
#include "test_files.h"

using namespace slotlog;
namespace fs = std::filesystem;
using slotlog::testing::read_lines;
using slotlog::testing::temp_dir;

namespace {

std::string safe(std::string_view value) {
    std::string out;
    append_safe_name(out, value);
    return out;
}

entry from(std::string host, std::string app = "app", std::string msg = "m") {
    entry e;
    e.host = std::move(host);
    e.app = std::move(app);
    e.slot = "logger";
    e.msg = std::move(msg);
    return e;
}

void write(file_output& out, const entry& e) {
    out.write(e, e.host + " " + e.msg);
}

output_config file_config(const fs::path& path, std::uint32_t max_open = 64) {
    output_config cfg;
    cfg.type = "file";
    cfg.path = path;
    cfg.max_open_files = max_open;
    return cfg;
}

// what a hostile sender may put where a host or app name goes
const std::vector<std::string> hostile_names{
    "../../etc/passwd", "..", ".", "...", "/etc/passwd", "C:\\Windows\\System32", "\\\\server\\share\\x",
    "NUL", "nul.txt", "CON", "con.txt", "Com1", "LPT9.log", "AUX", "prn.", "web.", "a/../../b",
    std::string(10000, 'x'), std::string(10000, '.'), "\xff\xfe../x", "", " ", "a\0b", "x:y", "*?<>|\"",
    "\xe2\x80\xae" "gol.exe", "..\\..\\windows",
};

} // namespace

// ------------------------------------------------------------------ safe names

TEST(safe_name, keeps_plain_names_and_replaces_every_other_character) {
    EXPECT_EQ(safe("WEB01"), "WEB01");
    EXPECT_EQ(safe("web-01.example_org"), "web-01.example_org");
    EXPECT_EQ(safe("udp:127.0.0.1:5514"), "udp_127.0.0.1_5514");
    EXPECT_EQ(safe("../../etc/passwd"), ".._.._etc_passwd");
    EXPECT_EQ(safe("C:\\Windows"), "C__Windows");
    EXPECT_EQ(safe("a b"), "a_b");
    // one '_' per character, however many bytes it takes; a stray byte is one too
    EXPECT_EQ(safe("caf\xc3\xa9"), "caf_");
    EXPECT_EQ(safe("\xe2\x82\xac" "5"), "_5");
    EXPECT_EQ(safe("\xff\xfe"), "__");
}

TEST(safe_name, empty_dots_and_device_names_are_never_taken_as_they_are) {
    EXPECT_EQ(safe(""), "-");
    EXPECT_EQ(safe("."), "_");
    EXPECT_EQ(safe(".."), "_");
    EXPECT_EQ(safe("web."), "web_");  // windows would drop the dot
    EXPECT_EQ(safe("NUL"), "_NUL");
    EXPECT_EQ(safe("nul"), "_nul");
    EXPECT_EQ(safe("con.txt"), "_con.txt");
    EXPECT_EQ(safe("COM1"), "_COM1");
    EXPECT_EQ(safe("lpt9.log.gz"), "_lpt9.log.gz");
    EXPECT_EQ(safe("COM10"), "COM10");
    EXPECT_EQ(safe("CONSOLE"), "CONSOLE");
    EXPECT_EQ(safe("COM0"), "COM0");
}

TEST(safe_name, cuts_at_64_characters) {
    EXPECT_EQ(safe(std::string(10000, 'x')), std::string(64, 'x'));
    EXPECT_EQ(safe(std::string(100, '.')).size(), 64u);
    EXPECT_EQ(safe(std::string(100, '.')).back(), '_');
}

TEST(safe_name, device_names_with_any_case_and_extension) {
    for (const auto* name : {"CON", "prn", "Aux", "nUl", "COM1", "com9", "LPT1", "lpt9", "nul.txt", "CON.log.gz", "con "}) {
        EXPECT_TRUE(is_device_name(name)) << name;
    }
    for (const auto* name : {"CONS", "COM", "COM0", "LPT10", "xnul", "nul_", "_NUL", ""}) {
        EXPECT_FALSE(is_device_name(name)) << name;
    }
}

// ------------------------------------------------------------------ path patterns

TEST(path_template, names_what_is_wrong_with_placeholders) {
    EXPECT_FALSE(path_template::problem("logs/slotlog.log"));
    EXPECT_FALSE(path_template::problem("logs/{host}/{app}-{date}.log"));
    EXPECT_FALSE(path_template::problem("logs/{year}/{month}/{day}/{hour}-{level}-{slot}.log"));
    const auto unknown = path_template::problem("logs/{hots}.log");
    ASSERT_TRUE(unknown);
    EXPECT_NE(unknown->find("unknown placeholder {hots}"), std::string::npos) << *unknown;
    EXPECT_NE(unknown->find("{host}"), std::string::npos) << *unknown;
    EXPECT_TRUE(path_template::problem("logs/{host.log"));
    EXPECT_TRUE(path_template::problem("logs/host}.log"));
    EXPECT_TRUE(path_template::problem("logs/{}.log"));
}

TEST(path_template, expands_each_placeholder) {
    const path_template t("/var/log/slotlog/{host}/{app}-{level}-{slot}.log");
    EXPECT_TRUE(t.has_placeholders());
    EXPECT_FALSE(t.has_time());
    EXPECT_EQ(t.folder(), fs::path("/var/log/slotlog/"));
    auto e = from("WEB01", "billing");
    e.lvl = level::warning;
    std::string out;
    t.expand(out, e, {});
    EXPECT_EQ(out, "WEB01/billing-warning-logger.log");
    t.expand(out, from("", ""), {});
    EXPECT_EQ(out, "-/--info-logger.log");
    const path_template mid("/var/log/app-{app}.log");  // a placeholder inside a file name
    EXPECT_EQ(mid.folder(), fs::path("/var/log/"));
    mid.expand(out, e, {});
    EXPECT_EQ(out, "app-billing.log");
}

TEST(path_template, dates_are_utc_unless_local) {
    const path_template t("/l/{date}/{year}{month}{day}-{hour}.log");
    EXPECT_TRUE(t.has_time());
    EXPECT_EQ(t.folder(), fs::path("/l/"));
    std::string out;
    // 2026-12-01T23:59:59Z, then one second later
    const auto t0 = clock::time_point(std::chrono::seconds(1796169599));
    t.expand(out, from("h"), t0);
    EXPECT_EQ(out, "2026-12-01/20261201-23.log");
    t.expand(out, from("h"), t0 + std::chrono::seconds(1));
    EXPECT_EQ(out, "2026-12-02/20261202-00.log");
    t.expand(out, from("h"), t0);  // back again: the cache follows
    EXPECT_EQ(out, "2026-12-01/20261201-23.log");
}

TEST(path_template, a_plain_path_is_its_own_folder) {
    const path_template t("/var/log/slotlog.log");
    EXPECT_FALSE(t.has_placeholders());
    EXPECT_EQ(t.folder(), fs::path("/var/log/"));
    EXPECT_TRUE(t.could_produce("slotlog.log"));
    EXPECT_TRUE(t.could_produce("slotlog.3.log"));
    EXPECT_TRUE(t.could_produce("slotlog.3.log.gz"));
    EXPECT_TRUE(t.could_produce("slotlog.3.log.gz.part"));
    EXPECT_FALSE(t.could_produce("other.log"));
    EXPECT_FALSE(t.could_produce("slotlog.log.bak"));
    EXPECT_FALSE(t.could_produce("slotlog.log.gz"));  // only backups are compressed
    EXPECT_FALSE(t.could_produce("slotlog.x.log"));
    EXPECT_FALSE(t.could_produce("sub/slotlog.log"));
    EXPECT_FALSE(t.could_produce("notes.txt"));
}

TEST(path_template, could_produce_only_what_the_pattern_can_make) {
    const path_template t("/l/{host}/{app}-{date}.log");
    EXPECT_TRUE(t.could_produce("WEB01/billing-2026-12-01.log"));
    EXPECT_TRUE(t.could_produce("WEB01/billing-2026-12-01.2.log.gz"));
    EXPECT_TRUE(t.could_produce("-/_NUL-2026-12-01.log"));
    EXPECT_FALSE(t.could_produce("WEB01/billing-today.log"));
    EXPECT_FALSE(t.could_produce("WEB01/billing-2026-12-01.txt"));
    EXPECT_FALSE(t.could_produce("billing-2026-12-01.log"));
    EXPECT_FALSE(t.could_produce("a/b/billing-2026-12-01.log"));
    EXPECT_FALSE(t.could_produce("WEB01/notes.txt"));
    // any character of a folder or file name is taken as itself
    const path_template odd("/l/my_logs (2026)/caf\xc3\xa9 [x]+{host}$^.log");
    EXPECT_EQ(odd.folder(), fs::path("/l/my_logs (2026)/"));
    EXPECT_TRUE(odd.could_produce("caf\xc3\xa9 [x]+web01$^.log"));
    EXPECT_TRUE(odd.could_produce("caf\xc3\xa9 [x]+web01$^.2.log.gz"));
    EXPECT_FALSE(odd.could_produce("caf\xc3\xa9 x+web01$^.log"));
    EXPECT_FALSE(odd.could_produce("caf\xc3\xa9 [x]+web01.log"));
    const path_template by_level("/l/{level}.log");
    EXPECT_TRUE(by_level.could_produce("error.log"));
    EXPECT_FALSE(by_level.could_produce("errors.log"));
}

TEST(path_template, could_produce_tries_each_place_a_value_can_end) {
    // the dot may be the host's, the app's or the one between them
    const path_template t("/l/{host}.{app}.log");
    EXPECT_TRUE(t.could_produce("web.01.billing.log"));
    EXPECT_TRUE(t.could_produce("web.01.billing.v2.2.log.gz"));
    EXPECT_FALSE(t.could_produce("web..log"));
    EXPECT_FALSE(t.could_produce("web.log"));
    // a value has at most max_name_value characters, and a device name's '_'
    EXPECT_TRUE(t.could_produce(std::string(max_name_value + 1, 'h') + ".a.log"));
    EXPECT_FALSE(t.could_produce(std::string(max_name_value + 2, 'h') + ".a.log"));
    // a long run of value characters with no way to end costs no more than its length
    EXPECT_FALSE(t.could_produce(std::string(5000, '.') + "log"));
    // letters compare as the file system compares them: either case on windows only
    const path_template by_level("/l/{level}-{date}.Log");
    EXPECT_TRUE(by_level.could_produce("error-2026-12-01.Log"));
    EXPECT_EQ(by_level.could_produce("ERROR-2026-12-01.log"), on_windows);
    EXPECT_FALSE(by_level.could_produce("error-2026-12-1.Log"));
}

TEST(path_template, rotated_from_names_the_current_file_only_where_it_is_certain) {
    const path_template t("/l/{host}/{app}.log");
    EXPECT_EQ(t.rotated_from("web01/billing.3.log"), std::nullopt);  // app "billing.3" could be current
    const path_template by_host("/l/{host}.log");
    EXPECT_EQ(by_host.rotated_from("192.0.2.7.log"), std::nullopt);  // host 192.0.2.7's own file
    EXPECT_EQ(by_host.rotated_from("web.3.log.gz"), std::nullopt);
    const path_template dated("/l/{host}-{date}.log");
    EXPECT_EQ(dated.rotated_from("web-2026-12-01.3.log"), fs::path("web-2026-12-01.log"));
    EXPECT_EQ(dated.rotated_from("web-2026-12-01.log"), std::nullopt);
    EXPECT_EQ(dated.rotated_from("notes.3.log"), std::nullopt);
    const path_template by_level("/l/x/{level}.log");
    EXPECT_EQ(by_level.rotated_from("error.12.log"), fs::path("error.log"));
}

TEST(path_template, no_hostile_name_leaves_the_folder_or_names_a_device) {
    const path_template t("/srv/logs/{host}/{app}.log");
    for (const auto& name : hostile_names) {
        std::string out;
        t.expand(out, from(name, name), {});
        const auto p = t.folder() / detail::path_from_utf8(out);
        const auto normal = p.lexically_normal();
        EXPECT_EQ(normal, p) << "'" << name << "' -> " << out;
        const auto rel = normal.lexically_relative("/srv/logs");
        ASSERT_FALSE(rel.empty()) << out;
        EXPECT_NE(*rel.begin(), "..") << out;
        std::size_t parts = 0;
        for (const auto& part : rel) {
            ++parts;
            const auto text = detail::path_to_utf8(part);
            EXPECT_FALSE(is_device_name(text)) << out;
            EXPECT_NE(text, ".");
            EXPECT_NE(text, "..");
            EXPECT_LE(text.size(), max_name_value + 1 + 4) << out;  // a '_' before a device name, ".log"
        }
        EXPECT_EQ(parts, 2u) << out;
        EXPECT_TRUE(t.could_produce(rel)) << out;
    }
}

// ------------------------------------------------------------------ the files

TEST(file_output, a_file_per_host_with_at_most_max_open_files_open) {
    temp_dir dir;
    file_output out(file_config(dir.path() / "logs" / "{host}" / "{app}.log", 4), nullptr);
    std::map<std::string, std::vector<std::string>> sent;
    for (int round = 0; round < 5; ++round) {
        for (int h = 0; h < 20; ++h) {
            const auto host = "host" + std::to_string(h);
            const auto e = from(host, "app", "line " + std::to_string(round));
            write(out, e);
            sent[host].push_back(host + " line " + std::to_string(round));
            EXPECT_LE(out.open_files(), 4u);
        }
    }
    out.flush();
    for (const auto& [host, lines] : sent) EXPECT_EQ(read_lines(dir.path() / "logs" / host / "app.log"), lines) << host;
}

TEST(file_output, hostile_names_stay_below_the_folder) {
    temp_dir dir;
    const auto root = dir.path() / "in";
    file_output out(file_config(root / "logs" / "{host}" / "{app}.log", 8), nullptr);
    for (const auto& name : hostile_names) write(out, from(name, name, "x"));
    out.flush();
    // nothing beside logs/, and every file two levels below it
    std::size_t files = 0;
    for (const auto& f : fs::recursive_directory_iterator(dir.path())) {
        if (!f.is_regular_file()) continue;
        ++files;
        const auto rel = f.path().lexically_relative(root / "logs");
        EXPECT_EQ(std::distance(rel.begin(), rel.end()), 2) << f.path();
    }
    EXPECT_GE(files, 10u);
}

TEST(file_output, a_dated_path_switches_file_at_midnight) {
    temp_dir dir;
    auto now = clock::time_point(std::chrono::seconds(1796169598));  // 2026-12-01T23:59:58Z
    auto cfg = file_config(dir.path() / "{date}" / "{host}.log");
    file_output out(cfg, nullptr, [&] { return now; });
    write(out, from("a", "x", "before"));
    now += std::chrono::seconds(1);
    write(out, from("a", "x", "last second"));
    now += std::chrono::seconds(1);
    write(out, from("a", "x", "after"));
    out.flush();
    EXPECT_EQ(read_lines(dir.path() / "2026-12-01" / "a.log"), (std::vector<std::string>{"a before", "a last second"}));
    EXPECT_EQ(read_lines(dir.path() / "2026-12-02" / "a.log"), (std::vector<std::string>{"a after"}));
}

TEST(file_output, an_unwritable_file_loses_nothing_of_the_others) {
    temp_dir dir;
    std::vector<std::string> reports;
    file_output out(file_config(dir.path() / "{host}" / "x.log", 4),
                    [&](level, const std::string& text, report_kind) { reports.push_back(text); });
    // a file where host "bad"'s folder should be
    { std::ofstream(dir.path() / "bad") << "in the way"; }
    for (int i = 0; i < 3; ++i) {
        write(out, from("bad", "x", std::to_string(i)));
        write(out, from("good", "x", std::to_string(i)));
    }
    out.flush();
    EXPECT_EQ(read_lines(dir.path() / "good" / "x.log"), (std::vector<std::string>{"good 0", "good 1", "good 2"}));
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("bad"), std::string::npos) << reports[0];
    // the folder can be made now: what was kept is written
    fs::remove(dir.path() / "bad");
    write(out, from("bad", "x", "3"));
    out.flush();
    EXPECT_EQ(read_lines(dir.path() / "bad" / "x.log"), (std::vector<std::string>{"bad 0", "bad 1", "bad 2", "bad 3"}));
}

TEST(file_output, files_taking_turns_at_random_keep_their_lines_in_order) {
    // far more hosts than open files, in a random order: files are closed and
    // opened again all the time, which moves entries of the index around
    temp_dir dir;
    file_output out(file_config(dir.path() / "{host}.log", 16), nullptr);
    std::mt19937 random(42);
    std::map<std::string, std::vector<std::string>> sent;
    for (int i = 0; i < 20000; ++i) {
        const auto host = "h" + std::to_string(random() % 300);
        const auto e = from(host, "app", std::to_string(i));
        write(out, e);
        sent[host].push_back(host + " " + std::to_string(i));
        ASSERT_LE(out.open_files(), 16u);
        if (i % 3000 == 0) out.flush();
    }
    out.flush();
    for (const auto& [host, lines] : sent) EXPECT_EQ(read_lines(dir.path() / (host + ".log")), lines) << host;
}

TEST(file_output, lines_beyond_what_waits_for_a_flush_keep_their_order) {
    // more than the arena takes before a flush, and a line longer than it
    // takes at all, between two files
    temp_dir dir;
    auto cfg = file_config(dir.path() / "{host}.log");
    cfg.max_size = 1ull << 30;
    file_output out(cfg, nullptr);
    std::map<std::string, std::vector<std::string>> sent;
    const auto n = file_output::arena_limit / (256u << 10) + 4;
    for (std::size_t i = 0; i < n; ++i) {
        const auto host = i % 2 == 0 ? "a" : "b";
        const auto size = i == n / 2 ? file_output::arena_limit / 4 + 1 : (256u << 10);
        const auto msg = std::to_string(i) + std::string(size, 'x');
        write(out, from(host, "app", msg));
        sent[host].push_back(std::string(host) + " " + msg);
    }
    out.flush();
    for (const auto& [host, lines] : sent) {
        const auto got = read_lines(dir.path() / (host + ".log"));
        ASSERT_EQ(got.size(), lines.size()) << host;
        for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(got[i] == lines[i]) << host << " line " << i;
    }
}
