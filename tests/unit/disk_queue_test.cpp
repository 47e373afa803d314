#include "forward/disk_queue.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_files.h"

namespace {

using namespace std::chrono_literals;
using slotlog::disk_queue;
using slotlog::disk_queue_options;
using slotlog::level;
using slotlog::queued_record;
using slotlog::report_kind;
using slotlog::testing::temp_dir;
namespace fs = std::filesystem;
using push_result = disk_queue::push_result;

// what the queue reported, from any thread
struct reports {
    std::mutex mu;
    std::vector<std::pair<level, std::string>> seen;
    slotlog::problem_reporter fn() {
        return [this](level l, const std::string& msg, report_kind) {
            std::lock_guard lk(mu);
            seen.emplace_back(l, msg);
        };
    }
    std::size_t count(level l, const std::string& part) {
        std::lock_guard lk(mu);
        return static_cast<std::size_t>(std::count_if(seen.begin(), seen.end(), [&](const auto& r) {
            return r.first == l && r.second.find(part) != std::string::npos;
        }));
    }
    std::size_t size() {
        std::lock_guard lk(mu);
        return seen.size();
    }
};

disk_queue_options options(const fs::path& dir, std::uint64_t segment_size = 8u << 20,
                           std::uint64_t max_size = 1ull << 30) {
    disk_queue_options o;
    o.dir = dir;
    o.segment_size = segment_size;
    o.max_size = max_size;
    return o;
}

std::vector<fs::path> segments_in(const fs::path& dir) {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".seg") found.push_back(e.path());
    std::sort(found.begin(), found.end());
    return found;
}

std::size_t files_in(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}));
}

std::string id_of(std::size_t i) { return fmt::format("id-{:06}", i); }
std::string payload_of(std::size_t i) { return fmt::format("<14>1 message number {:06}", i); }

// reads until `n` records came or the deadline passed
std::vector<queued_record> read_n(disk_queue& q, std::size_t n, std::chrono::milliseconds within = 10s) {
    std::vector<queued_record> out;
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline)
        q.read(out, n - out.size(), 100ms);
    return out;
}

std::vector<std::uint64_t> numbers(const std::vector<queued_record>& records) {
    std::vector<std::uint64_t> n;
    for (const auto& r : records) n.push_back(r.number);
    return n;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
    std::vector<std::uint64_t> n;
    for (auto i = from; i <= to; ++i) n.push_back(i);
    return n;
}

// pushes and writes them, as the writer thread does at the end of a batch
void push_n(disk_queue& q, std::size_t from, std::size_t to) {
    for (auto i = from; i <= to; ++i) ASSERT_EQ(q.push(id_of(i), payload_of(i)), push_result::ok) << i;
    ASSERT_EQ(q.flush(), 0u);
}

void push_one(disk_queue& q, std::string_view id, std::string_view payload) {
    ASSERT_EQ(q.push(id, payload), push_result::ok);
    ASSERT_EQ(q.flush(), 0u);
}

void rewrite_byte(const fs::path& file, std::uint64_t offset, char value) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.is_open());
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(value);
}

