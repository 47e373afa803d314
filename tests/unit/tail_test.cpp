#include <gtest/gtest.h>

#include <tail.h>

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
