#include "sinks/file_upkeep.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "gzip_testing.h"
#include "sink_testing.h"
#include "sinks/gzip_file.h"
#include "wait_for.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using slotlog::file_upkeep;
using slotlog::path_family;
using slotlog::gz_path;
using slotlog::level;
using slotlog::rotating_file_sink;
using slotlog::upkeep_settings;
using slotlog::testing::eventually;
using slotlog::testing::reports;
using slotlog::testing::temp_dir;
using slotlog::testing::write;

void put(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

// the file was last written `age` ago
void age(const fs::path& p, std::chrono::seconds age) {
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
}

// a .gz's text, with windows' line ends as "\n"
std::string gunzip_text(const fs::path& p) {
    auto all = slotlog::testing::gunzip(p);
    std::erase(all, '\r');
    return all;
}

// every file below `dir`, relative, generic
std::set<std::string> names(const fs::path& dir) {
    std::set<std::string> all;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) all.insert(e.path().lexically_relative(dir).generic_string());
    }
    return all;
}

upkeep_settings settings_for(const fs::path& path) {
    upkeep_settings s;
    s.folder = path.parent_path();
    s.recursive = false;
    s.family = path_family(path);
    s.describe = path.string();
    return s;
}

bool settled(file_upkeep& u) { return eventually([&] { return u.idle(); }); }

bool reported(const reports& r, level l, const std::string& part) {
    return std::any_of(r.seen.begin(), r.seen.end(),
                       [&](const auto& s) { return s.first == l && s.second.find(part) != std::string::npos; });
}

} // namespace

TEST(file_family, a_fixed_path_owns_its_current_rotated_and_compressed_files_only) {
    const auto f = path_family("/var/log/slotlog/app.log");
    for (const char* ours : {"app.log", "app.1.log", "app.12.log", "app.3.log.gz", "app.3.log.gz.part"}) {
        EXPECT_TRUE(f.ours(ours)) << ours;
    }
    for (const char* not_ours : {"notes.txt", "other.log", "app.log.gz", "app.x.log", "app..log", "app.1.log.bak",
                                 "app.1.txt", "sub/app.1.log", "xapp.1.log", "app.1.log.gz.part.gz", "app.-1.log",
                                 "app.1.2.log"}) {
        EXPECT_FALSE(f.ours(not_ours)) << not_ours;
    }
    EXPECT_EQ(f.rotated_from("app.2.log"), fs::path("app.log"));
    EXPECT_FALSE(f.rotated_from("app.log"));
    EXPECT_FALSE(f.rotated_from("app.2.log.gz"));
    EXPECT_FALSE(f.rotated_from("other.2.log"));
    // without an extension, as rotating_file_sink::backup_path names them
    const auto bare = path_family("/logs/slotlog");
    EXPECT_TRUE(bare.ours("slotlog.2"));
    EXPECT_TRUE(bare.ours("slotlog.2.gz"));
    EXPECT_FALSE(bare.ours("slotlog.x"));
}

TEST(file_upkeep, max_age_deletes_old_files_of_ours_only_and_never_an_open_one) {
    temp_dir dir;
    const auto path = dir / "app.log";
    for (const char* name : {"app.log", "app.1.log", "app.2.log.gz", "app.3.log.gz.part", "app.4.log", "notes.txt",
                             "other.log", "app.x.log", "sub/app.1.log"}) {
        put(dir / name, std::string(1000, 'x'));
        age(dir / name, 40 * 24h);
    }
    put(dir / "app.5.log", "young\n");  // written an hour ago
    age(dir / "app.5.log", 1h);
    reports r;
    auto s = settings_for(path);
    s.max_age = 30 * 24h;
    file_upkeep u(s, r.reporter());
    u.hold(path);  // the sink's current file
    u.start();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.5.log", "notes.txt", "other.log",
                                                        "app.x.log", "sub/app.1.log"}));
    // recovery removed the .part, retention the rest: one notice with the count
    EXPECT_TRUE(reported(r, level::notice, fmt::format("retention deleted 3 file(s) (0.0 MiB) of {} older than 30d",
                                                       path.string())));

    // released: the old current file goes at the next check
    u.release(path);
    u.check_now();
    ASSERT_TRUE(settled(u));
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(fs::exists(dir / "app.5.log"));
}