char byte_at(const fs::path& file, std::uint64_t offset) {
    std::ifstream f(file, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    return static_cast<char>(f.get());
}

// the size of a record of id_of() and payload_of()
const std::uint64_t record_size = 25 + id_of(1).size() + payload_of(1).size();

// a flag one thread waits for and another sets
class flag {
public:
    void set() {
        {
            std::lock_guard lk(mu_);
            set_ = true;
        }
        cv_.notify_all();
    }
    bool wait(std::chrono::milliseconds within = 10s) {
        std::unique_lock lk(mu_);
        return cv_.wait_for(lk, within, [&] { return set_; });
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool set_ = false;
};

} // namespace

TEST(crc32c, matches_the_standard_check_value) {
    EXPECT_EQ(slotlog::crc32c("123456789"), 0xE3069283u);
    EXPECT_EQ(slotlog::crc32c(""), 0u);
    // in pieces, and across the 8-byte steps
    EXPECT_EQ(slotlog::crc32c("6789", slotlog::crc32c("12345")), 0xE3069283u);
    const std::string long_text(1000, 'x');
    EXPECT_EQ(slotlog::crc32c(long_text.substr(3), slotlog::crc32c(long_text.substr(0, 3))), slotlog::crc32c(long_text));
    // rfc 3720, b.4: 32 bytes of zeros, of ones, ascending, descending
    EXPECT_EQ(slotlog::crc32c(std::string(32, '\0')), 0x8A9136AAu);
    EXPECT_EQ(slotlog::crc32c(std::string(32, '\xff')), 0x62A8AB43u);
    std::string up, down;
    for (int i = 0; i < 32; ++i) {
        up.push_back(static_cast<char>(i));
        down.push_back(static_cast<char>(31 - i));
    }
    EXPECT_EQ(slotlog::crc32c(up), 0x46DD794Eu);
    EXPECT_EQ(slotlog::crc32c(down), 0x113FDB5Cu);
}

TEST(crc32c, agrees_with_the_bitwise_definition_at_every_length_and_alignment) {
    // one bit at a time, as the polynomial defines it
    const auto bitwise = [](std::string_view data) {
        std::uint32_t c = 0xFFFFFFFFu;
        for (const char ch : data) {
            c ^= static_cast<unsigned char>(ch);
            for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }
        return ~c;
    };
    std::string text;
    for (int i = 0; i < 300; ++i) text.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    for (std::size_t from = 0; from < 9; ++from)
        for (std::size_t size = 0; from + size <= text.size(); size += 7)
            ASSERT_EQ(slotlog::crc32c(std::string_view(text).substr(from, size)),
                      bitwise(std::string_view(text).substr(from, size)))
                << from << " " << size;
}

TEST(disk_queue, reads_what_was_pushed_in_order) {
    temp_dir dir;
    reports r;
    disk_queue q(options(dir / "q"), r.fn());
    std::string binary;
    for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
    const std::vector<std::pair<std::string, std::string>> pushed = {
        {"a", "first"}, {"", ""}, {"bin", binary}, {std::string("i\0d", 3), std::string(70000, 'p')}, {"z", "last"}};
    const auto before = std::chrono::system_clock::now();
    for (const auto& [id, payload] : pushed) ASSERT_EQ(q.push(id, payload), push_result::ok);
    ASSERT_EQ(q.flush(), 0u);

    const auto got = read_n(q, pushed.size());
    ASSERT_EQ(numbers(got), range(1, pushed.size()));
    for (std::size_t i = 0; i < pushed.size(); ++i) {
        EXPECT_EQ(got[i].id, pushed[i].first) << i;
        EXPECT_EQ(got[i].payload, pushed[i].second) << i;
        EXPECT_GE(got[i].queued + 1ms, before);
        EXPECT_LE(got[i].queued, std::chrono::system_clock::now());
    }
    // nothing more after the last one read
    std::vector<queued_record> more;
    EXPECT_FALSE(q.read(more, 10, 0ms));
    EXPECT_TRUE(more.empty());
    const auto s = q.stats();
    EXPECT_EQ(s.records, pushed.size());
    EXPECT_EQ(s.pushed, pushed.size());
    EXPECT_EQ(s.damaged, 0u);
    EXPECT_GT(s.bytes, 70000u);
    ASSERT_TRUE(s.oldest);
    EXPECT_EQ(r.size(), 0u);
}

TEST(disk_queue, read_returns_at_most_max_and_a_long_id_is_cut) {
    temp_dir dir;
    disk_queue q(options(dir.path()), nullptr);
    push_n(q, 1, 5);
    push_one(q, std::string(300, 'i'), "long id");
    std::vector<queued_record> out;
    ASSERT_TRUE(q.read(out, 2, 0ms));
    EXPECT_EQ(numbers(out), range(1, 2));
    ASSERT_TRUE(q.read(out, 100, 0ms));
    EXPECT_EQ(numbers(out), range(1, 6));
    EXPECT_EQ(out.back().id, std::string(255, 'i'));
    EXPECT_EQ(out.back().payload, "long id");
}

TEST(disk_queue, rewind_reads_again_from_the_first_unacknowledged) {
    temp_dir dir;
    disk_queue q(options(dir.path()), nullptr);
    push_n(q, 1, 10);
    ASSERT_EQ(numbers(read_n(q, 10)), range(1, 10));
    q.acknowledge(4);
    EXPECT_EQ(q.stats().records, 6u);
    EXPECT_EQ(q.stats().acknowledged, 4u);
    q.rewind();
    ASSERT_EQ(numbers(read_n(q, 6)), range(5, 10));
    // acknowledging what was not read yet moves the reader past it too
    q.rewind();
    q.acknowledge(7);
    ASSERT_EQ(numbers(read_n(q, 3)), range(8, 10));
    // acknowledging an older number changes nothing
    q.acknowledge(2);
    EXPECT_EQ(q.stats().records, 3u);
    q.acknowledge(10);
    const auto s = q.stats();
    EXPECT_EQ(s.records, 0u);
    EXPECT_EQ(s.acknowledged, 10u);
    EXPECT_FALSE(s.oldest);
}

TEST(disk_queue, oldest_is_the_first_unacknowledged) {
    temp_dir dir;
    disk_queue q(options(dir.path()), nullptr);
    EXPECT_FALSE(q.stats().oldest);
    push_n(q, 1, 3);
    const auto got = read_n(q, 3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(q.stats().oldest, got[0].queued);
    q.acknowledge(1);
    EXPECT_EQ(q.stats().oldest, got[1].queued);
    q.acknowledge(3);
    EXPECT_FALSE(q.stats().oldest);
    push_n(q, 4, 4);
    EXPECT_TRUE(q.stats().oldest);
}

TEST(disk_queue, a_fully_acknowledged_segment_is_deleted) {
    temp_dir dir;
    // ten records to a segment
    disk_queue q(options(dir.path(), 10 * record_size), nullptr);
    push_n(q, 1, 95);
    ASSERT_EQ(segments_in(dir.path()).size(), 10u);
    EXPECT_EQ(segments_in(dir.path()).front().filename(), "00000000000000000001.seg");
    EXPECT_EQ(segments_in(dir.path()).back().filename(), "00000000000000000091.seg");
    const auto bytes = q.stats().bytes;
    EXPECT_EQ(bytes, 95 * record_size);
    ASSERT_EQ(numbers(read_n(q, 95)), range(1, 95));

    q.acknowledge(25);  // segments 1-10 and 11-20 are done, 21-30 is not
    EXPECT_EQ(segments_in(dir.path()).size(), 8u);
    EXPECT_EQ(segments_in(dir.path()).front().filename(), "00000000000000000021.seg");
    EXPECT_EQ(q.stats().bytes, bytes - 20 * record_size);
    q.acknowledge(95);  // all done: the segment being written stays
    EXPECT_EQ(segments_in(dir.path()).size(), 1u);
    EXPECT_EQ(files_in(dir.path()), 2u);  // and the ledger
    EXPECT_EQ(q.stats().records, 0u);
    push_n(q, 96, 100);
    ASSERT_EQ(numbers(read_n(q, 5)), range(96, 100));
}

TEST(disk_queue, a_restart_sends_again_what_was_not_acknowledged) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path(), 10 * record_size), nullptr);
        push_n(q, 1, 25);
        ASSERT_EQ(numbers(read_n(q, 25)), range(1, 25));
        q.acknowledge(12);
        q.sync();
    }
    {
        disk_queue q(options(dir.path(), 10 * record_size), nullptr);
        auto s = q.stats();
        EXPECT_EQ(s.records, 13u);
        EXPECT_EQ(s.pushed, 0u);
        EXPECT_EQ(s.damaged, 0u);
        ASSERT_TRUE(s.oldest);
        const auto got = read_n(q, 13);
        ASSERT_EQ(numbers(got), range(13, 25));
        for (const auto& rec : got) {
            EXPECT_EQ(rec.id, id_of(rec.number));
            EXPECT_EQ(rec.payload, payload_of(rec.number));
        }
        EXPECT_EQ(s.oldest, got.front().queued);
        // numbering goes on
        push_n(q, 26, 27);
        EXPECT_EQ(numbers(read_n(q, 2)), range(26, 27));
        q.acknowledge(20);  // not synced by hand: the destructor syncs
    }
    {
        disk_queue q(options(dir.path(), 10 * record_size), nullptr);
        EXPECT_EQ(numbers(read_n(q, 7)), range(21, 27));
        q.acknowledge(27);
    }
    {
        // nothing left to send, and still no number is used twice
        disk_queue q(options(dir.path(), 10 * record_size), nullptr);
        std::vector<queued_record> out;
        EXPECT_FALSE(q.read(out, 10, 0ms));
        push_one(q, "x", "y");
        ASSERT_EQ(numbers(read_n(q, 1)), std::vector<std::uint64_t>{28});
    }
}

