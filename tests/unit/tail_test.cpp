#include <gtest/gtest.h>

#include <entry_filter.h>
#include <folder_tail.h>
#include <tail.h>

#include <slotlog/detail/utf8.h>

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "wait_for.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using slotlog::level;

namespace {

// what run_tail prints, readable while it is still printing
class shared_output : public std::streambuf {
public:
    std::string str() {
        std::lock_guard<std::mutex> lock(mutex_);
        return data_;
    }

protected:
    int_type overflow(int_type c) override {
        if (c != traits_type::eof()) {
            std::lock_guard<std::mutex> lock(mutex_);
            data_ += traits_type::to_char_type(c);
        }
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        std::lock_guard<std::mutex> lock(mutex_);
        data_.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    std::mutex mutex_;
    std::string data_;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void write_file(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

void append_file(const fs::path& path, const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::app) << content;
}

// `content` as one gzip member, made with zlib as the collector's compressor would
std::string gzip(const std::string& content) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    std::string out(deflateBound(&z, static_cast<uLong>(content.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    z.avail_in = static_cast<uInt>(content.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : std::string();
}

std::string numbered(int from, int to, const std::string& prefix = "line ") {
    std::string out;
    for (int i = from; i < to; ++i) out += prefix + std::to_string(i) + "\n";
    return out;
}

class tail : public ::testing::Test {
protected:
    void SetUp() override {
        static std::mt19937_64 rng{std::random_device{}()};
        dir_ = fs::temp_directory_path() / ("slotlog-tail-test-" + std::to_string(rng() % 1000000000));
        fs::create_directories(dir_);
        log_ = dir_ / "app.log";
        options_.path = log_;
        options_.poll_interval = 20ms;
        options_.on_poll = [this] { polls_.fetch_add(1); };
    }
    void TearDown() override {
        stop_ = true;
        if (follower_.joinable()) follower_.join();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // runs without following and returns what was printed
    std::string once() {
        std::ostringstream out, err;
        std::atomic<bool> stop{false};
        rc_ = slotlog::run_tail(options_, out, err, stop);
        err_ = err.str();
        return out.str();
    }

    void start_following() {
        options_.follow = true;
        follower_ = std::thread([this] { rc_ = slotlog::run_tail(options_, out_stream_, err_stream_, stop_); });
    }

    // waits until the follower has printed text (to standard error: said)
    bool printed(const std::string& text, std::chrono::milliseconds limit = 10s) {
        return slotlog::testing::eventually([&] { return out_.str().find(text) != std::string::npos; }, limit);
    }
    bool said(const std::string& text, std::chrono::milliseconds limit = 10s) {
        return slotlog::testing::eventually([&] { return err_out_.str().find(text) != std::string::npos; }, limit);
    }

    // waits until the follower has looked at the file anew since the call:
    // two more polls, so that one began after whatever the caller wrote
    bool looked_again(std::chrono::milliseconds limit = 10s) {
        const auto seen = polls_.load();
        return slotlog::testing::eventually([&] { return polls_.load() >= seen + 2; }, limit);
    }

    std::string stop_following() {
        stop_ = true;
        follower_.join();
        return out_.str();
    }

    fs::path dir_, log_;
    slotlog::tail_options options_;
    int rc_ = -1;
    std::string err_;
    shared_output out_;
    std::ostream out_stream_{&out_};
    shared_output err_out_;
    std::ostream err_stream_{&err_out_};
    std::atomic<bool> stop_{false};
    std::atomic<int> polls_{0};
    std::thread follower_;
};

const std::string text_lines =
    "2026-11-24T21:17:35.000001Z INFO web01 billing[42]: started\n"
    "2026-11-24T21:17:35.000002Z WARNING web01 billing[42]: disk 91% full\n"
    "2026-11-24T21:17:35.000003Z DEBUG web01 billing[42]: checked ERROR count\n"
    "2026-11-24T21:17:35.000004Z ERROR - -[-]: failed\n"
    "2026-11-24T21:17:35.000005Z NOTICE web01 billing[42]: done\n"
    "2026-11-24T21:17:35.000006Z CRITICAL web01 billing[42]: gone\n";

const std::string json_lines =
    R"({"time":"2026-11-24T21:17:35.1Z","level":"info","host":"web01","app":null,"pid":1,"seq":1,"slot":"logger","msg":"a"})" "\n"
    R"({"time":"2026-11-24T21:17:35.2Z","level":"warning","host":"web01","app":null,"pid":1,"seq":2,"slot":"logger","msg":"b \"level\":\"trace\""})" "\n"
    R"({"time":"2026-11-24T21:17:35.3Z","level":"debug","host":"web01","app":null,"pid":1,"seq":3,"slot":"logger","msg":"c","extra":{"level":"error"}})" "\n"
    R"({"time":"2026-11-24T21:17:35.4Z", "level": "error","msg":"d"})" "\n";

} // namespace

TEST(tail_line_level, text_and_json) {
    EXPECT_EQ(slotlog::line_level("2026-11-24T21:17:35.539204Z WARNING WEB01 billing[42]: x"), level::warning);
    EXPECT_EQ(slotlog::line_level("2026-11-24T21:17:35.539204Z CRITICAL - -[-]: x\r"), level::critical);
    EXPECT_EQ(slotlog::line_level(R"({"time":"t","level":"notice","msg":"x"})"), level::notice);
    EXPECT_EQ(slotlog::line_level(R"({"level":"warn","msg":"x"})"), level::warning);
    EXPECT_EQ(slotlog::line_level(R"({"msg":"x","extra":{"level":"error"}})"), std::nullopt);
    EXPECT_EQ(slotlog::line_level("hello error world"), std::nullopt);
    EXPECT_EQ(slotlog::line_level("2026-11-24T21:17:35Z"), std::nullopt);
    EXPECT_EQ(slotlog::line_level(""), std::nullopt);
    EXPECT_EQ(slotlog::line_level("{not json"), std::nullopt);
}

TEST_F(tail, last_ten_by_default) {
    write_file(log_, numbered(0, 25));
    EXPECT_EQ(once(), numbered(15, 25));
    EXPECT_EQ(rc_, 0);
}

TEST_F(tail, last_n) {
    write_file(log_, numbered(0, 25));
    options_.lines = 3;
    EXPECT_EQ(once(), numbered(22, 25));
    options_.lines = 100;
    EXPECT_EQ(once(), numbered(0, 25));
    options_.lines = 0;
    EXPECT_EQ(once(), "");
}

TEST_F(tail, empty_and_blank_lines) {
    write_file(log_, "");
    EXPECT_EQ(once(), "");
    write_file(log_, "a\n\n\nb\n");
    options_.lines = 3;
    EXPECT_EQ(once(), "\n\nb\n");
}

TEST_F(tail, unfinished_last_line_counts_as_an_entry) {
    write_file(log_, "a\nb\nc");
    options_.lines = 2;
    EXPECT_EQ(once(), "b\nc\n");
    options_.lines = 0;
    EXPECT_EQ(once(), "");
    write_file(dir_ / "app.1.log", "x\ny");
    write_file(log_, "c\n");
    options_.lines = 2;
    EXPECT_EQ(once(), "y\nc\n") << "a backup's unfinished last line too";
}

TEST_F(tail, across_read_chunks) {
    // lines of every length around the 64 KiB chunks read from the end
    std::string content;
    std::vector<std::string> lines;
    for (int i = 0; i < 3000; ++i) {
        lines.push_back(std::to_string(i) + ":" + std::string(static_cast<std::size_t>(i * 7 % 151), 'x'));
        content += lines.back() + "\n";
    }
    lines.push_back(std::string(200 * 1024, 'y'));  // longer than a chunk
    content += lines.back() + "\n";
    write_file(log_, content);
    options_.lines = 2500;
    const auto got = lines_of(once());
    ASSERT_EQ(got.size(), 2500u);
    EXPECT_TRUE(std::equal(got.begin(), got.end(), lines.end() - 2500));
}

TEST_F(tail, level_filter_on_text_lines) {
    write_file(log_, text_lines);
    options_.min_level = level::warning;
    EXPECT_EQ(lines_of(once()), (std::vector<std::string>{
                                    "2026-11-24T21:17:35.000002Z WARNING web01 billing[42]: disk 91% full",
                                    "2026-11-24T21:17:35.000004Z ERROR - -[-]: failed",
                                    "2026-11-24T21:17:35.000006Z CRITICAL web01 billing[42]: gone"}));
    // the last n entries that pass the filter
    options_.lines = 2;
    options_.min_level = level::notice;
    EXPECT_EQ(lines_of(once()), (std::vector<std::string>{"2026-11-24T21:17:35.000005Z NOTICE web01 billing[42]: done",
                                                          "2026-11-24T21:17:35.000006Z CRITICAL web01 billing[42]: gone"}));
}

TEST_F(tail, level_filter_on_json_lines) {
    write_file(log_, json_lines);
    options_.min_level = level::warning;
    const auto got = lines_of(once());
    ASSERT_EQ(got.size(), 2u);
    EXPECT_NE(got[0].find(R"("seq":2)"), std::string::npos);
    EXPECT_NE(got[1].find(R"("msg":"d")"), std::string::npos);
}

TEST_F(tail, level_filter_keeps_the_newest_from_far_back) {
    std::string content = "2026-11-24T21:17:35.000000Z ERROR h a[1]: the only one\n";
    for (int i = 0; i < 20000; ++i) content += "2026-11-24T21:17:35.000001Z INFO h a[1]: chatter\n";
    write_file(log_, content);
    options_.min_level = level::error;
    EXPECT_EQ(once(), "2026-11-24T21:17:35.000000Z ERROR h a[1]: the only one\n");
}

TEST_F(tail, missing_file_without_follow_fails) {
    EXPECT_EQ(once(), "");
    EXPECT_EQ(rc_, 1);
    EXPECT_NE(err_.find("cannot open"), std::string::npos) << err_;
}

TEST_F(tail, follow_prints_only_complete_lines) {
    write_file(log_, numbered(0, 3) + "unfinished");
    options_.lines = 2;
    start_following();
    ASSERT_TRUE(printed("line 2\n"));
    EXPECT_EQ(out_.str(), "line 1\nline 2\n");
    append_file(log_, " now fin");
    ASSERT_TRUE(looked_again());
    EXPECT_EQ(out_.str(), "line 1\nline 2\n") << "a part of a line is not printed";
    append_file(log_, "ished\nnext\n");
    ASSERT_TRUE(printed("next\n"));
    EXPECT_EQ(stop_following(), "line 1\nline 2\nunfinished now finished\nnext\n");
    EXPECT_EQ(rc_, 0);
}

TEST_F(tail, follow_applies_the_level_filter) {
    write_file(log_, "");
    options_.min_level = level::error;
    start_following();
    ASSERT_TRUE(looked_again());  // following the empty file: what comes is followed, not read as the last lines
    append_file(log_, text_lines + json_lines);
    ASSERT_TRUE(printed(R"("msg":"d"})"));
    const auto got = lines_of(stop_following());
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NE(got[0].find(" ERROR "), std::string::npos);
    EXPECT_NE(got[1].find(" CRITICAL "), std::string::npos);
}

TEST_F(tail, follows_across_rotations) {
    write_file(log_, numbered(0, 5));
    options_.lines = 100;
    start_following();
    ASSERT_TRUE(printed("line 4\n"));

    // a writer that appends, sometimes a line in two writes, and rotates like
    // slotlogd: close, rename the current file to .1, start a new one
    int next = 5;
    const auto write_lines = [&](int count) {
        std::ofstream f(log_, std::ios::binary | std::ios::app);
        for (int i = 0; i < count; ++i, ++next) {
            const std::string line = "line " + std::to_string(next) + "\n";
            if (next % 7 == 0) {
                f << line.substr(0, 3) << std::flush;
                ASSERT_TRUE(looked_again());  // a poll sees half a line
                f << line.substr(3) << std::flush;
            } else {
                f << line << std::flush;
            }
        }
    };
    for (int rotation = 0; rotation < 6; ++rotation) {
        write_lines(40);
        fs::remove(dir_ / "app.log.1");
        fs::rename(log_, dir_ / "app.log.1");
        if (rotation % 2) {
            ASSERT_TRUE(looked_again());  // the path is missing for a while
        }
        write_lines(5);
        // the follower has moved to the new file before the next rotation
        ASSERT_TRUE(printed("line " + std::to_string(next - 1) + "\n")) << "rotation " << rotation;
    }
    write_lines(10);
    ASSERT_TRUE(printed("line " + std::to_string(next - 1) + "\n"));

    const auto got = lines_of(stop_following());
    ASSERT_EQ(got.size(), static_cast<std::size_t>(next));
    for (int i = 0; i < next; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], "line " + std::to_string(i));
}

TEST_F(tail, follows_a_truncated_file_from_its_start) {
    write_file(log_, numbered(0, 50));
    options_.lines = 1;
    start_following();
    ASSERT_TRUE(printed("line 49\n"));
    write_file(log_, "");  // copytruncate
    ASSERT_TRUE(said("was truncated"));
    append_file(log_, numbered(0, 3, "new "));
    ASSERT_TRUE(printed("new 2\n"));
    EXPECT_EQ(stop_following(), "line 49\nnew 0\nnew 1\nnew 2\n");
}

TEST_F(tail, waits_for_a_missing_file) {
    start_following();
    ASSERT_TRUE(said("does not exist yet")) << err_out_.str();
    append_file(log_, "first\nsecond\n");
    ASSERT_TRUE(printed("second\n"));
    EXPECT_EQ(stop_following(), "first\nsecond\n");
    EXPECT_EQ(rc_, 0);
}

TEST_F(tail, stops_promptly) {
    write_file(log_, "x\n");
    start_following();
    ASSERT_TRUE(printed("x\n"));
    const auto start = std::chrono::steady_clock::now();
    stop_following();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

// --- the filters: --host, --app, --grep beside --level

namespace {

const std::string web01_line = "2026-11-24T21:17:35.539204Z WARNING WEB01 billing[42]: the message";
const std::string other_host_line = "2026-11-24T21:17:35.539205Z ERROR db02 billing[7]: failover from WEB01 done";
const std::string unknown_line = "2026-11-24T21:17:35.539206Z INFO - -[-]: plain over the mailslot";
const std::string json_web01 =
    R"({"time":"2026-11-24T21:17:35.1Z","level":"warning","host":"WEB01","app":"Billing","pid":42,"seq":1,"slot":"logger","msg":"Disk Full on sda"})";
const std::string json_unknown =
    R"({"time":"2026-11-24T21:17:35.2Z","level":"info","host":null,"app":null,"pid":null,"seq":null,"slot":"logger","msg":"web01 says hi"})";

slotlog::entry_filter host_filter(const std::string& g) {
    slotlog::entry_filter f;
    f.host.emplace(g);
    return f;
}

slotlog::entry_filter app_filter(const std::string& g) {
    slotlog::entry_filter f;
    f.app.emplace(g);
    return f;
}

slotlog::entry_filter grep_filter(const std::string& text) {
    slotlog::entry_filter f;
    f.grep = text;
    return f;
}

} // namespace

TEST(tail_fields, text_line) {
    const auto f = slotlog::parse_line(web01_line);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->lvl, level::warning);
    EXPECT_EQ(f->host, "WEB01");
    EXPECT_EQ(f->app, "billing");
    EXPECT_EQ(f->msg, "the message");

    const auto u = slotlog::parse_line(unknown_line + "\r");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "");
    EXPECT_EQ(u->app, "");
    EXPECT_EQ(u->msg, "plain over the mailslot");

    // an app with brackets of its own, an empty message, the `app:` form
    const auto b = slotlog::parse_line("2026-11-24T21:17:35Z INFO h a[1][42]: ");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->app, "a[1]");
    EXPECT_EQ(b->msg, "");
    const auto c = slotlog::parse_line("2026-11-24T21:17:35Z INFO h cron: job: ran");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->app, "cron");
    EXPECT_EQ(c->msg, "job: ran");