TEST(file_upkeep, max_total_size_deletes_the_oldest_first_until_under) {
    temp_dir dir;
    const auto path = dir / "app.log";
    // oldest first: app.log (held, the oldest), .4.log.gz, .3.log.gz, .2.log, .1.log
    const std::vector<std::pair<std::string, int>> files{
        {"app.log", 50}, {"app.4.log.gz", 40}, {"app.3.log.gz", 30}, {"app.2.log", 20}, {"app.1.log", 10}};
    for (const auto& [name, hours] : files) {
        put(dir / name, std::string(1000, 'x'));
        age(dir / name, std::chrono::hours(hours));
    }
    put(dir / "notes.txt", std::string(100000, 'n'));  // not ours: not counted, not deleted
    age(dir / "notes.txt", 100h);
    reports r;
    auto s = settings_for(path);
    s.max_total_size = 2500;  // 5000 now; the held one cannot go: .4, .3 and .2 go (3000 is still over)
    file_upkeep u(s, r.reporter());
    u.hold(path);
    u.start();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.1.log", "notes.txt"}));
    EXPECT_TRUE(reported(r, level::notice, "retention deleted 3 file(s)"));

    // under the limit: nothing more
    u.check_now();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.1.log", "notes.txt"}));
}

TEST(file_upkeep, recovery_finishes_what_a_crash_left) {
    temp_dir dir;
    const auto path = dir / "app.log";
    put(path, "current\n");
    // crash after the rename, before the delete: the .log goes, the .gz stays
    put(dir / "app.1.log", "one\n");
    ASSERT_FALSE(slotlog::gzip_file(dir / "app.1.log").error);
    put(dir / "app.1.log", "one\n");
    // crash while compressing: the .part goes, the .log is compressed again
    put(dir / "app.2.log", "two\n");
    put(dir / "app.2.log.gz.part", "\x1f\x8b half");
    // never compressed (compress was off, or a stop came first)
    put(dir / "app.3.log", "three\n");
    put(dir / "other.1.log", "not ours\n");
    reports r;
    auto s = settings_for(path);
    s.compress = true;
    file_upkeep u(s, r.reporter());
    u.hold(path);
    u.start();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.1.log.gz", "app.2.log.gz", "app.3.log.gz",
                                                        "other.1.log"}));
    EXPECT_EQ(gunzip_text(dir / "app.1.log.gz"), "one\n");
    EXPECT_EQ(gunzip_text(dir / "app.2.log.gz"), "two\n");
    EXPECT_EQ(gunzip_text(dir / "app.3.log.gz"), "three\n");
    EXPECT_TRUE(reported(r, level::notice, "1 unfinished .gz.part file(s) removed, 1 file(s) deleted that were "
                                           "compressed already, 2 rotated file(s) to compress"));
}

TEST(file_upkeep, recovery_without_compress_leaves_rotated_files_as_they_are) {
    temp_dir dir;
    const auto path = dir / "app.log";
    put(dir / "app.1.log", "one\n");
    put(dir / "app.2.log.gz.part", "half");
    reports r;
    auto s = settings_for(path);
    s.max_age = 30 * 24h;
    file_upkeep u(s, r.reporter());
    u.start();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.1.log"}));
}