TEST(disk_queue, a_torn_last_record_is_skipped) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path()), nullptr);
        push_n(q, 1, 10);
    }
    auto segs = segments_in(dir.path());
    ASSERT_EQ(segs.size(), 1u);
    // a crash in the middle of the last write
    fs::resize_file(segs[0], 10 * record_size - record_size / 2);

    reports r;
    disk_queue q(options(dir.path()), r.fn());
    EXPECT_EQ(q.stats().damaged, 1u);
    EXPECT_EQ(q.stats().records, 9u);
    EXPECT_EQ(r.count(level::warning, "00000000000000000001.seg"), 1u);
    const auto got = read_n(q, 9);
    ASSERT_EQ(numbers(got), range(1, 9));
    EXPECT_EQ(got.back().payload, payload_of(9));
    // new records go to a new segment, after every number used
    push_one(q, "new", "record");
    const auto more = read_n(q, 1);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_EQ(more[0].number, 11u);
    EXPECT_EQ(more[0].payload, "record");
    EXPECT_EQ(q.stats().damaged, 1u);  // read again, not counted again
    q.rewind();
    EXPECT_EQ(read_n(q, 10).size(), 10u);
    EXPECT_EQ(q.stats().damaged, 1u);
}

TEST(disk_queue, a_torn_record_header_is_skipped) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path()), nullptr);
        push_n(q, 1, 3);
    }
    const auto seg = segments_in(dir.path()).at(0);
    fs::resize_file(seg, 2 * record_size + 5);
    disk_queue q(options(dir.path()), nullptr);
    EXPECT_EQ(q.stats().damaged, 1u);
    EXPECT_EQ(numbers(read_n(q, 2)), range(1, 2));
}