    EXPECT_FALSE(slotlog::parse_line("hello WEB01 billing[1]: x"));
    EXPECT_FALSE(slotlog::parse_line("2026-11-24T21:17:35Z INFO"));
    EXPECT_FALSE(slotlog::parse_line("2026-11-24T21:17:35Z NOLEVEL h a[1]: x"));
    EXPECT_FALSE(slotlog::parse_line(""));
}

TEST(tail_fields, json_line) {
    const auto f = slotlog::parse_line(json_web01);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->lvl, level::warning);
    EXPECT_EQ(f->host, "WEB01");
    EXPECT_EQ(f->app, "Billing");
    EXPECT_EQ(f->msg, "Disk Full on sda");
    const auto u = slotlog::parse_line(json_unknown);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "");
    EXPECT_EQ(u->app, "");
    EXPECT_FALSE(slotlog::parse_line("{not json"));
}

TEST(tail_filter, host_matches_the_host_field_only) {
    const auto f = host_filter("WEB01");
    EXPECT_TRUE(f.passes(web01_line));
    EXPECT_FALSE(f.passes(other_host_line)) << "WEB01 in the message of another host's line";
    EXPECT_FALSE(f.passes(unknown_line));
    EXPECT_TRUE(f.passes(json_web01));
    EXPECT_FALSE(f.passes(json_unknown)) << "web01 in the message of a json line without host";
    EXPECT_FALSE(f.passes("WEB01 not an entry"));
}

