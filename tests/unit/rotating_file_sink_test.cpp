#include <slotlog/outputs.h>
#include <slotlog/rotating_file_sink.h>

#include <algorithm>
#include <fstream>
#include <thread>

#if !defined(_WIN32)
#include <csignal>

#include <sys/resource.h>
#endif

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
    sink->set_retry_pause(std::chrono::milliseconds(0));  // every write tries again
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

    // once the obstacle is gone, the next attempt works and says so
    fs::remove_all(blocker);
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

namespace {

// the open file moved away and a folder in its place: the file cannot be
// opened again (portable: windows keeps the folder of an open file)
void block_file(const fs::path& path) {
    fs::rename(path, fs::path(path) += ".moved");
    fs::create_directory(path);
}

std::size_t count_of(const reports& r, level l, const std::string& text) {
    return static_cast<std::size_t>(std::count_if(r.seen.begin(), r.seen.end(), [&](const auto& s) {
        return s.first == l && s.second.find(text) != std::string::npos;
    }));
}

} // namespace

TEST(rotating_file_sink, writes_whole_lines_only) {
    temp_dir dir;
    const auto path = dir / "whole.log";
    reports r;
    auto sink = make_sink(path, 1 << 30, 2, r);
    // more than one buffer's worth, never flushed: what reached the file ends with a whole line
    const int n = 10000;
    for (int i = 0; i < n; ++i) write(*sink, fmt::format("line {:06} of a few more bytes", i));
    const auto raw = slotlog::testing::read_all(path);
    ASSERT_FALSE(raw.empty()) << "a full buffer is written without a flush";
    EXPECT_EQ(raw.back(), '\n');
    const auto written = read_lines(path);
    ASSERT_LT(written.size(), static_cast<std::size_t>(n)) << "the last lines are still buffered";
    for (std::size_t i = 0; i < written.size(); ++i) ASSERT_EQ(written[i], fmt::format("line {:06} of a few more bytes", i));
    sink->flush();
    EXPECT_EQ(read_lines(path).size(), static_cast<std::size_t>(n));
    EXPECT_TRUE(r.seen.empty());
}

TEST(rotating_file_sink, a_torn_last_line_left_by_a_crash_is_ended_before_the_next) {
    temp_dir dir;
    const auto path = dir / "torn.log";
    std::ofstream(path, std::ios::binary) << "complete\ntorn in the mid";
    reports r;
    {
        auto sink = make_sink(path, 1 << 20, 2, r);
        write(*sink, "next");
        sink->flush();
    }
    EXPECT_EQ(read_lines(path), (std::vector<std::string>{"complete", "torn in the mid", "next"}));
    // a clean file gets no empty line
    {
        auto sink = make_sink(path, 1 << 20, 2, r);
        write(*sink, "after a clean stop");
        sink->flush();
    }
    EXPECT_EQ(read_lines(path).back(), "after a clean stop");
    EXPECT_EQ(read_lines(path).size(), 4u);
}

TEST(rotating_file_sink, a_file_moved_away_while_open_is_created_again_and_reported) {
    temp_dir dir;
    const auto path = dir / "moved.log";
    reports r;
    auto sink = make_sink(path, 1 << 20, 2, r);
    write(*sink, "before");
    sink->flush();
    fs::rename(path, dir / "elsewhere.log");
    write(*sink, "after");
    sink->flush();
    EXPECT_EQ(read_lines(dir / "elsewhere.log"), std::vector<std::string>{"before"});
    EXPECT_EQ(read_lines(path), std::vector<std::string>{"after"});
    ASSERT_EQ(r.seen.size(), 1u);
    EXPECT_EQ(r.seen[0].first, level::warning);
    EXPECT_NE(r.seen[0].second.find(path.string()), std::string::npos) << r.seen[0].second;
    EXPECT_NE(r.seen[0].second.find("deleted or moved away"), std::string::npos) << r.seen[0].second;
}

TEST(rotating_file_sink, a_deleted_folder_is_created_again_and_reported) {
    temp_dir dir;
    const auto path = dir / "logs/gone.log";
    reports r;
    auto sink = make_sink(path, 1 << 20, 2, r);
    write(*sink, "before");
    sink->flush();
    std::error_code ec;
    fs::remove_all(dir / "logs", ec);
    if (ec || fs::exists(path)) GTEST_SKIP() << "this system keeps an open file's folder: " << ec.message();
    write(*sink, "after");
    sink->flush();
    EXPECT_EQ(read_lines(path), std::vector<std::string>{"after"});
    EXPECT_EQ(count_of(r, level::warning, "deleted or moved away"), 1u);
    EXPECT_EQ(r.seen.size(), 1u);
}