TEST(disk_queue, a_flipped_byte_skips_one_record) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path()), nullptr);
        push_n(q, 1, 20);
    }
    const auto seg = segments_in(dir.path()).at(0);
    // in the payload of record 10
    const auto offset = 9 * record_size + record_size - 3;
    rewrite_byte(seg, offset, static_cast<char>(byte_at(seg, offset) ^ 0x10));

    reports r;
    disk_queue q(options(dir.path()), r.fn());
    EXPECT_EQ(q.stats().damaged, 1u);
    EXPECT_EQ(q.stats().records, 19u);
    ASSERT_EQ(r.count(level::warning, "00000000000000000001.seg"), 1u);
    EXPECT_EQ(r.count(level::warning, "checksum"), 1u);
    auto expected = range(1, 9);
    for (auto n : range(11, 20)) expected.push_back(n);
    const auto got = read_n(q, 19);
    ASSERT_EQ(numbers(got), expected);
    for (const auto& rec : got) EXPECT_EQ(rec.payload, payload_of(rec.number));
    q.acknowledge(20);
    EXPECT_EQ(q.stats().records, 0u);
}

TEST(disk_queue, a_damaged_length_is_skipped_by_looking_for_the_next_record) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path()), nullptr);
        push_n(q, 1, 20);
    }
    const auto seg = segments_in(dir.path()).at(0);
    // the length of record 5 becomes huge, of record 12 a little shorter
    rewrite_byte(seg, 4 * record_size + 3, '\x7f');
    rewrite_byte(seg, 11 * record_size, static_cast<char>(byte_at(seg, 11 * record_size) - 4));

    reports r;
    disk_queue q(options(dir.path()), r.fn());
    EXPECT_EQ(q.stats().damaged, 2u);
    // once per segment
    EXPECT_EQ(r.count(level::warning, "00000000000000000001.seg"), 1u);
    std::vector<std::uint64_t> expected;
    for (auto n : range(1, 20))
        if (n != 5 && n != 12) expected.push_back(n);
    EXPECT_EQ(numbers(read_n(q, 18)), expected);
}

