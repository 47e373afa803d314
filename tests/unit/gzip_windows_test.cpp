// gzip of a rotated file on windows while a reader holds it open: `slotlog
// tail` opens with FILE_SHARE_DELETE, so the delete after the .gz works; a
// reader without it (type, an editor) keeps the file, which is said and
// retried, and the .gz is complete either way

#include <windows.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "sinks/gzip_file.h"
#include "test_files.h"

namespace {

namespace fs = std::filesystem;
using slotlog::gz_path;
using slotlog::gzip_complete;
using slotlog::gzip_file;
using slotlog::testing::temp_dir;

HANDLE open_reader(const fs::path& p, DWORD share) {
    return ::CreateFileW(p.c_str(), GENERIC_READ, share, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
}

void put(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

} // namespace

TEST(gzip_windows, a_reader_sharing_delete_does_not_stop_the_delete) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    put(file, std::string(100000, 'a') + "\n");
    const HANDLE h = open_reader(file, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);
    ASSERT_NE(h, INVALID_HANDLE_VALUE);
    const auto r = gzip_file(file);
    ::CloseHandle(h);
    ASSERT_FALSE(r.error) << *r.error;
    EXPECT_FALSE(r.kept) << *r.kept;
    EXPECT_FALSE(fs::exists(file));
    EXPECT_TRUE(gzip_complete(gz_path(file)));
}

TEST(gzip_windows, a_reader_not_sharing_delete_keeps_the_file_and_a_retry_deletes_it) {
    temp_dir dir;
    const auto file = dir / "app.1.log";
    put(file, "held\n");
    const HANDLE h = open_reader(file, FILE_SHARE_READ | FILE_SHARE_WRITE);
    ASSERT_NE(h, INVALID_HANDLE_VALUE);
    const auto r = gzip_file(file);
    EXPECT_FALSE(r.error);
    EXPECT_TRUE(r.kept);
    EXPECT_TRUE(fs::exists(file));
    EXPECT_TRUE(gzip_complete(gz_path(file)));
    ::CloseHandle(h);
    // the retry (retention's check, or the next start) finds the complete .gz and only deletes
    const auto again = gzip_file(file);
    EXPECT_FALSE(again.error);
    EXPECT_TRUE(again.earlier);
    EXPECT_FALSE(again.kept);
    EXPECT_FALSE(fs::exists(file));
}
