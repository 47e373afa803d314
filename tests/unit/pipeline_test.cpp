#include <slotlog/control.h>
#include <slotlog/pipeline.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_files.h"
#include "wait_for.h"

namespace {

using namespace slotlog;
using slotlog::testing::read_lines;
using slotlog::testing::temp_dir;
using slotlog::testing::eventually;
namespace fs = std::filesystem;

output_config file_output(const fs::path& path, level min = level::trace, line_format f = line_format::text) {
    output_config o;
    o.type = "file";
    o.path = path;
    o.min_level = min;
    o.format = f;
    o.max_size = 1ull << 30;  // no rotation: these tests count every line
    o.max_files = 2;
    return o;
}

config config_with(std::vector<output_config> outputs, std::uint64_t queue = 65536) {
    config c;
    c.outputs = std::move(outputs);
    c.queue_max_entries = queue;
    c.origin = "test";
    return c;
}

void send(pipeline& p, std::string_view payload) {
    p.on_message(payload, origin{"logger", {}, clock::now()});
}

bool contains(const std::vector<std::string>& lines, std::string_view needle) {
    for (const auto& l : lines) {
        if (l.find(needle) != std::string::npos) return true;
    }
    return false;
}

std::size_t count_from(const std::vector<std::string>& lines, std::string_view app) {
    std::size_t n = 0;
    for (const auto& l : lines) {
        if (l.find(app) != std::string::npos) ++n;
    }
    return n;
}

} // namespace

TEST(pipeline, routes_each_entry_to_the_outputs_whose_min_level_it_reaches) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "all.log"), file_output(dir / "warn.log", level::warning)}), {});
    p.start();
    send(p, R"({"msg":"just info","level":"info","app":"billing"})");
    send(p, R"({"msg":"a warning","level":"warning","app":"billing"})");
    send(p, R"({"msg":"broken","level":"error","app":"billing"})");
    p.stop();

    const auto all = read_lines(dir / "all.log");
    const auto warn = read_lines(dir / "warn.log");
    EXPECT_EQ(count_from(all, " billing[-]: "), 3u);
    EXPECT_EQ(count_from(warn, " billing[-]: "), 2u);
    EXPECT_FALSE(contains(warn, "just info"));
    EXPECT_TRUE(contains(warn, "WARNING - billing[-]: a warning"));
    EXPECT_TRUE(contains(warn, "ERROR - billing[-]: broken"));
}

TEST(pipeline, writes_json_lines_for_json_outputs) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "j.log", level::trace, line_format::json)}), {});
    p.start();
    send(p, "hello");
    p.stop();
    const auto lines = read_lines(dir / "j.log");
    ASSERT_TRUE(contains(lines, R"("msg":"hello")"));
    for (const auto& l : lines) {
        EXPECT_EQ(l.front(), '{');
        EXPECT_EQ(l.back(), '}');
    }
}

TEST(pipeline, stop_writes_everything_that_was_accepted) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "s.log")}), {});
    p.start();
    constexpr int n = 20000;
    for (int i = 0; i < n; ++i) send(p, fmt::format(R"({{"msg":"m{}","app":"load"}})", i));
    p.stop();
    const auto lines = read_lines(dir / "s.log");
    const auto drops = p.counters().queue_drops.load();
    EXPECT_EQ(count_from(lines, " load[-]: ") + drops, static_cast<std::size_t>(n));
    EXPECT_EQ(p.counters().received.load(), static_cast<std::uint64_t>(n));
}

TEST(pipeline, a_full_queue_counts_drops_and_reports_them_as_an_entry) {
    temp_dir dir;
    // a tiny queue and several producers: drops are certain
    pipeline p(config_with({file_output(dir / "d.log")}, 16), {});
    p.start();
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t) {
        producers.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) send(p, R"({"msg":"x","app":"flood"})");
        });
    }
    for (auto& t : producers) t.join();
    p.stop();
    const auto drops = p.counters().queue_drops.load();
    const auto lines = read_lines(dir / "d.log");
    ASSERT_GT(drops, 0u);
    EXPECT_EQ(count_from(lines, " flood[-]: ") + drops, 80000u);
    EXPECT_TRUE(contains(lines, "entries dropped because the queue was full"));
    EXPECT_TRUE(contains(lines, fmt::format("({} in total)", drops)));
}