TEST(tail_filter, globs_ignore_case) {
    EXPECT_TRUE(host_filter("web*").passes(web01_line));
    EXPECT_TRUE(host_filter("w?B0?").passes(web01_line));
    EXPECT_FALSE(host_filter("web0").passes(web01_line));
    EXPECT_TRUE(host_filter("WEB*").passes(json_web01));
    EXPECT_TRUE(app_filter("BILL*").passes(web01_line));
    EXPECT_TRUE(app_filter("billing").passes(json_web01));
    EXPECT_FALSE(app_filter("bill").passes(json_web01));
    EXPECT_TRUE(app_filter("*").passes(other_host_line));
}

TEST(tail_filter, unknown_host_and_app_are_the_empty_text) {
    // `-` in a text line and null in a json line are matched as the collector's routing does
    EXPECT_TRUE(host_filter("*").passes(unknown_line));
    EXPECT_TRUE(host_filter("*").passes(json_unknown));
    EXPECT_FALSE(host_filter("-").passes(unknown_line));
    EXPECT_FALSE(host_filter("?*").passes(unknown_line));
    EXPECT_FALSE(app_filter("?*").passes(json_unknown));
    EXPECT_TRUE(app_filter("?*").passes(web01_line));
}

TEST(tail_filter, grep_looks_in_the_message_only) {
    EXPECT_TRUE(grep_filter("THE MESS").passes(web01_line));
    EXPECT_FALSE(grep_filter("billing").passes(web01_line)) << "the app is not the message";
    EXPECT_FALSE(grep_filter("WARNING").passes(web01_line));
    EXPECT_TRUE(grep_filter("disk full").passes(json_web01));
    EXPECT_FALSE(grep_filter("Billing").passes(json_web01)) << "a json key's value other than msg";
    EXPECT_FALSE(grep_filter("logger").passes(json_web01));
    EXPECT_FALSE(grep_filter("the").passes("the message without an entry"));
}