TEST(rotating_file_sink, a_file_that_cannot_be_opened_again_keeps_the_lines_reports_and_retries) {
    temp_dir dir;
    const auto path = dir / "kept.log";
    reports r;
    auto sink = make_sink(path, 1 << 20, 2, r);
    sink->set_retry_pause(std::chrono::milliseconds(0));  // every flush tries again
    write(*sink, "line 0");
    sink->flush();
    block_file(path);
    for (int i = 1; i < 100; ++i) write(*sink, fmt::format("line {}", i));
    sink->flush();
    sink->flush();  // a retry that fails again reports nothing new
    EXPECT_EQ(count_of(r, level::warning, "deleted or moved away"), 1u);
    ASSERT_EQ(count_of(r, level::error, "cannot write to " + path.string()), 1u);
    EXPECT_EQ(sink->lost_lines(), 0u);

    fs::remove(path);
    write(*sink, "line 100");
    sink->flush();
    std::vector<std::string> expected;
    for (int i = 1; i <= 100; ++i) expected.push_back(fmt::format("line {}", i));
    EXPECT_EQ(read_lines(path), expected);
    ASSERT_EQ(count_of(r, level::notice, "works again, no line lost"), 1u);
    EXPECT_EQ(r.seen.size(), 3u);
}

TEST(rotating_file_sink, lines_beyond_the_memory_bound_are_lost_counted_and_reported) {
    temp_dir dir;
    const auto path = dir / "bound.log";
    reports r;
    auto sink = make_sink(path, 1 << 30, 2, r);
    write(*sink, "first");
    sink->flush();
    block_file(path);
    // 100-byte lines, twice what memory may keep
    const int n = static_cast<int>(2 * rotating_file_sink::max_pending / 100);
    for (int i = 0; i < n; ++i) write(*sink, fmt::format("{:099}", i));
    sink->flush();  // tried again: fails again, reported once
    const auto lost = sink->lost_lines();
    EXPECT_GT(lost, static_cast<std::uint64_t>(n / 3));
    EXPECT_LT(lost, static_cast<std::uint64_t>(n));
    EXPECT_EQ(count_of(r, level::error, "cannot write to"), 1u);
    EXPECT_EQ(count_of(r, level::warning, "lost so far"), 1u) << "the first loss at once, then once a minute";

    fs::remove(path);
    sink->flush();
    const auto lines = read_lines(path);
    // the oldest lines are kept, the newest lost: contiguous from the first
    ASSERT_EQ(lines.size() + lost, static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < lines.size(); ++i) ASSERT_EQ(lines[i], fmt::format("{:099}", i));
    EXPECT_EQ(count_of(r, level::notice, fmt::format("works again, {} line(s) lost", lost)), 1u);
    EXPECT_EQ(sink->lost_lines(), 0u);
}

#if !defined(_WIN32)
// a write cut short (a full disk; here a file size limit, which fails the same
// way: part of the chunk written, then an error) leaves no partial line
TEST(rotating_file_sink, a_short_write_is_taken_back_whole) {
    temp_dir dir;
    const auto path = dir / "short.log";
    reports r;
    auto sink = make_sink(path, 1 << 30, 2, r);
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 100000;  // one buffer fits, the second only in part
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const int n = 1500;
    for (int i = 0; i < n; ++i) write(*sink, fmt::format("{:099}", i));
    sink->flush();
    const auto raw = slotlog::testing::read_all(path);
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);

    ASSERT_FALSE(raw.empty());
    EXPECT_LT(raw.size(), 100000u);
    EXPECT_EQ(raw.size() % 100, 0u) << "whole lines only";
    EXPECT_EQ(raw.back(), '\n');
    ASSERT_EQ(count_of(r, level::error, "cannot write to"), 1u);
    EXPECT_NE(r.seen[0].second.find("too large"), std::string::npos) << r.seen[0].second;

    // the limit is gone: everything kept in memory follows, nothing lost
    sink->flush();
    const auto lines = read_lines(path);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) ASSERT_EQ(lines[static_cast<std::size_t>(i)], fmt::format("{:099}", i));
    EXPECT_EQ(count_of(r, level::notice, "works again, no line lost"), 1u);
}
#endif