TEST(pipeline, a_transport_that_blocks_its_senders_waits_for_room_instead_of_dropping) {
    temp_dir dir;
    // far more messages than the tiny queue holds, from several readers at once
    pipeline p(config_with({file_output(dir / "b.log")}, 16), {});
    p.start();
    constexpr int readers = 4, per_reader = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < readers; ++t) {
        threads.emplace_back([&, t] {
            origin from{"logger", {}, clock::now()};
            from.blocks_sender = true;  // as the posix mailslot
            for (int i = 0; i < per_reader; ++i) {
                p.on_message(fmt::format(R"({{"msg":"r{} m{}","app":"held"}})", t, i), from);
            }
        });
    }
    for (auto& t : threads) t.join();
    p.stop();
    const auto lines = read_lines(dir / "b.log");
    EXPECT_EQ(p.counters().queue_drops.load(), 0u);
    EXPECT_EQ(count_from(lines, " held[-]: "), static_cast<std::size_t>(readers * per_reader));
    EXPECT_FALSE(contains(lines, "entries dropped because the queue was full"));
    EXPECT_TRUE(contains(lines, fmt::format("{} messages received, ", readers * per_reader))) << lines.back();
    EXPECT_TRUE(contains(lines, ", 0 dropped, ")) << lines.back();
}

TEST(pipeline, plain_stop_is_ignored_and_logged_unless_allowed) {
    temp_dir dir;
    std::atomic<int> stops{0};
    pipeline_options options;
    options.on_stop_request = [&] { ++stops; };
    pipeline p(config_with({file_output(dir / "p.log")}), options);
    p.start();
    send(p, "STOP");
    send(p, std::string_view("\xda\x04STOP", 6));  // python 3 marshal of "STOP"
    p.stop();
    EXPECT_EQ(stops.load(), 0);
    const auto lines = read_lines(dir / "p.log");
    EXPECT_EQ(count_from(lines, "WARNING"), 2u);
    EXPECT_TRUE(contains(lines, "plain STOP message on slot logger ignored"));
}

TEST(pipeline, plain_stop_asks_the_host_to_stop_when_allowed) {
    temp_dir dir;
    std::atomic<int> stops{0};
    pipeline_options options;
    options.allow_plain_stop = true;
    options.on_stop_request = [&] { ++stops; };
    pipeline p(config_with({file_output(dir / "p.log")}), options);
    p.start();
    send(p, "STOP\r\n");
    send(p, "STOPPED is not a stop");
    p.stop();
    EXPECT_EQ(stops.load(), 1);
    const auto lines = read_lines(dir / "p.log");
    EXPECT_TRUE(contains(lines, "STOPPED is not a stop"));
    EXPECT_TRUE(contains(lines, "stop requested by a plain STOP message"));
}

TEST(pipeline, the_control_section_can_allow_plain_stop_too) {
    temp_dir dir;
    std::atomic<int> stops{0};
    auto cfg = config_with({file_output(dir / "p.log")});
    cfg.control.allow_plain_stop = true;
    pipeline_options options;
    options.on_stop_request = [&] { ++stops; };
    pipeline p(cfg, options);
    p.start();
    send(p, "STOP");
    p.stop();
    EXPECT_EQ(stops.load(), 1);
}

TEST(pipeline, reload_swaps_outputs_without_losing_entries) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "before.log")}), {});
    p.start();
    for (int i = 0; i < 1000; ++i) send(p, fmt::format(R"({{"msg":"a{}","app":"old"}})", i));
    p.reload(config_with({file_output(dir / "after.log")}));
    for (int i = 0; i < 1000; ++i) send(p, fmt::format(R"({{"msg":"b{}","app":"new"}})", i));
    p.stop();
    const auto before = read_lines(dir / "before.log");
    const auto after = read_lines(dir / "after.log");
    // every entry is in exactly one of the two files: none lost in the swap
    EXPECT_EQ(count_from(before, " old[-]: ") + count_from(after, " old[-]: "), 1000u);
    EXPECT_EQ(count_from(after, " new[-]: "), 1000u);
    EXPECT_EQ(count_from(before, " new[-]: "), 0u);
}

TEST(pipeline, a_reload_that_cannot_open_an_output_keeps_the_old_configuration) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "ok.log")}), {});
    p.start();
    fs::create_directories(dir / "a_folder.log");
    EXPECT_THROW(p.reload(config_with({file_output(dir / "a_folder.log")})), std::runtime_error);
    send(p, "still here");
    p.stop();
    EXPECT_TRUE(contains(read_lines(dir / "ok.log"), "still here"));
}