TEST(disk_queue, damage_in_one_segment_leaves_the_others_alone) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path(), 10 * record_size), nullptr);
        push_n(q, 1, 30);
    }
    const auto segs = segments_in(dir.path());
    ASSERT_EQ(segs.size(), 3u);
    // the middle segment is garbage from its third record on
    const std::string garbage(8 * record_size, '\xa5');
    {
        std::fstream f(segs[1], std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(2 * record_size));
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    reports r;
    disk_queue q(options(dir.path(), 10 * record_size), r.fn());
    EXPECT_EQ(q.stats().damaged, 1u);
    EXPECT_EQ(r.count(level::warning, "00000000000000000011.seg"), 1u);
    auto expected = range(1, 12);
    for (auto n : range(21, 30)) expected.push_back(n);
    EXPECT_EQ(numbers(read_n(q, expected.size())), expected);
}

TEST(disk_queue, a_damaged_or_missing_ledger_sends_everything_again) {
    temp_dir dir;
    {
        disk_queue q(options(dir.path()), nullptr);
        push_n(q, 1, 10);
        ASSERT_EQ(read_n(q, 10).size(), 10u);
        q.acknowledge(6);
    }
    // the ledger took the acknowledgement: only 7-10 come back
    {
        disk_queue q(options(dir.path()), nullptr);
        EXPECT_EQ(numbers(read_n(q, 4)), range(7, 10));
    }
    // damaged: everything still in the files comes back, with a warning
    rewrite_byte(dir / "ledger", 10, '\x55');
    {
        reports r;
        disk_queue q(options(dir.path()), r.fn());
        EXPECT_EQ(r.count(level::warning, "ledger"), 1u);
        EXPECT_EQ(q.stats().records, 10u);
        EXPECT_EQ(numbers(read_n(q, 10)), range(1, 10));
        q.acknowledge(3);
    }
    // cut short
    fs::resize_file(dir / "ledger", 5);
    {
        disk_queue q(options(dir.path()), nullptr);
        EXPECT_EQ(numbers(read_n(q, 10)), range(1, 10));
    }
    // gone
    fs::remove(dir / "ledger");
    {
        reports r;
        disk_queue q(options(dir.path()), r.fn());
        EXPECT_EQ(r.count(level::warning, "ledger"), 1u);
        EXPECT_EQ(numbers(read_n(q, 10)), range(1, 10));
        push_one(q, "x", "y");
        EXPECT_EQ(numbers(read_n(q, 1)), std::vector<std::uint64_t>{11});
    }
}

TEST(disk_queue, files_it_does_not_know_are_left_alone) {
    temp_dir dir;
    std::ofstream(dir / "notes.txt") << "mine";
    std::ofstream(dir / "123.seg") << "not a segment name";
    std::ofstream(dir / "00000000000000000000.seg") << "number 0 is none";
    {
        disk_queue q(options(dir.path(), record_size), nullptr);
        push_n(q, 1, 5);
        ASSERT_EQ(read_n(q, 5).size(), 5u);
        q.acknowledge(5);
    }
    disk_queue q(options(dir.path(), record_size), nullptr);
    EXPECT_TRUE(fs::exists(dir / "notes.txt"));
    EXPECT_TRUE(fs::exists(dir / "123.seg"));
    EXPECT_TRUE(fs::exists(dir / "00000000000000000000.seg"));
    EXPECT_EQ(slotlog::testing::read_all(dir / "notes.txt"), "mine");
    EXPECT_EQ(q.stats().damaged, 0u);
    EXPECT_EQ(q.stats().records, 0u);
}