TEST(file_upkeep, a_rotation_chain_with_gzip) {
    temp_dir dir;
    const auto path = dir / "app.log";
    reports r;
    auto s = settings_for(path);
    s.compress = true;
    auto u = std::make_shared<file_upkeep>(s, r.reporter());
    auto sink = std::make_shared<rotating_file_sink>(path, 1 << 20, 3, r.reporter(), u);
    sink->set_formatter(std::make_unique<slotlog::line_formatter>());
    // six batches, five rotations; no waiting in between: a rotation waits for the job before it
    for (int batch = 1; batch <= 6; ++batch) {
        for (int i = 0; i < 1000; ++i) write(*sink, fmt::format("batch {} line {}", batch, i));
        if (batch < 6) {
            ASSERT_TRUE(sink->rotate());
        }
    }
    sink->flush();
    ASSERT_TRUE(settled(*u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.1.log.gz", "app.2.log.gz"}));
    auto batch_text = [](int batch) {
        std::string s;
        for (int i = 0; i < 1000; ++i) s += fmt::format("batch {} line {}\n", batch, i);
        return s;
    };
    EXPECT_EQ(gunzip_text(dir / "app.2.log.gz"), batch_text(4));
    EXPECT_EQ(gunzip_text(dir / "app.1.log.gz"), batch_text(5));
    auto current = slotlog::testing::read_all(path);
    std::erase(current, '\r');
    EXPECT_EQ(current, batch_text(6));
    EXPECT_TRUE(r.seen.empty()) << r.seen.front().second;
}

TEST(file_upkeep, a_rotation_chain_moves_an_uncompressed_backup_too) {
    temp_dir dir;
    const auto path = dir / "app.log";
    reports r;
    auto s = settings_for(path);
    s.compress = true;
    auto u = std::make_shared<file_upkeep>(s, r.reporter());
    {
        auto sink = std::make_shared<rotating_file_sink>(path, 1 << 20, 4, r.reporter(), u);
        sink->set_formatter(std::make_unique<slotlog::line_formatter>());
        write(*sink, "a");
        ASSERT_TRUE(sink->rotate());
        write(*sink, "b");
        ASSERT_TRUE(sink->rotate());
        write(*sink, "c");
        sink->flush();
        ASSERT_TRUE(settled(*u));
    }
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.log", "app.1.log.gz", "app.2.log.gz"}));
    EXPECT_EQ(gunzip_text(dir / "app.2.log.gz"), "a\n");
    EXPECT_EQ(gunzip_text(dir / "app.1.log.gz"), "b\n");
}

TEST(file_upkeep, the_destructor_joins_with_jobs_queued) {
    temp_dir dir;
    const auto path = dir / "app.log";
    for (int i = 1; i <= 5; ++i) put(dir / fmt::format("app.{}.log", i), std::string(1 << 20, 'x'));
    reports r;
    auto s = settings_for(path);
    s.compress = true;
    {
        file_upkeep u(s, r.reporter());
        u.start();
    }
    // whatever was left is whole: each index is a .log or a complete .gz, never a .part
    for (int i = 1; i <= 5; ++i) {
        const auto log = dir / fmt::format("app.{}.log", i);
        EXPECT_NE(fs::exists(log), fs::exists(gz_path(log))) << i;
        if (fs::exists(gz_path(log))) {
            EXPECT_TRUE(slotlog::gzip_complete(gz_path(log)));
        }
    }
    const auto left = names(dir.path());
    EXPECT_FALSE(std::any_of(left.begin(), left.end(), [](const std::string& n) { return n.ends_with(".part"); }));
}

TEST(file_upkeep, age_and_size_in_one_round_are_one_notice) {
    temp_dir dir;
    const auto path = dir / "app.log";
    for (int i = 1; i <= 4; ++i) {
        put(dir / fmt::format("app.{}.log", i), std::string(1000, 'x'));
        age(dir / fmt::format("app.{}.log", i), std::chrono::hours(i == 4 ? 24 * 40 : i));
    }
    reports r;
    auto s = settings_for(path);
    s.max_age = 30 * 24h;  // .4 goes by age
    s.max_total_size = 1500;  // then .3 and .2 by size
    file_upkeep u(s, r.reporter());
    u.start();
    ASSERT_TRUE(settled(u));
    EXPECT_EQ(names(dir.path()), (std::set<std::string>{"app.1.log"}));
    ASSERT_EQ(r.seen.size(), 1u);
    EXPECT_EQ(r.seen[0].second, fmt::format("retention deleted 1 file(s) (0.0 MiB) of {} older than 30d, and 2 file(s) "
                                            "(0.0 MiB) more, the oldest, to keep them within 1500 bytes",
                                            path.string()));
}