TEST(pipeline, an_output_that_cannot_be_opened_is_a_startup_error_naming_it) {
    temp_dir dir;
    fs::create_directories(dir / "taken.log");
    try {
        pipeline p(config_with({file_output(dir / "taken.log")}), {});
        p.start();
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("file"), std::string::npos) << e.what();
    }
}

TEST(pipeline, a_host_that_takes_own_problems_gets_warnings_and_errors_only) {
    temp_dir dir;
    std::mutex m;
    std::vector<std::pair<level, std::string>> got;
    pipeline_options options;
    options.on_own_problem = [&](level l, const std::string& what, report_kind) {
        std::lock_guard lock(m);
        got.emplace_back(l, what);
    };
    pipeline p(config_with({file_output(dir / "o.log")}), options);
    p.start();
    p.report(level::notice, "just news");
    send(p, "STOP");  // not allowed: a warning of the collector's own
    p.on_drop("a message of 9999 bytes is too long");
    p.report(level::error, "cannot rotate x");
    send(p, R"({"msg":"an application's error","level":"error"})");
    p.stop();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].first, level::warning);
    EXPECT_NE(got[0].second.find("plain STOP"), std::string::npos);
    EXPECT_EQ(got[1].first, level::warning);
    EXPECT_NE(got[1].second.find("9999 bytes"), std::string::npos);
    EXPECT_EQ(got[2].first, level::error);
    // the outputs still have every one of them, and the application's error
    const auto lines = read_lines(dir / "o.log");
    EXPECT_TRUE(contains(lines, "just news"));
    EXPECT_TRUE(contains(lines, "cannot rotate x"));
    EXPECT_TRUE(contains(lines, "an application's error"));
}

namespace {

struct control_fixture {
    temp_dir dir;
    std::string key = "a key of the collector, 32 bytes";
    std::atomic<int> stops{0};
    std::atomic<int> reloads{0};

    config keyed_config(std::uint64_t max_size = 1ull << 30) {
        const auto key_file = dir / "control.key";
        std::ofstream(key_file, std::ios::binary) << key << '\n';
        std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        auto out = file_output(dir / "c.log");
        out.max_size = max_size;
        out.max_files = 3;
        auto cfg = config_with({out});
        cfg.control.key_file = key_file;
        return cfg;
    }
    pipeline_options options() {
        pipeline_options o;
        o.on_stop_request = [this] { ++stops; };
        o.on_reload_request = [this] { ++reloads; };
        return o;
    }
};

} // namespace

TEST(pipeline, signed_control_messages_are_carried_out_and_never_logged_as_entries) {
    control_fixture f;
    pipeline p(f.keyed_config(), f.options());
    p.start();
    send(p, "before the rotation");
    send(p, make_control_message(control_verb::flush, f.key));
    send(p, make_control_message(control_verb::reload, f.key));
    // the rotation happens on the writer thread: wait until the backup exists
    send(p, make_control_message(control_verb::rotate, f.key));
    ASSERT_TRUE(eventually([&] { return fs::exists(f.dir / "c.1.log"); }));
    send(p, "after the rotation");
    send(p, make_control_message(control_verb::stop, f.key) + "\n");
    p.stop();

    EXPECT_EQ(f.stops.load(), 1);
    EXPECT_EQ(f.reloads.load(), 1);
    const auto old_lines = read_lines(f.dir / "c.1.log");
    const auto lines = read_lines(f.dir / "c.log");
    EXPECT_TRUE(contains(old_lines, "before the rotation"));
    EXPECT_TRUE(contains(old_lines, "control plane on (key file "));
    EXPECT_TRUE(contains(lines, "after the rotation"));
    EXPECT_TRUE(contains(old_lines, "control message on logger accepted: rotate"));
    EXPECT_TRUE(contains(lines, "control message on logger accepted: stop"));
    EXPECT_FALSE(contains(old_lines, "SLOTLOG-CTL/1"));
    EXPECT_FALSE(contains(lines, "SLOTLOG-CTL/1"));
}