TEST(tail_filter, all_filters_together) {
    slotlog::entry_filter f;
    f.min_level = level::warning;
    f.host.emplace("web*");
    f.app.emplace("billing");
    f.grep = "message";
    EXPECT_TRUE(f.passes(web01_line));
    f.min_level = level::error;
    EXPECT_FALSE(f.passes(web01_line));
    f.min_level = level::warning;
    f.grep = "nothing";
    EXPECT_FALSE(f.passes(web01_line));
    EXPECT_TRUE(slotlog::entry_filter{}.passes("anything at all"));
}

TEST(tail_filter, an_empty_glob_is_refused) {
    EXPECT_TRUE(slotlog::glob_problem(""));
    EXPECT_FALSE(slotlog::glob_problem("*"));
}

TEST_F(tail, n_counts_the_entries_that_pass_the_filters) {
    std::string content;
    for (int i = 0; i < 30; ++i) {
        const char* host = i % 3 == 0 ? "web01" : i % 3 == 1 ? "db02" : "-";
        content += "2026-11-24T21:17:35.0000" + std::to_string(10 + i) + "Z INFO " + host + " app[1]: n" +
                   std::to_string(i) + " from web01\n";
    }
    write_file(log_, content);
    options_.host = "WEB01";
    options_.lines = 3;
    const auto got = lines_of(once());
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NE(got[0].find(" web01 app[1]: n21 "), std::string::npos) << got[0];
    EXPECT_NE(got[1].find(" web01 app[1]: n24 "), std::string::npos) << got[1];
    EXPECT_NE(got[2].find(" web01 app[1]: n27 "), std::string::npos) << got[2];
    options_.host.reset();
    options_.grep = "N2";
    options_.lines = 100;
    EXPECT_EQ(lines_of(once()).size(), 11u);  // n2, n20..n29
}