TEST(disk_queue, open_fails_only_when_the_folder_cannot_be_made) {
    temp_dir dir;
    std::ofstream(dir / "file") << "x";
    try {
        disk_queue q(options(dir / "file" / "queue"), nullptr);
        FAIL() << "opened a queue under a file";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("queue"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("cannot"), std::string::npos) << e.what();
    }
    // a folder that is missing is made, with its parents
    disk_queue q(options(dir / "a" / "b" / "c"), nullptr);
    EXPECT_TRUE(fs::is_directory(dir / "a" / "b" / "c"));
}

TEST(disk_queue, a_full_queue_refuses_until_acknowledged) {
    temp_dir dir;
    // four segments of five records hold it all
    disk_queue q(options(dir.path(), 5 * record_size, 20 * record_size), nullptr);
    push_n(q, 1, 20);
    EXPECT_EQ(q.push(id_of(21), payload_of(21)), push_result::full);
    EXPECT_EQ(q.push(id_of(21), payload_of(21)), push_result::full);
    EXPECT_EQ(q.stats().full_drops, 2u);
    EXPECT_EQ(q.stats().bytes, 20 * record_size);

    ASSERT_EQ(read_n(q, 20).size(), 20u);
    q.acknowledge(3);  // no segment is done yet
    EXPECT_EQ(q.push(id_of(21), payload_of(21)), push_result::full);
    q.acknowledge(5);  // the first one is
    push_n(q, 21, 25);
    EXPECT_EQ(q.push(id_of(26), payload_of(26)), push_result::full);
    q.acknowledge(25);  // everything, the segment being written too
    push_n(q, 26, 45);
    EXPECT_EQ(q.push(id_of(46), payload_of(46)), push_result::full);
    EXPECT_EQ(q.stats().full_drops, 5u);
    EXPECT_EQ(numbers(read_n(q, 20)), range(26, 45));
    // a record larger than the whole queue never fits
    q.acknowledge(45);
    EXPECT_EQ(q.push("big", std::string(21 * record_size, 'x')), push_result::full);
}

TEST(disk_queue, a_segment_larger_than_the_queue_is_let_go_when_done) {
    temp_dir dir;
    disk_queue q(options(dir.path(), 1u << 20, 10 * record_size), nullptr);
    for (int round = 0; round < 3; ++round) {
        const auto first = static_cast<std::size_t>(round * 10 + 1);
        push_n(q, first, first + 9);
        EXPECT_EQ(q.push("x", "y"), push_result::full);
        ASSERT_EQ(numbers(read_n(q, 10)), range(first, first + 9));
        q.acknowledge(first + 9);
    }
    EXPECT_EQ(segments_in(dir.path()).size(), 1u);
}

TEST(disk_queue, a_push_waits_for_room_while_the_sender_acknowledges) {
    temp_dir dir;
    disk_queue q(options(dir.path(), 5 * record_size, 10 * record_size), nullptr);
    push_n(q, 1, 10);
    ASSERT_EQ(q.push(id_of(11), payload_of(11)), push_result::full);
    ASSERT_EQ(read_n(q, 10).size(), 10u);

    flag pushing;
    std::thread sender([&] {
        ASSERT_TRUE(pushing.wait());
        q.acknowledge(5);
    });
    pushing.set();
    const auto result = q.push(id_of(11), payload_of(11), 30s);
    sender.join();
    EXPECT_EQ(result, push_result::ok);
    EXPECT_EQ(q.flush(), 0u);
    EXPECT_EQ(numbers(read_n(q, 1)), std::vector<std::uint64_t>{11});
    EXPECT_EQ(q.stats().full_drops, 1u);

    // and a waiting push gives up at close()
    push_n(q, 12, 15);
    flag waiting;
    std::thread stopper([&] {
        ASSERT_TRUE(waiting.wait());
        q.close();
    });
    waiting.set();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(q.push("x", "y", 60s), push_result::full);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
    stopper.join();
}