TEST(pipeline, rejected_control_messages_are_warnings_with_the_reason_and_do_nothing) {
    control_fixture f;
    pipeline p(f.keyed_config(), f.options());
    p.start();
    const auto valid = make_control_message(control_verb::stop, "somebody else's key of 16+ bytes");
    send(p, valid);
    const auto good = make_control_message(control_verb::stop, f.key);
    send(p, good.substr(0, good.size() - 10));  // truncated
    send(p, "SLOTLOG-CTL/1 stop " + std::string(400, '0'));
    p.stop();

    EXPECT_EQ(f.stops.load(), 0);
    const auto lines = read_lines(f.dir / "c.log");
    EXPECT_EQ(count_from(lines, "WARNING"), 3u);
    EXPECT_TRUE(contains(lines, "control message on logger rejected: bad mac"));
    EXPECT_TRUE(contains(lines, "control message on logger rejected: malformed mac"));
    EXPECT_TRUE(contains(lines, "control message on logger rejected: too long (419 bytes)"));
}

TEST(pipeline, a_configured_key_that_cannot_be_used_is_a_warning_at_start) {
    temp_dir dir;
    auto cfg = config_with({file_output(dir / "k.log")});
    cfg.control.key_file = dir / "missing.key";
    pipeline p(cfg, {});
    p.start();
    send(p, make_control_message(control_verb::stop, "0123456789abcdef"));
    p.stop();
    const auto lines = read_lines(dir / "k.log");
    EXPECT_TRUE(contains(lines, "WARNING"));
    EXPECT_TRUE(contains(lines, "control plane off: key file "));
    EXPECT_TRUE(contains(lines, "rejected: control plane is off: key file "));
}

TEST(pipeline, drops_are_reported_again_after_the_interval_while_they_go_on) {
    temp_dir dir;
    pipeline_options options;
    options.drop_report_interval = std::chrono::milliseconds(0);  // every writer pass
    pipeline p(config_with({file_output(dir / "d.log")}, 4), options);
    p.start();
    std::uint64_t sent = 0;
    // floods in waves until the writer has reported drops more than once
    for (int wave = 0; wave < 200; ++wave) {
        for (int i = 0; i < 2000; ++i, ++sent) send(p, R"({"msg":"x","app":"flood"})");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (count_from(read_lines(dir / "d.log"), "because the queue was full") >= 2) break;
    }
    p.stop();
    const auto lines = read_lines(dir / "d.log");
    std::uint64_t reported = 0;
    std::size_t reports = 0;
    for (const auto& l : lines) {
        if (l.find("entries dropped because the queue was full") == std::string::npos) continue;
        reported += std::stoull(l.substr(l.find("]: ") + 3));
        ++reports;
    }
    EXPECT_GE(reports, 2u);
    // every drop is in exactly one report, the final one included
    EXPECT_EQ(reported, p.counters().queue_drops.load());
    EXPECT_EQ(count_from(lines, " flood[-]: ") + reported, sent);
}

TEST(pipeline, a_flood_of_own_warnings_reaches_the_host_a_few_a_minute_and_the_files_in_full) {
    temp_dir dir;
    std::mutex m;
    std::vector<std::string> got;
    pipeline_options options;
    options.own_problem_limit = 5;
    options.own_problem_window = std::chrono::milliseconds(200);
    options.on_own_problem = [&](level, const std::string& what, report_kind) {
        std::lock_guard lock(m);
        got.push_back(what);
    };
    pipeline p(config_with({file_output(dir / "f.log")}), options);
    p.start();
    for (int i = 0; i < 100; ++i) send(p, "STOP");  // a hostile sender: one warning each
    // it goes on until the next window, whose first warning comes through and
    // says how many did not (the host hears of it on the sending thread)
    int more = 0;
    ASSERT_TRUE(eventually([&] {
        send(p, "STOP");
        ++more;
        std::lock_guard lock(m);
        return got.size() == 6;
    }));
    p.stop();
    ASSERT_EQ(got.size(), 6u);
    const auto left_out = fmt::format("({} more of the collector's warnings and errors were left out here", 95 + more - 1);
    EXPECT_NE(got[5].find(left_out), std::string::npos) << got[5];
    EXPECT_EQ(count_from(read_lines(dir / "f.log"), "plain STOP message on slot logger ignored"),
              100u + static_cast<std::size_t>(more));
}

namespace {

// a message from a sender the transport names: peer "NAME/address" or an
// address, and the path it came by
void send_from(pipeline& p, std::string_view payload, std::string_view peer, std::size_t sender_size = 0,
               bool named = false, std::uint64_t path = 0) {
    p.on_message(payload, origin{"logger", peer, clock::now(), peer.substr(0, sender_size), named, path});
}

std::vector<std::string> messages_of(const std::vector<std::string>& lines, std::string_view marker) {
    std::vector<std::string> out;
    for (const auto& l : lines) {
        if (l.find(marker) != std::string::npos) out.push_back(l.substr(l.find("]: ") + 3));
    }
    return out;
}

} // namespace