// --- -n across rotated backups, .gz ones included

TEST_F(tail, n_reads_back_into_rotated_gz_files_oldest_first) {
    write_file(dir_ / "app.2.log.gz", gzip(numbered(0, 10)));
    write_file(dir_ / "app.1.log.gz", gzip(numbered(10, 20)));
    write_file(log_, numbered(20, 23));
    write_file(dir_ / "app.4.log.gz", gzip(numbered(100, 110)));  // after a gap: not a backup of this run
    options_.lines = 15;
    EXPECT_EQ(once(), numbered(8, 23));
    EXPECT_EQ(rc_, 0);
    options_.lines = 1000;
    EXPECT_EQ(once(), numbered(0, 23));
    options_.lines = 3;
    EXPECT_EQ(once(), numbered(20, 23)) << "the current file is enough";
    EXPECT_EQ(err_, "");
}

TEST_F(tail, n_reads_plain_and_gz_backups_with_the_filters) {
    // .1 plain (its .gz in the making beside it: the plain one is read), .2 compressed
    write_file(dir_ / "app.2.log.gz", gzip(text_lines));
    write_file(dir_ / "app.1.log", "2026-11-24T21:17:36Z ERROR web01 billing[42]: in .1\n");
    write_file(dir_ / "app.1.log.gz", "half a gzip");
    write_file(log_, "2026-11-24T21:17:37Z INFO web01 billing[42]: current\n");
    options_.min_level = level::error;
    options_.lines = 3;
    EXPECT_EQ(lines_of(once()), (std::vector<std::string>{"2026-11-24T21:17:35.000004Z ERROR - -[-]: failed",
                                                          "2026-11-24T21:17:35.000006Z CRITICAL web01 billing[42]: gone",
                                                          "2026-11-24T21:17:36Z ERROR web01 billing[42]: in .1"}));
    EXPECT_EQ(err_, "") << "the .gz beside the plain .1 is not read";
    options_.host = "web01";
    EXPECT_EQ(lines_of(once()), (std::vector<std::string>{"2026-11-24T21:17:35.000006Z CRITICAL web01 billing[42]: gone",
                                                          "2026-11-24T21:17:36Z ERROR web01 billing[42]: in .1"}));
}

