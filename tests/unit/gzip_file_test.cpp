#include "sinks/gzip_file.h"

#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "gzip_testing.h"
#include "test_files.h"

namespace {

namespace fs = std::filesystem;
using slotlog::gz_part_path;
using slotlog::gz_path;
using slotlog::testing::gunzip;
using slotlog::gzip_complete;
using slotlog::gzip_file;
using slotlog::testing::read_all;
using slotlog::testing::temp_dir;

void put(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string some_lines(int n, const char* tag = "line") {
    std::string s;
    for (int i = 0; i < n; ++i) s += fmt::format("{} {:07} host app some message text {}\n", tag, i, i * 7919 % 1000);
    return s;
}

} // namespace

TEST(gzip_file, round_trip_through_zlibs_reader) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    const auto text = some_lines(100000);  // several chunks of input and output
    put(file, text);
    const auto r = gzip_file(file);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_FALSE(r.kept);
    EXPECT_FALSE(r.earlier);
    EXPECT_EQ(r.in, text.size());
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(fs::exists(gz_part_path(file)));
    ASSERT_TRUE(fs::exists(gz_path(file)));
    EXPECT_EQ(r.out, fs::file_size(gz_path(file)));
    EXPECT_LT(r.out, text.size() / 3);
    EXPECT_TRUE(gzip_complete(gz_path(file)));
    EXPECT_EQ(gunzip(gz_path(file)), text);
}

TEST(gzip_file, an_empty_file_is_an_empty_gzip) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    put(file, "");
    ASSERT_FALSE(gzip_file(file).error);
    EXPECT_TRUE(gzip_complete(gz_path(file)));
    EXPECT_EQ(gunzip(gz_path(file)), "");
}

TEST(gzip_file, a_half_written_gzip_is_not_complete) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    put(file, some_lines(20000));
    ASSERT_FALSE(gzip_file(file).error);
    const auto whole = read_all(gz_path(file));
    const auto cut = dir / "cut.gz";
    for (const auto size : {std::size_t{0}, std::size_t{10}, whole.size() / 2, whole.size() - 1}) {
        put(cut, whole.substr(0, size));
        EXPECT_FALSE(gzip_complete(cut)) << size;
    }
    put(cut, whole);
    EXPECT_TRUE(gzip_complete(cut));
    put(cut, "not gzip at all\n");
    EXPECT_FALSE(gzip_complete(cut));
    // two members, as `cat a.gz b.gz` makes: whole
    put(cut, whole + whole);
    EXPECT_TRUE(gzip_complete(cut));
    put(cut, whole + whole.substr(0, 100));
    EXPECT_FALSE(gzip_complete(cut));
    EXPECT_FALSE(gzip_complete(dir / "missing.gz"));
}

TEST(gzip_file, a_part_leftover_is_not_taken_for_done) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    const auto text = some_lines(20000);
    put(file, text);
    // a crash in the middle of an earlier compression
    put(gz_part_path(file), "\x1f\x8b\x08\x00 half");
    const auto r = gzip_file(file);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_FALSE(r.earlier);
    EXPECT_FALSE(fs::exists(gz_part_path(file)));
    EXPECT_FALSE(fs::exists(file));
    EXPECT_EQ(gunzip(gz_path(file)), text);
}

TEST(gzip_file, a_broken_gz_beside_the_file_is_made_again) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    const auto text = some_lines(20000);
    put(file, text);
    ASSERT_FALSE(gzip_file(file).error);
    const auto whole = read_all(gz_path(file));
    put(file, text);
    put(gz_path(file), whole.substr(0, whole.size() / 2));
    const auto r = gzip_file(file);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_FALSE(r.earlier);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_EQ(gunzip(gz_path(file)), text);
}

TEST(gzip_file, an_existing_complete_gz_is_never_replaced) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    put(file, "the earlier content\n");
    ASSERT_FALSE(gzip_file(file).error);
    // the crash came after the rename, before the delete
    put(file, "the earlier content\n");
    const auto r = gzip_file(file);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_TRUE(r.earlier);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_EQ(gunzip(gz_path(file)), "the earlier content\n");

    // whatever the file holds, a complete .gz stays as it is
    put(file, "something else\n");
    EXPECT_TRUE(gzip_file(file).earlier);
    EXPECT_EQ(gunzip(gz_path(file)), "the earlier content\n");
}

TEST(gzip_file, a_missing_file_fails_and_makes_nothing) {
    temp_dir dir;
    const auto r = gzip_file(dir / "gone.1.log");
    EXPECT_TRUE(r.error);
    EXPECT_FALSE(fs::exists(gz_path(dir / "gone.1.log")));
    EXPECT_FALSE(fs::exists(gz_part_path(dir / "gone.1.log")));
}
