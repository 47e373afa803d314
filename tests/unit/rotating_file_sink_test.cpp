#include <slotlog/outputs.h>
#include <slotlog/rotating_file_sink.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sink_testing.h"

namespace {

using slotlog::level;
using slotlog::rotating_file_sink;
using slotlog::testing::kept_lines;
using slotlog::testing::make_sink;
using slotlog::testing::read_lines;
using slotlog::testing::reports;
using slotlog::testing::temp_dir;
using slotlog::testing::write;
namespace fs = std::filesystem;

std::size_t files_in(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

} // namespace

TEST(rotating_file_sink, backup_names_keep_the_extension) {
    EXPECT_EQ(rotating_file_sink::backup_path("logs/slotlog.log", 1), fs::path("logs/slotlog.1.log"));
    EXPECT_EQ(rotating_file_sink::backup_path("logs/slotlog.log", 12), fs::path("logs/slotlog.12.log"));
    EXPECT_EQ(rotating_file_sink::backup_path("slotlog", 2), fs::path("slotlog.2"));
}

TEST(rotating_file_sink, creates_missing_folders_and_appends_across_restarts) {
    temp_dir dir;
    const auto path = dir / "a/b/slotlog.log";
    reports r;
    {
        auto sink = make_sink(path, 1 << 20, 3, r);
        write(*sink, "first");
        sink->flush();
    }
    {
        auto sink = make_sink(path, 1 << 20, 3, r);
        write(*sink, "second");
        sink->flush();
    }
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"first", "second"}));
    EXPECT_TRUE(r.seen.empty());
}

TEST(rotating_file_sink, keeps_at_most_max_files_and_loses_no_line_of_the_kept_files) {
    temp_dir dir;
    const auto path = dir / "slotlog.log";
    constexpr std::uint32_t max_files = 4;
    constexpr std::uint64_t max_size = 1000;
    reports r;
    auto sink = make_sink(path, max_size, max_files, r);
    for (int i = 0; i < 2000; ++i) write(*sink, fmt::format("line {:06}", i));
    sink->flush();

    EXPECT_EQ(files_in(dir.path()), max_files);
    EXPECT_LE(fs::file_size(path), max_size);
    for (std::uint32_t i = 1; i < max_files; ++i) {
        EXPECT_LE(fs::file_size(rotating_file_sink::backup_path(path, i)), max_size);
    }
    // the kept files hold the newest lines, contiguous, in order, ending with the last
    const auto lines = kept_lines(path, max_files);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "line 001999");
    const int first = std::stoi(lines.front().substr(5));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        ASSERT_EQ(lines[i], fmt::format("line {:06}", first + static_cast<int>(i)));
    }
    // nearly max_files full files' worth: a rotation only happens when a file is full
    EXPECT_GT(lines.size(), (max_files - 1) * (max_size / 13));
    EXPECT_TRUE(r.seen.empty());
}

TEST(rotating_file_sink, a_single_file_starts_over_when_full) {
    temp_dir dir;
    const auto path = dir / "only.log";
    reports r;
    auto sink = make_sink(path, 100, 1, r);
    for (int i = 0; i < 50; ++i) write(*sink, fmt::format("entry {:04}", i));
    sink->flush();
    EXPECT_EQ(files_in(dir.path()), 1u);
    const auto lines = read_lines(path);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "entry 0049");
}

TEST(rotating_file_sink, a_failed_rotation_keeps_writing_to_the_current_file_and_reports_once) {
    temp_dir dir;
    const auto path = dir / "slotlog.log";
    reports r;
    auto sink = make_sink(path, 200, 2, r);
    // a folder where the backup must go: the oldest backup cannot be removed
    const auto blocker = rotating_file_sink::backup_path(path, 1);
    fs::create_directories(blocker / "busy");
    for (int i = 0; i < 100; ++i) write(*sink, fmt::format("kept {:04}", i));
    sink->flush();

    const auto lines = read_lines(path);
    ASSERT_EQ(lines.size(), 100u);  // nothing lost, nothing truncated
    for (int i = 0; i < 100; ++i) EXPECT_EQ(lines[static_cast<std::size_t>(i)], fmt::format("kept {:04}", i));
    ASSERT_EQ(r.seen.size(), 1u);
    EXPECT_EQ(r.seen[0].first, level::error);
    EXPECT_NE(r.seen[0].second.find("cannot rotate"), std::string::npos) << r.seen[0].second;

    // once the obstacle is gone, the next attempt (after the retry pause) works and says so
    fs::remove_all(blocker);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    write(*sink, "after");
    sink->flush();
    ASSERT_EQ(r.seen.size(), 2u);
    EXPECT_EQ(r.seen[1].first, level::notice);
    EXPECT_EQ(read_lines(path), std::vector<std::string>{"after"});
    EXPECT_EQ(read_lines(blocker).size(), 100u);
}

TEST(rotating_file_sink, rotate_on_demand_skips_an_empty_file) {
    temp_dir dir;
    const auto path = dir / "slotlog.log";
    reports r;
    auto sink = make_sink(path, 1 << 20, 3, r);
    EXPECT_TRUE(sink->rotate());
    EXPECT_FALSE(fs::exists(rotating_file_sink::backup_path(path, 1)));
    write(*sink, "one");
    EXPECT_TRUE(sink->rotate());
    write(*sink, "two");
    sink->flush();
    EXPECT_EQ(read_lines(rotating_file_sink::backup_path(path, 1)), std::vector<std::string>{"one"});
    EXPECT_EQ(read_lines(path), std::vector<std::string>{"two"});
}