TEST_F(tail, n_reads_json_lines_from_gz) {
    write_file(dir_ / "app.1.log.gz", gzip(json_web01 + "\n" + json_unknown + "\n"));
    write_file(log_, "");
    options_.host = "web*";
    EXPECT_EQ(once(), json_web01 + "\n");
}

TEST_F(tail, a_gz_path_is_read_through) {
    const auto gz = dir_ / "old.1.log.gz";
    // two members, as `cat a.gz b.gz` makes, and a last line without its newline
    write_file(gz, gzip(numbered(0, 50)) + gzip(numbered(50, 60) + "last"));
    options_.path = gz;
    options_.lines = 3;
    EXPECT_EQ(once(), "line 58\nline 59\nlast\n");
    EXPECT_EQ(rc_, 0);
    options_.lines = 100;
    EXPECT_EQ(once(), numbered(0, 60) + "last\n");
}

TEST_F(tail, a_truncated_gz_prints_what_it_could_and_warns) {
    std::string content;
    for (int i = 0; i < 20000; ++i) content += "line " + std::to_string(i) + " " + std::to_string(i * 7919 % 10007) + "\n";
    const auto whole = gzip(content);
    ASSERT_GT(whole.size(), 20000u);
    const auto gz = dir_ / "cut.log.gz";
    write_file(gz, whole.substr(0, whole.size() / 2));
    options_.path = gz;
    options_.lines = 1000000;
    const auto got = lines_of(once());
    EXPECT_EQ(rc_, 1);
    EXPECT_NE(err_.find("'" + slotlog::detail::path_to_utf8(gz) + "' is damaged: truncated"), std::string::npos)
        << err_;
    ASSERT_GT(got.size(), 100u);
    ASSERT_LT(got.size(), 20000u);
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i], "line " + std::to_string(i) + " " + std::to_string(i * 7919 % 10007)) << "no cut line";
    }
}