TEST(disk_queue, a_waiting_read_returns_at_a_push_and_at_close) {
    temp_dir dir;
    disk_queue q(options(dir.path()), nullptr);
    {
        flag reading;
        std::vector<queued_record> out;
        bool got = false;
        auto start = std::chrono::steady_clock::now();
        std::thread reader([&] {
            reading.set();
            got = q.read(out, 10, 60s);
        });
        ASSERT_TRUE(reading.wait());
        push_one(q, "a", "b");
        reader.join();
        EXPECT_TRUE(got);
        EXPECT_EQ(numbers(out), std::vector<std::uint64_t>{1});
        EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
    }
    {
        flag reading;
        std::vector<queued_record> out;
        bool got = true;
        auto start = std::chrono::steady_clock::now();
        std::thread reader([&] {
            reading.set();
            got = q.read(out, 10, 60s);
        });
        ASSERT_TRUE(reading.wait());
        q.close();
        reader.join();
        EXPECT_FALSE(got);
        EXPECT_TRUE(out.empty());
        EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
    }
    // closed: no more waiting, but what is there is still read
    std::vector<queued_record> out;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(q.read(out, 10, 60s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
    push_one(q, "c", "d");
    EXPECT_TRUE(q.read(out, 10, 60s));
}

TEST(disk_queue, one_thread_pushes_while_another_reads_and_acknowledges) {
    temp_dir dir;
    constexpr std::size_t total = 100000;
    disk_queue q(options(dir.path(), 1u << 20), nullptr);
    std::atomic<bool> push_failed{false};
    std::thread writer([&] {
        // written in batches of 100, as the writer thread's
        for (std::size_t i = 1; i <= total; ++i) {
            if (q.push(id_of(i), payload_of(i), 10s) != push_result::ok) push_failed = true;
            if (i % 100 == 0 || i == total) q.flush();
        }
    });
    std::uint64_t expected = 1;
    bool in_order = true;
    std::vector<queued_record> batch;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (expected <= total && std::chrono::steady_clock::now() < deadline) {
        batch.clear();
        if (!q.read(batch, 500, 100ms)) continue;
        for (const auto& rec : batch) {
            if (rec.number != expected || rec.id != id_of(expected) || rec.payload != payload_of(expected))
                in_order = false;
            ++expected;
        }
        q.acknowledge(batch.back().number);
    }
    writer.join();
    EXPECT_FALSE(push_failed);
    EXPECT_TRUE(in_order);
    EXPECT_EQ(expected, total + 1);
    const auto s = q.stats();
    EXPECT_EQ(s.pushed, total);
    EXPECT_EQ(s.acknowledged, total);
    EXPECT_EQ(s.records, 0u);
    EXPECT_EQ(s.damaged, 0u);
    EXPECT_LE(segments_in(dir.path()).size(), 1u);
}

TEST(disk_queue, fifty_megabytes_are_read_from_the_files) {
    temp_dir dir;
    constexpr std::size_t count = 5000;
    const std::string payload(10000, 'm');
    {
        disk_queue q(options(dir.path(), 1u << 20), nullptr);
        for (std::size_t i = 1; i <= count; ++i) ASSERT_EQ(q.push(id_of(i), payload), push_result::ok);
        ASSERT_EQ(q.flush(), 0u);
        const auto s = q.stats();
        EXPECT_GE(s.bytes, count * payload.size());
        EXPECT_EQ(s.records, count);
        EXPECT_GE(segments_in(dir.path()).size(), 45u);
    }
    // after a restart too: read in batches, acknowledged as they go
    disk_queue q(options(dir.path(), 1u << 20), nullptr);
    EXPECT_EQ(q.stats().records, count);
    std::uint64_t expected = 1;
    std::vector<queued_record> batch;
    while (expected <= count) {
        batch.clear();
        ASSERT_TRUE(q.read(batch, 100, 1s));
        for (const auto& rec : batch) {
            ASSERT_EQ(rec.number, expected);
            ASSERT_EQ(rec.payload.size(), payload.size());
            ++expected;
        }
        q.acknowledge(batch.back().number);
    }
    EXPECT_LT(q.stats().bytes, 2u << 20);
    EXPECT_LE(segments_in(dir.path()).size(), 2u);
}

TEST(disk_queue, syncing_every_push_works) {
    temp_dir dir;
    auto o = options(dir.path());
    o.fsync_interval = 0ms;
    {
        disk_queue q(o, nullptr);
        push_n(q, 1, 20);
        ASSERT_EQ(read_n(q, 20).size(), 20u);
        q.acknowledge(15);
    }
    disk_queue q(o, nullptr);
    EXPECT_EQ(numbers(read_n(q, 5)), range(16, 20));
}

TEST(disk_queue, pushed_records_are_held_until_the_flush_writes_them_together) {
    temp_dir dir;
    disk_queue q(options(dir.path()), nullptr);
    for (std::size_t i = 1; i <= 3; ++i) ASSERT_EQ(q.push(id_of(i), payload_of(i)), push_result::ok);
    std::vector<queued_record> out;
    EXPECT_FALSE(q.read(out, 10, 0ms));  // the reader sees only what was written
    EXPECT_EQ(q.stats().records, 0u);
    EXPECT_EQ(fs::file_size(segments_in(dir.path()).at(0)), 0u);
    EXPECT_EQ(q.flush(), 0u);
    EXPECT_EQ(fs::file_size(segments_in(dir.path()).at(0)), 3 * record_size);
    EXPECT_EQ(numbers(read_n(q, 3)), range(1, 3));
    EXPECT_EQ(q.stats().records, 3u);
    EXPECT_EQ(q.flush(), 0u);  // nothing held: nothing to do
}

TEST(disk_queue, held_records_start_a_new_segment_and_survive_a_close) {
    temp_dir dir;
    {
        // segments of five records: twelve held ones go to three segments
        disk_queue q(options(dir.path(), 5 * record_size), nullptr);
        for (std::size_t i = 1; i <= 12; ++i) ASSERT_EQ(q.push(id_of(i), payload_of(i)), push_result::ok);
        EXPECT_EQ(segments_in(dir.path()).size(), 3u);
        EXPECT_EQ(numbers(read_n(q, 10)), range(1, 10));
        // the last two are written when the queue closes
    }
    disk_queue q(options(dir.path(), 5 * record_size), nullptr);
    const auto got = read_n(q, 12);
    ASSERT_EQ(numbers(got), range(1, 12));
    EXPECT_EQ(got.back().payload, payload_of(12));
}

TEST(disk_queue, a_full_queue_writes_what_it_holds_before_it_refuses_or_waits) {
    temp_dir dir;
    disk_queue q(options(dir.path(), 5 * record_size, 10 * record_size), nullptr);
    for (std::size_t i = 1; i <= 10; ++i) ASSERT_EQ(q.push(id_of(i), payload_of(i)), push_result::ok);
    EXPECT_EQ(q.push(id_of(11), payload_of(11)), push_result::full);
    EXPECT_EQ(q.stats().full_drops, 1u);
    EXPECT_EQ(numbers(read_n(q, 10)), range(1, 10));
    q.acknowledge(10);

    // the held records fill the queue: a push that waits for room writes them
    // first, or the sender could never acknowledge them to make room
    for (std::size_t i = 11; i <= 20; ++i) ASSERT_EQ(q.push(id_of(i), payload_of(i)), push_result::ok);
    std::thread sender([&] {
        const auto got = read_n(q, 10, 30s);
        if (!got.empty()) q.acknowledge(got.back().number);
    });
    EXPECT_EQ(q.push(id_of(21), payload_of(21), 30s), push_result::ok);
    sender.join();
    EXPECT_EQ(q.flush(), 0u);
    EXPECT_EQ(numbers(read_n(q, 1)), std::vector<std::uint64_t>{21});
    EXPECT_EQ(q.stats().full_drops, 1u);
}