TEST(pipeline, a_stamped_message_that_arrives_again_is_dropped_and_counted) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "all.log")}), {});
    p.start();
    const std::string stamped = R"({"msg":"once","host":"WEB01","pid":42,"seq":7})";
    // one copy per transport: the local slot, and broadcasts from one name by two ports
    send_from(p, stamped, "");
    send_from(p, stamped, "WEB01/10.0.0.5", 5, true, 1);
    send_from(p, stamped, "WEB01/10.0.0.5", 5, true, 2);
    // the next message of the same process, and a reused seq with other text
    send_from(p, R"({"msg":"twice","host":"WEB01","pid":42,"seq":8})", "");
    send_from(p, R"({"msg":"other text","host":"WEB01","pid":42,"seq":7})", "");
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(count_from(lines, ": once"), 1u);
    EXPECT_EQ(count_from(lines, ": twice"), 1u);
    EXPECT_EQ(count_from(lines, ": other text"), 1u);
    EXPECT_EQ(p.counters().repeats.load(), 2u);
    EXPECT_TRUE(contains(lines, "5 messages received, ")) << lines.back();
    EXPECT_TRUE(contains(lines, ", 0 dropped, 2 repeats dropped, 0 messages missing")) << lines.back();
}

TEST(pipeline, an_unstamped_payload_again_by_the_same_path_is_a_new_message) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "all.log")}), {});
    p.start();
    const std::string sentence = "the quick brown fox jumps over the lazy dog";
    for (std::size_t at = 0, end = 0; at < sentence.size(); at = end + 1) {
        end = std::min(sentence.find(' ', at), sentence.size());
        send_from(p, sentence.substr(at, end - at), "PC1/10.0.0.5", 3, true, 1);
    }
    for (int i = 0; i < 3; ++i) send_from(p, "connection refused", "PC1/10.0.0.5", 3, true, 1);
    // a plain datagram's sender is its address; with fewer than two udp inputs it has one path
    for (int i = 0; i < 3; ++i) send_from(p, "disk full", "10.0.0.6", 8, false, 7);
    // no sender named (a local socket, the windows mailslot): never a copy
    for (int i = 0; i < 2; ++i) send_from(p, "local line", "");
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(messages_of(lines, " PC1/10.0.0.5 -[-]: "),
              (std::vector<std::string>{"the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog",
                                        "connection refused", "connection refused", "connection refused"}));
    EXPECT_EQ(count_from(lines, " 10.0.0.6 -[-]: disk full"), 3u);
    EXPECT_EQ(count_from(lines, ": local line"), 2u);
    EXPECT_EQ(p.counters().repeats.load(), 0u);
}

TEST(pipeline, an_unstamped_copy_by_another_path_is_dropped_and_a_second_send_is_kept) {
    temp_dir dir;
    pipeline p(config_with({file_output(dir / "all.log")}), {});
    p.start();
    // one send over two ports, another address of the same name, then the same send again
    send_from(p, "disk full", "PC1/10.0.0.5", 3, true, 1);
    send_from(p, "disk full", "PC1/10.0.0.5", 3, true, 2);
    send_from(p, "disk full", "PC1/10.0.1.5", 3, true, 3);
    send_from(p, "disk full", "PC1/10.0.0.5", 3, true, 2);
    send_from(p, "disk full", "PC1/10.0.0.5", 3, true, 1);
    // another name with the same payload by another path: another sender
    send_from(p, "disk full", "PC2/10.0.0.5", 3, true, 2);
    // a write with no name names no sender
    send_from(p, "no name", "10.0.0.5", 0, true, 1);
    send_from(p, "no name", "10.0.0.5", 0, true, 2);
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(count_from(lines, " PC1/10.0.0.5 -[-]: disk full") + count_from(lines, " PC1/10.0.1.5 -[-]: disk full"),
              2u);
    EXPECT_EQ(count_from(lines, " PC2/10.0.0.5 -[-]: disk full"), 1u);
    EXPECT_EQ(count_from(lines, ": no name"), 2u);
    EXPECT_EQ(p.counters().repeats.load(), 3u);
}