TEST_F(tail, a_corrupt_gz_backup_is_a_warning) {
    auto bad = gzip(numbered(0, 2000));
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x55);  // a flipped byte in the deflate data
    write_file(dir_ / "app.2.log.gz", gzip(numbered(-5, 0, "older ")));
    write_file(dir_ / "app.1.log.gz", bad);
    write_file(log_, numbered(2000, 2002));
    options_.lines = 1000000;
    const auto got = lines_of(once());
    EXPECT_EQ(rc_, 0) << "the file asked for is whole";
    EXPECT_NE(err_.find("app.1.log.gz' is damaged"), std::string::npos) << err_;
    ASSERT_GE(got.size(), 7u);
    EXPECT_EQ(got.front(), "older -5") << "the backups before the damaged one are still read";
    EXPECT_EQ(got[got.size() - 2], "line 2000");
    EXPECT_EQ(got.back(), "line 2001");

    // not gzip at all, and empty
    write_file(dir_ / "app.1.log.gz", "this is not gzip\n");
    EXPECT_EQ(lines_of(once()), (std::vector<std::string>{"older -5", "older -4", "older -3", "older -2", "older -1",
                                                          "line 2000", "line 2001"}));
    EXPECT_NE(err_.find("app.1.log.gz' is damaged"), std::string::npos) << err_;
    write_file(dir_ / "app.1.log.gz", "");
    EXPECT_EQ(lines_of(once()).size(), 7u);
    EXPECT_NE(err_.find("empty file"), std::string::npos) << err_;
}

// --- a folder

