// rotation on windows while other programs hold the files open the way
// `type`, Get-Content or an editor do: without FILE_SHARE_DELETE, so that
// renaming them fails. nothing may be lost, and the collector must go on

#include <windows.h>

#include <slotlog/outputs.h>
#include <slotlog/rotating_file_sink.h>

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
using slotlog::testing::write;
using slotlog::testing::temp_dir;
namespace fs = std::filesystem;

// an open handle like a reader's: shares read and write, not delete
class held_file {
public:
    explicit held_file(const fs::path& p)
        : h_(::CreateFileW(p.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, nullptr)) {}
    ~held_file() { release(); }
    bool valid() const { return h_ != INVALID_HANDLE_VALUE; }
    void release() {
        if (valid()) ::CloseHandle(h_);
        h_ = INVALID_HANDLE_VALUE;
    }
private:
    HANDLE h_;
};

} // namespace

TEST(rotation_windows, a_reader_holding_the_current_file_loses_nothing_and_is_reported_once) {
    temp_dir dir;
    const auto path = dir / "slotlog.log";
    reports r;
    auto sink = make_sink(path, 1000, 3, r);
    sink->set_retry_pause(std::chrono::milliseconds(0));  // every write tries again
    write(*sink, "line 0000");
    sink->flush();

    held_file reader(path);
    ASSERT_TRUE(reader.valid());
    // 200 lines of ~10 bytes: a rotation is due many times over while held
    for (int i = 1; i < 200; ++i) write(*sink, fmt::format("line {:04}", i));
    sink->flush();
    const auto held = read_lines(path);
    ASSERT_EQ(held.size(), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(held[static_cast<std::size_t>(i)], fmt::format("line {:04}", i));
    ASSERT_EQ(r.seen.size(), 1u) << "reported once, not once per attempt";
    EXPECT_EQ(r.seen[0].first, level::error);
    // windows: "...being used by another process. (error 32)"; wine: "Sharing violation (error 32)"
    EXPECT_NE(r.seen[0].second.find("(error 32)"), std::string::npos) << r.seen[0].second;

    // the reader lets go: the next attempt rotates and says so
    reader.release();
    for (int i = 200; i < 300; ++i) write(*sink, fmt::format("line {:04}", i));
    sink->flush();
    ASSERT_GE(r.seen.size(), 2u);
    EXPECT_EQ(r.seen[1].first, level::notice);
    EXPECT_TRUE(fs::exists(rotating_file_sink::backup_path(path, 1)));
    // every line is still there: the held file became slotlog.1.log whole
    const auto kept = kept_lines(path, 3);
    ASSERT_EQ(kept.size(), 300u);
    for (int i = 0; i < 300; ++i) EXPECT_EQ(kept[static_cast<std::size_t>(i)], fmt::format("line {:04}", i));
}

TEST(rotation_windows, a_reader_holding_a_backup_blocks_the_shift_without_losing_lines) {
    temp_dir dir;
    const auto path = dir / "slotlog.log";
    reports r;
    auto sink = make_sink(path, 1000, 3, r);
    // fill until there is a backup to hold
    int next = 0;
    while (!fs::exists(rotating_file_sink::backup_path(path, 1))) write(*sink, fmt::format("line {:04}", next++));
    sink->flush();
    held_file reader(rotating_file_sink::backup_path(path, 1));
    ASSERT_TRUE(reader.valid());
    const int before_hold = next;
    for (int i = 0; i < 300; ++i) write(*sink, fmt::format("line {:04}", next++));
    sink->flush();
    ASSERT_EQ(r.seen.size(), 1u);
    // everything written since the hold is in the current file: the held backup
    // could not move, so the current one could not either, and kept growing
    const auto current = read_lines(path);
    ASSERT_FALSE(current.empty());
    EXPECT_EQ(current.back(), fmt::format("line {:04}", next - 1));
    EXPECT_GE(current.size(), static_cast<std::size_t>(next - before_hold));
}