TEST(pipeline, a_gap_in_a_stamped_senders_numbers_is_one_warning_and_counted) {
    temp_dir dir;
    auto cfg = config_with({file_output(dir / "all.log")});
    cfg.dedup_window = std::chrono::milliseconds(100);
    pipeline p(cfg, {});
    p.start();
    int sent = 0;
    const auto stamped = [&](int seq, std::string_view app = "billing") {
        return fmt::format(R"({{"msg":"m{}","host":"WEB01","app":"{}","pid":42,"seq":{}}})", ++sent, app, seq);
    };
    for (int s = 1; s <= 10; ++s) send(p, stamped(s));
    for (int s = 16; s <= 20; ++s) send(p, stamped(s));
    // out of order, and a restart: no warning
    for (int s : {1, 2, 4, 3, 5}) send(p, stamped(s, "orders"));
    for (int s : {1, 2, 3, 1, 2}) send(p, stamped(s, "restarts"));
    // reported one window later, without another message
    ASSERT_TRUE(eventually([&] { return contains(read_lines(dir / "all.log"), "missing"); }));
    // one still open at the stop is reported then
    send(p, stamped(22, "billing"));
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(messages_of(lines, " slotlogd["),
              (std::vector<std::string>{"control plane off: no control.key_file configured",
                                        "WEB01 billing[42]: 5 messages missing (seq 11 to 15)",
                                        "WEB01 billing[42]: 1 message missing (seq 21)",
                                        "slotlogd stopping: 26 messages received, 29 entries written, 0 dropped, "
                                        "0 repeats dropped, 6 messages missing"}));
    EXPECT_EQ(p.counters().gaps.load(), 2u);
    EXPECT_EQ(p.counters().missing.load(), 6u);
}

TEST(pipeline, gap_warnings_are_rate_limited_and_the_rest_is_summed_up) {
    temp_dir dir;
    std::vector<std::string> host;
    pipeline_options options;
    options.own_problem_limit = 3;
    options.own_problem_window = std::chrono::minutes(1);
    options.on_own_problem = [&](level, const std::string& what, report_kind) { host.push_back(what); };
    auto cfg = config_with({file_output(dir / "all.log")});
    cfg.dedup_window = std::chrono::milliseconds(0);
    pipeline p(cfg, options);
    p.start();
    // a hostile sender skips every other number: one gap a message
    for (int s = 1; s <= 201; s += 2) send(p, fmt::format(R"({{"msg":"x","host":"EVIL","pid":1,"seq":{}}})", s));
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(count_from(lines, "EVIL -[1]: 1 message missing"), 3u);
    EXPECT_TRUE(contains(lines, "97 more gaps in stamped senders' numbers were not reported one by one: "
                                "97 messages missing (100 in all since the start)"));
    EXPECT_TRUE(contains(lines, ", 100 messages missing"));
    EXPECT_EQ(p.counters().gaps.load(), 100u);
}

TEST(pipeline, dedup_window_zero_keeps_every_copy) {
    temp_dir dir;
    auto cfg = config_with({file_output(dir / "all.log")});
    cfg.dedup_window = std::chrono::milliseconds(0);
    pipeline p(std::move(cfg), {});
    p.start();
    const std::string stamped = R"({"msg":"copy","host":"WEB01","pid":42,"seq":7})";
    for (int i = 0; i < 3; ++i) send_from(p, stamped, "WEB01/10.0.0.5", 5, true, static_cast<std::uint64_t>(i));
    p.stop();
    EXPECT_EQ(count_from(read_lines(dir / "all.log"), ": copy"), 3u);
    EXPECT_EQ(p.counters().repeats.load(), 0u);
}

TEST(pipeline, a_reload_applies_a_new_dedup_window) {
    temp_dir dir;
    auto cfg = config_with({file_output(dir / "all.log")});
    cfg.dedup_window = std::chrono::milliseconds(0);
    pipeline p(cfg, {});
    p.start();
    send_from(p, "copy", "PC1/10.0.0.5", 3, true, 1);
    send_from(p, "copy", "PC1/10.0.0.5", 3, true, 2);
    ASSERT_TRUE(eventually([&] { return count_from(read_lines(dir / "all.log"), ": copy") == 2; }));
    cfg.dedup_window = std::chrono::milliseconds(2000);
    // the writer takes the new window before its next batch
    p.reload(cfg);
    send_from(p, "after", "PC1/10.0.0.5", 3, true, 1);
    send_from(p, "after", "PC1/10.0.0.5", 3, true, 2);
    p.stop();
    const auto lines = read_lines(dir / "all.log");
    EXPECT_EQ(count_from(lines, ": copy"), 2u);
    EXPECT_EQ(count_from(lines, ": after"), 1u);
}