TEST(tail_folder, log_files_are_the_current_ones) {
    const auto dir = fs::temp_directory_path() / ("slotlog-tail-folder-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir / "WEB01");
    fs::create_directories(dir / "db02" / "deeper");
    for (const char* name : {"WEB01/billing.log", "WEB01/billing.1.log", "WEB01/billing.2.log.gz", "WEB01/notes.txt",
                             "db02/-.log", "db02/deeper/x.LOG", "db02/2026-11-24.log", "top.log"}) {
        write_file(dir / name, "x\n");
    }
    const auto files = slotlog::log_files_under(dir);
    EXPECT_EQ(files, (std::vector<fs::path>{dir / "WEB01" / "billing.log", dir / "db02" / "-.log",
                                            dir / "db02" / "2026-11-24.log", dir / "db02" / "deeper" / "x.LOG",
                                            dir / "top.log"}));
    EXPECT_TRUE(slotlog::log_files_under(dir / "missing").empty());
    std::error_code ec;
    fs::remove_all(dir, ec);
}

TEST_F(tail, n_on_a_folder_is_n_of_each_file) {
    fs::create_directories(dir_ / "hostA");
    write_file(dir_ / "hostA" / "app.log", numbered(0, 4, "a ") + "a 4");  // its last line unfinished
    write_file(dir_ / "hostA" / "app.1.log.gz", gzip(numbered(-3, 0, "a ")));
    write_file(dir_ / "hostB.log", numbered(0, 5, "b "));
    options_.path = dir_;
    options_.lines = 7;
    EXPECT_EQ(once(), numbered(-2, 5, "a ") + numbered(0, 5, "b "));
    EXPECT_EQ(rc_, 0);
}

TEST_F(tail, follows_a_folder_and_the_files_that_appear_in_it) {
    options_.scan_interval = 20ms;
    options_.path = dir_;
    options_.lines = 1;
    write_file(log_, numbered(0, 3, "old "));
    start_following();
    ASSERT_TRUE(printed("old 2\n"));
    append_file(log_, "old 3\n");
    ASSERT_TRUE(printed("old 3\n"));

    // a new host's folder and file: read from its first line
    fs::create_directories(dir_ / "hostA");
    append_file(dir_ / "hostA" / "app.log", "a first\na second\n");
    ASSERT_TRUE(printed("a second\n"));
    ASSERT_TRUE(said("is new")) << err_out_.str();
    append_file(dir_ / "hostA" / "app.log", "a third\n");
    ASSERT_TRUE(printed("a third\n"));
    // a second file; rotated backups appearing are not followed
    append_file(dir_ / "hostA" / "other.log", "o first\n");
    write_file(dir_ / "hostA" / "app.7.log", "backup\n");
    write_file(dir_ / "hostA" / "app.8.log.gz", gzip("backup\n"));
    ASSERT_TRUE(printed("o first\n"));

    // rotation of a followed file: the old file to its end, the new one from its start
    append_file(dir_ / "hostA" / "app.log", "a fourth\n");
    fs::rename(dir_ / "hostA" / "app.log", dir_ / "hostA" / "app.1.log");
    ASSERT_TRUE(looked_again());
    append_file(dir_ / "hostA" / "app.log", "a fifth\n");
    ASSERT_TRUE(printed("a fifth\n"));

    const auto got = lines_of(stop_following());
    auto sorted = got;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<std::string>{"a fifth", "a first", "a fourth", "a second", "a third", "o first",
                                                "old 2", "old 3"}))
        << out_.str();
    EXPECT_EQ(rc_, 0);
}

TEST_F(tail, follows_a_folder_with_the_filters) {
    options_.scan_interval = 20ms;
    options_.path = dir_;
    options_.host = "web*";
    options_.grep = "DISK";
    start_following();
    ASSERT_TRUE(looked_again());
    fs::create_directories(dir_ / "WEB01");
    append_file(dir_ / "WEB01" / "app.log", other_host_line + "\n" + json_unknown + "\n" + json_web01 + "\n" + web01_line +
                                                "\n" + "2026-11-24T21:17:35Z INFO web02 x[1]: disk ok\n");
    ASSERT_TRUE(printed("disk ok\n"));
    EXPECT_EQ(stop_following(), json_web01 + "\n2026-11-24T21:17:35Z INFO web02 x[1]: disk ok\n");
}
