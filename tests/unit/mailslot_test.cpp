#include <gtest/gtest.h>

#include <slotlog/client.h>
#include <slotlog/mailslot_wire.h>
#include <slotlog/platform.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "udp_receiver.h"

#ifdef _WIN32
#include <windows.h>
#endif

// the same round trips run on posix (unix datagram sockets) and under wine /
// windows (real mailslots); what only one of them has is skipped elsewhere

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using slotlog::mailslot_empty;
using slotlog::mailslot_error;
using slotlog::mailslot_reader;
using slotlog::mailslot_writer;

namespace {

void set_env(const char* name, const std::string& value) {
#ifdef _WIN32
    _putenv_s(name, value.c_str());
#else
    setenv(name, value.c_str(), 1);
#endif
}

void unset_env(const char* name) {
#ifdef _WIN32
    _putenv_s(name, "");
#else
    unsetenv(name);
#endif
}

std::string random_suffix() {
    static std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(rng() % 1000000000);
}

// a private runtime folder and a slot name that no other process uses (under
// wine, mailslots are shared by everything running in the prefix)
class mailslot : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string id = random_suffix();
        dir_ = fs::temp_directory_path() / ("slotlog-test-" + id);
        set_env("SLOTLOG_RUNTIME_DIR", dir_.string());
        name_ = "slotlog-test-" + id;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string broadcast() const { return R"(\\*\mailslot\)" + name_; }
    fs::path socket_file() const { return slotlog::slot_socket_path(slotlog::parse_slot_name(name_)); }

    fs::path dir_;
    std::string name_;
};

// the message of the mailslot_error that f throws
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const mailslot_empty&) {
        return "mailslot_empty";
    } catch (const mailslot_error& e) {
        return e.what();
    }
    return "no error";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool under_wine() {
#ifdef _WIN32
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    return ntdll && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
#else
    return false;
#endif
}

} // namespace

// on linux a slot queues net.unix.max_dgram_qlen (10) messages before a
// sender waits, so one thread never puts more than that ahead of its reads

TEST_F(mailslot, round_trip_keeps_order) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    for (int i = 0; i < 5; ++i) writer.put("message " + std::to_string(i));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(reader.get(true, 5s), "message " + std::to_string(i));
    std::thread sender([&] {
        for (int i = 0; i < 500; ++i) writer.put("message " + std::to_string(i));
    });
    for (int i = 0; i < 500; ++i) ASSERT_EQ(reader.get(true, 5s), "message " + std::to_string(i));
    sender.join();
    EXPECT_EQ(reader.slot().name, name_);
}

TEST_F(mailslot, names_are_case_insensitive) {
    mailslot_reader reader(R"(\\.\MAILSLOT\)" + name_);
    mailslot_writer writer(name_);
    writer.put("hello");
    EXPECT_EQ(reader.get(true, 5s), "hello");
}

TEST_F(mailslot, binary_payloads) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    const std::string with_nuls("a\0b\0\0c", 6);
    writer.put(all);
    writer.put(with_nuls);
    writer.put("\xff\xfe invalid utf-8 \xc3");
    EXPECT_EQ(reader.get(true, 5s), all);
    EXPECT_EQ(reader.get(true, 5s), with_nuls);
    EXPECT_EQ(reader.get(true, 5s), "\xff\xfe invalid utf-8 \xc3");
}

TEST_F(mailslot, empty_message) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    writer.put("");
    writer.put("after");
    EXPECT_EQ(reader.get(true, 5s), "");
    EXPECT_EQ(reader.get(true, 5s), "after");
}

TEST_F(mailslot, large_message_arrives_whole) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    std::string big(100 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    writer.put(big);
    writer.put("small");
    const auto got = reader.get(true, 5s);
    EXPECT_EQ(got.size(), big.size());
    EXPECT_TRUE(got == big) << "the content differs";
    EXPECT_EQ(reader.get(true, 5s), "small");
    // and one that arrives while the reader waits
    const auto asked = std::chrono::steady_clock::now();
    std::thread later([&] {
        std::this_thread::sleep_for(100ms);
        writer.put(big);
    });
    const auto waited = reader.get(true, 5s);
    later.join();
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 90ms) << "get returned before the message was written";
    EXPECT_EQ(waited.size(), big.size());
    EXPECT_TRUE(waited == big) << "the content differs";
}

TEST_F(mailslot, get_times_out_with_mailslot_empty) {
    mailslot_reader reader(name_);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(error_of([&] { reader.get(true, 300ms); }), "mailslot_empty");
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 5s);
}

TEST_F(mailslot, non_blocking_get) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    const auto start = std::chrono::steady_clock::now();
    // block=false ignores the timeout, as in winsys and python's queue
    EXPECT_EQ(error_of([&] { reader.get(false, 1s); }), "mailslot_empty");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
    std::string m;
    EXPECT_FALSE(reader.try_get(m));
    writer.put("one");
    writer.put("two");
    EXPECT_EQ(reader.get(false), "one");
    EXPECT_TRUE(reader.try_get(m));
    EXPECT_EQ(m, "two");
    EXPECT_FALSE(reader.try_get(m));
}

TEST_F(mailslot, blocking_get_waits_for_a_writer) {
    mailslot_reader reader(name_);
    const auto asked = std::chrono::steady_clock::now();
    std::thread later([&] {
        std::this_thread::sleep_for(200ms);
        mailslot_writer(name_).put("late");
    });
    EXPECT_EQ(reader.get(), "late");
    later.join();
    // the writer wrote 200 ms after the reader began waiting: get really blocked
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 190ms);
}

TEST_F(mailslot, iteration) {
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    for (const char* w : {"the", "quick", "brown", "fox", "STOP"}) writer.put(w);
    std::vector<std::string> words;
    for (const auto& m : reader) {
        if (m == "STOP") break;
        words.push_back(m);
    }
    EXPECT_EQ(words, (std::vector<std::string>{"the", "quick", "brown", "fox"}));
}

TEST_F(mailslot, second_live_reader_is_refused) {
    mailslot_reader first(name_);
    const auto what = error_of([&] { mailslot_reader second(name_); });
    EXPECT_TRUE(contains(what, "slot '" + name_ + "' is already being read by another process")) << what;
    // the first one still works
    mailslot_writer(name_).put("still here");
    EXPECT_EQ(first.get(true, 5s), "still here");
}

TEST_F(mailslot, writer_to_a_local_slot_without_reader_fails) {
    mailslot_writer writer(name_);
    const auto what = error_of([&] { writer.put("anyone?"); });
    EXPECT_TRUE(contains(what, "no collector is reading slot '" + name_ + "'")) << what;
}

// the runtime rule (posix): a writer without SLOTLOG_RUNTIME_DIR tries the
// system collector's folder first, then its own. a folder of the test stands
// in for /run/slotlog (writer_options::system_runtime_dir); the real one is
// tried by tests/integration/test_runtime_rule.py, as nobody against root

// a reader of name_ created in folder, as a collector whose runtime folder it is
std::unique_ptr<mailslot_reader> reader_in(const fs::path& folder, const std::string& name) {
    set_env("SLOTLOG_RUNTIME_DIR", folder.string());
    auto reader = std::make_unique<mailslot_reader>(name);
    unset_env("SLOTLOG_RUNTIME_DIR");
    return reader;
}

TEST_F(mailslot, a_writer_without_runtime_dir_reaches_the_system_collector) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    const fs::path system = dir_ / "system";
    const auto reader = reader_in(system, name_);
    slotlog::writer_options options;
    options.system_runtime_dir = system;
    mailslot_writer(name_, options).put("to the system's collector");
    EXPECT_EQ(reader->get(true, 5s), "to the system's collector");
    // ... and only without SLOTLOG_RUNTIME_DIR, which names the one folder to use
    set_env("SLOTLOG_RUNTIME_DIR", (dir_ / "private").string());
    const auto what = error_of([&] { mailslot_writer(name_, options).put("x"); });
    EXPECT_TRUE(contains(what, "(tried " + (dir_ / "private" / name_).string() + ")")) << what;
}

TEST_F(mailslot, no_collector_names_every_socket_tried) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    const fs::path system = dir_ / "system";
    {
        // a stale socket in the system folder (its collector crashed) is passed over
        const auto dead = reader_in(system, name_);
        fs::create_hard_link(system / name_, dir_ / "kept");
    }
    fs::rename(dir_ / "kept", system / name_);
    unset_env("SLOTLOG_RUNTIME_DIR");
    slotlog::writer_options options;
    options.system_runtime_dir = system;
    const auto what = error_of([&] { mailslot_writer(name_, options).put("anyone?"); });
    const fs::path own = slotlog::runtime_dir() / name_;
    EXPECT_TRUE(contains(what, "no collector is reading slot '" + name_ + "' (tried " + (system / name_).string() +
                                   " and " + own.string() + ")"))
        << what;
}

TEST_F(mailslot, a_writer_falls_back_on_its_own_runtime_folder) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    unset_env("SLOTLOG_RUNTIME_DIR");
    if (slotlog::runtime_dir() == slotlog::default_system_runtime_dir) {
        // root: its own folder is the system's, the one place to look
        EXPECT_EQ(slotlog::writer_socket_paths(slotlog::parse_slot_name(name_)),
                  std::vector<fs::path>{fs::path(slotlog::default_system_runtime_dir) / name_});
        return;
    }
    const char* xdg = std::getenv("XDG_RUNTIME_DIR");
    const std::string saved = xdg ? xdg : "";
    set_env("XDG_RUNTIME_DIR", (dir_ / "xdg").string());
    {
        mailslot_reader own(name_);
        EXPECT_TRUE(fs::is_socket(dir_ / "xdg" / "slotlog" / name_));
        slotlog::writer_options options;
        options.system_runtime_dir = dir_ / "system";  // no collector there
        mailslot_writer(name_, options).put("to my own collector");
        EXPECT_EQ(own.get(true, 5s), "to my own collector");
    }
    if (xdg) {
        set_env("XDG_RUNTIME_DIR", saved);
    } else {
        unset_env("XDG_RUNTIME_DIR");
    }
}

TEST_F(mailslot, broadcast_without_reader_succeeds) {
    mailslot_writer writer(broadcast());
    try {
        writer.put("fire and forget");
    } catch (const mailslot_error& e) {
        if (e.code() == 3025) GTEST_SKIP() << "remote mailslots are disabled by policy on this host";
        FAIL() << e.what();
    }
}

TEST_F(mailslot, broadcast_reaches_the_local_reader) {
    mailslot_reader reader(name_);
    mailslot_writer writer(broadcast());
    try {
        for (const char* w : {"the", "quick", "brown", "fox", "STOP"}) writer.put(w);
    } catch (const mailslot_error& e) {
        if (e.code() == 3025) GTEST_SKIP() << "remote mailslots are disabled by policy on this host";
        throw;
    }
    std::vector<std::string> words;
    for (;;) {
        const auto w = reader.get(true, 5s);
        if (w == "STOP") break;
        words.push_back(w);
    }
    EXPECT_EQ(words, (std::vector<std::string>{"the", "quick", "brown", "fox"}));
}

TEST_F(mailslot, network_messages_over_the_limit_are_refused_before_sending) {
    mailslot_reader reader(name_);
    for (const std::string& slot : {broadcast(), R"(\\somehost\mailslot\)" + name_}) {
        mailslot_writer writer(slot);
        // 424 bytes for "logger"; a longer name leaves less room
        const std::size_t limit = slotlog::network_message_limit(writer.slot());
        ASSERT_GT(limit, 300u);
        ASSERT_LE(limit, 424u);
        const auto what = error_of([&] { writer.put(std::string(limit + 1, 'x')); });
        EXPECT_TRUE(contains(what, std::to_string(limit + 1) + " bytes is too long")) << what;
        EXPECT_TRUE(contains(what, "limited to " + std::to_string(limit) + " bytes")) << what;
    }
    std::string m;
    EXPECT_FALSE(reader.try_get(m));
}

TEST_F(mailslot, a_reader_cannot_create_a_remote_slot) {
    EXPECT_THROW(mailslot_reader(R"(\\somehost\mailslot\)" + name_), std::invalid_argument);
}

TEST_F(mailslot, writer_survives_a_reader_restart) {
    mailslot_writer writer(name_);
    {
        mailslot_reader reader(name_);
        writer.put("first");
        EXPECT_EQ(reader.get(true, 5s), "first");
    }
    EXPECT_TRUE(contains(error_of([&] { writer.put("nobody"); }), "no collector")) << "reader gone";
    mailslot_reader again(name_);
    writer.put("second");
    EXPECT_EQ(again.get(true, 5s), "second");
}

TEST_F(mailslot, slow_reader_loses_nothing) {
    mailslot_reader reader(name_);
    constexpr int count = 3000;
    std::thread sender([&] {
        mailslot_writer writer(name_);
        for (int i = 0; i < count; ++i) writer.put(std::to_string(i));
    });
    std::this_thread::sleep_for(300ms);  // let the queue fill: the sender waits
    for (int i = 0; i < count; ++i) ASSERT_EQ(reader.get(true, 10s), std::to_string(i));
    sender.join();
}

TEST_F(mailslot, concurrent_writers) {
    mailslot_reader reader(name_);
    constexpr int threads = 4, each = 500;
    mailslot_writer shared(name_);
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < each; ++i) shared.put(std::to_string(t) + ":" + std::to_string(i));
        });
    }
    std::vector<int> next(threads, 0);
    for (int n = 0; n < threads * each; ++n) {
        const auto m = reader.get(true, 10s);
        const int t = std::stoi(m.substr(0, m.find(':')));
        ASSERT_EQ(m, std::to_string(t) + ":" + std::to_string(next[static_cast<std::size_t>(t)]++));
    }
    for (auto& s : senders) s.join();
}

TEST_F(mailslot, max_message_size_drops_only_the_oversized_message) {
    mailslot_reader reader(name_, 16);
    mailslot_writer writer(name_);
    // windows refuses it at the writer; posix drops it at the reader with an error
    std::string refused = error_of([&] { writer.put(std::string(32, 'x')); });
    if (refused == "no error") refused = error_of([&] { reader.get(true, 5s); });
    EXPECT_NE(refused, "no error");
    EXPECT_NE(refused, "mailslot_empty");
    writer.put("fits");
    EXPECT_EQ(reader.get(true, 5s), "fits");
}

// ---- posix: the socket file ----

TEST_F(mailslot, reader_creates_the_folder_and_a_world_writable_socket) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    ASSERT_FALSE(fs::exists(dir_));
    {
        mailslot_reader reader(name_);
        ASSERT_TRUE(fs::is_socket(socket_file()));
        EXPECT_EQ(fs::status(socket_file()).permissions() & fs::perms::all, fs::perms(0666));
        EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms(0755));
    }
    EXPECT_FALSE(fs::exists(socket_file())) << "the reader removes its socket";
}

TEST_F(mailslot, stale_socket_is_replaced) {
    if (slotlog::on_windows) GTEST_SKIP() << "a windows mailslot vanishes with its reader: nothing stale is left";
    // a second name for the socket outlives the reader, like the file of a reader that crashed
    const fs::path keep = dir_ / "kept";
    {
        mailslot_reader dead(name_);
        fs::create_hard_link(socket_file(), keep);
    }
    fs::rename(keep, socket_file());
    ASSERT_TRUE(fs::is_socket(socket_file()));
    EXPECT_TRUE(contains(error_of([&] { mailslot_writer(name_).put("x"); }), "no collector"));

    mailslot_reader reader(name_);
    mailslot_writer(name_).put("after a crash");
    EXPECT_EQ(reader.get(true, 5s), "after a crash");
}

TEST_F(mailslot, a_file_that_is_not_a_socket_is_left_alone) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    fs::create_directories(dir_);
    std::ofstream(socket_file()) << "not a socket";
    const auto what = error_of([&] { mailslot_reader reader(name_); });
    EXPECT_TRUE(contains(what, "is not a socket")) << what;
    EXPECT_TRUE(fs::is_regular_file(socket_file()));
}

TEST_F(mailslot, closing_never_removes_a_successors_socket) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    auto old = std::make_unique<mailslot_reader>(name_);
    fs::remove(socket_file());  // someone cleaned up under the old reader
    mailslot_reader successor(name_);
    old.reset();
    ASSERT_TRUE(fs::is_socket(socket_file()));
    mailslot_writer(name_).put("to the successor");
    EXPECT_EQ(successor.get(true, 5s), "to the successor");
}

TEST_F(mailslot, socket_path_too_long_is_a_clear_error) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows slots are mailslots, not socket files";
    set_env("SLOTLOG_RUNTIME_DIR", (dir_ / std::string(120, 'd')).string());
    const auto what = error_of([&] { mailslot_reader reader(name_); });
    EXPECT_TRUE(contains(what, "the limit is")) << what;
    EXPECT_TRUE(contains(what, "SLOTLOG_RUNTIME_DIR")) << what;
}

TEST_F(mailslot, oversized_datagram_is_a_clear_error) {
    if (slotlog::on_windows) GTEST_SKIP() << "local windows mailslots take messages of any size";
    mailslot_reader reader(name_);
    mailslot_writer writer(name_);
    const auto what = error_of([&] { writer.put(std::string(64 * 1024 * 1024, 'x')); });
    EXPECT_TRUE(contains(what, "67108864 bytes is too large")) << what;
}

TEST_F(mailslot, subfolder_names_get_their_own_socket) {
    mailslot_reader plain(name_ + ".b");
    mailslot_reader sub(name_ + R"(\b)");
    mailslot_writer(name_ + R"(\b)").put("sub");
    mailslot_writer(name_ + ".b").put("plain");
    EXPECT_EQ(sub.get(true, 5s), "sub");
    EXPECT_EQ(plain.get(true, 5s), "plain");
}

// ---- to other machines: the mailslot datagram over udp ----

namespace {

using slotlog::network_transport;
using slotlog::writer_options;
using slotlog::testing::udp_receiver;
namespace wire = slotlog::wire;

// what the writer puts in the datagram's source name
std::string this_netbios_name() {
    std::string name = slotlog::local_host_name();
    name = name.substr(0, name.find('.'));
    for (char& c : name) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return name.substr(0, 15);
}

// options that reach only this test's receivers
writer_options to_loopback(network_transport t, std::uint16_t netbios_port, std::uint16_t broadcast_port) {
    writer_options o;
    o.transport = t;
    o.netbios_port = netbios_port;
    o.broadcast_port = broadcast_port;
    o.broadcast_to = {"127.0.0.1"};
    o.workgroup = "SLOTTEST";
    return o;
}

// the datagram's mailslot write, checked the way every test wants it
struct received {
    wire::datagram_type type{};
    std::string source, destination, mailslot, data;
    std::array<std::uint8_t, 4> source_ip{};
    std::uint16_t source_port = 0;
};

std::optional<received> receive_write(udp_receiver& r, std::chrono::milliseconds timeout = 5s) {
    const auto packet = r.receive(timeout);
    if (!packet) return std::nullopt;
    const auto decoded = wire::decode(*packet);
    if (!decoded.write) {
        ADD_FAILURE() << "not a mailslot write: " << decoded.error;
        return std::nullopt;
    }
    const auto& w = *decoded.write;
    return received{w.type, w.source.name, w.destination.name, std::string(w.mailslot), std::string(w.data),
                    w.source_ip, w.source_port};
}

} // namespace

TEST_F(mailslot, broadcast_transport_sends_one_group_datagram_to_the_broadcast_port) {
    udp_receiver netbios, broadcast_port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::broadcast, netbios.port(), broadcast_port.port()));
    const std::string message = std::string("exact \0 bytes \xff", 15) + std::string(300, 'x');
    writer.put(message);
    const auto w = receive_write(broadcast_port);
    ASSERT_TRUE(w) << "no datagram on the broadcast port";
    EXPECT_EQ(w->type, wire::datagram_type::direct_group);
    EXPECT_EQ(w->mailslot, wire::mailslot_path(name_));
    EXPECT_EQ(w->mailslot.rfind("\\MAILSLOT\\SLOTLOG-TEST-", 0), 0u) << w->mailslot;
    EXPECT_EQ(w->destination, "SLOTTEST");
    EXPECT_EQ(w->source, this_netbios_name());
    EXPECT_EQ(w->data, message);
    EXPECT_EQ(w->source_ip, (std::array<std::uint8_t, 4>{127, 0, 0, 1}));
    EXPECT_EQ(w->source_port, 138);
    EXPECT_FALSE(broadcast_port.receive(300ms)) << "one datagram per message";
    EXPECT_FALSE(netbios.receive(50ms)) << "nothing on the netbios port";
}

TEST_F(mailslot, broadcast_transport_leaves_the_local_reader_alone) {
    mailslot_reader reader(name_);
    udp_receiver port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::broadcast, port.port(), port.port()));
    writer.put("over udp only");
    ASSERT_TRUE(receive_write(port));
    std::string m;
    EXPECT_FALSE(reader.try_get(m)) << m;
}

TEST_F(mailslot, mailslot_transport_sends_to_the_netbios_port) {
    if (slotlog::on_windows) GTEST_SKIP() << "windows sends mailslot writes itself (CreateFile)";
    udp_receiver netbios, broadcast_port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::mailslot, netbios.port(), broadcast_port.port()));
    writer.put("to 138");
    const auto w = receive_write(netbios);
    ASSERT_TRUE(w) << "no datagram on the netbios port";
    EXPECT_EQ(w->type, wire::datagram_type::direct_group);
    EXPECT_EQ(w->destination, "SLOTTEST");
    EXPECT_EQ(w->source, this_netbios_name());
    EXPECT_EQ(w->data, "to 138");
    EXPECT_FALSE(broadcast_port.receive(200ms)) << "nothing on the broadcast port";
}

TEST_F(mailslot, automatic_is_the_mailslot_protocol_and_still_reaches_the_local_reader) {
    if (slotlog::on_windows) GTEST_SKIP() << "see automatic_falls_back_to_the_broadcast_port";
    mailslot_reader reader(name_);
    udp_receiver netbios, broadcast_port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::automatic, netbios.port(), broadcast_port.port()));
    writer.put("here and there");
    EXPECT_EQ(reader.get(true, 5s), "here and there");
    const auto w = receive_write(netbios);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->data, "here and there");
    EXPECT_FALSE(broadcast_port.receive(200ms));
}

TEST_F(mailslot, automatic_falls_back_to_the_broadcast_port) {
    if (!under_wine()) GTEST_SKIP() << "only under wine, where remote mailslots cannot be opened";
    udp_receiver broadcast_port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::automatic, 9, broadcast_port.port()));
    writer.put("fell back");
    const auto w = receive_write(broadcast_port);
    ASSERT_TRUE(w) << "the fallback sent nothing to the broadcast port";
    EXPECT_EQ(w->type, wire::datagram_type::direct_group);
    EXPECT_EQ(w->mailslot, wire::mailslot_path(name_));
    EXPECT_EQ(w->destination, "SLOTTEST");
    EXPECT_EQ(w->data, "fell back");
    // and this machine's reader gets it too, as before
    mailslot_reader reader(name_);
    writer.put("local too");
    EXPECT_EQ(reader.get(true, 5s), "local too");
    ASSERT_TRUE(receive_write(broadcast_port));
}

TEST_F(mailslot, mailslot_transport_under_wine_is_a_clear_error) {
    if (!under_wine()) GTEST_SKIP() << "only under wine, where remote mailslots cannot be opened";
    udp_receiver port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::mailslot, port.port(), port.port()));
    const auto what = error_of([&] { writer.put("nowhere"); });
    EXPECT_TRUE(contains(what, "cannot open the remote mailslot")) << what;
    EXPECT_TRUE(contains(what, "broadcast transport")) << what;
    EXPECT_FALSE(port.receive(300ms)) << "mailslot means no udp";
}

TEST_F(mailslot, both_sends_one_datagram_per_port) {
    udp_receiver netbios, broadcast_port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::both, netbios.port(), broadcast_port.port()));
    writer.put("twice");
    const auto b = receive_write(broadcast_port);
    ASSERT_TRUE(b) << "no datagram on the broadcast port";
    EXPECT_EQ(b->data, "twice");
    EXPECT_FALSE(broadcast_port.receive(200ms)) << "one on each port";
    if (slotlog::on_windows) {
        EXPECT_FALSE(netbios.receive(50ms)) << "windows leaves 138 to itself";
        return;
    }
    const auto n = receive_write(netbios);
    ASSERT_TRUE(n) << "no datagram on the netbios port";
    EXPECT_EQ(n->data, "twice");
    EXPECT_FALSE(netbios.receive(50ms)) << "one on each port";
}

// a \\HOST name that resolves gets a direct unique datagram, unicast. the
// destination name of a dotted address is the address itself (netbios over
// tcp/ip takes such a name as the address); of a host name, its first label
TEST_F(mailslot, a_host_gets_a_unique_datagram_at_its_address) {
    udp_receiver port;
    const std::string slot = R"(\\127.0.0.1\mailslot\)" + name_;
    std::vector<network_transport> transports{network_transport::broadcast};
    if (!slotlog::on_windows) transports.push_back(network_transport::mailslot);
    for (const auto t : transports) {
        auto options = to_loopback(t, port.port(), port.port());
        options.broadcast_to = {"192.0.2.1"};  // not for a host: it would be lost there
        mailslot_writer writer(slot, options);
        writer.put("just you");
        const auto w = receive_write(port);
        ASSERT_TRUE(w) << "transport " << slotlog::network_transport_name(t);
        EXPECT_EQ(w->type, wire::datagram_type::direct_unique);
        EXPECT_EQ(w->destination, "127.0.0.1");
        EXPECT_EQ(w->source, this_netbios_name());
        EXPECT_EQ(w->mailslot, wire::mailslot_path(name_));
        EXPECT_EQ(w->data, "just you");
        EXPECT_EQ(w->source_ip, (std::array<std::uint8_t, 4>{127, 0, 0, 1}));
    }
    mailslot_writer by_name(R"(\\localhost\mailslot\)" + name_, to_loopback(network_transport::broadcast, 9, port.port()));
    by_name.put("by name");
    const auto w = receive_write(port);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->type, wire::datagram_type::direct_unique);
    EXPECT_EQ(w->destination, "LOCALHOST");
}

TEST_F(mailslot, a_name_that_does_not_resolve_is_a_domain) {
    udp_receiver port;
    mailslot_writer writer(R"(\\slotlog-test-domain.invalid\mailslot\)" + name_,
                           to_loopback(network_transport::broadcast, port.port(), port.port()));
    writer.put("to the domain");
    const auto w = receive_write(port);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->type, wire::datagram_type::direct_group);
    EXPECT_EQ(w->destination, "SLOTLOG-TEST-DO");  // the first label, cut to 15 characters
    EXPECT_EQ(w->data, "to the domain");
}

TEST_F(mailslot, every_destination_gets_a_copy_and_one_is_enough) {
    udp_receiver port;
    auto options = to_loopback(network_transport::broadcast, port.port(), port.port());
    options.broadcast_to = {"slotlog-no-such-host.invalid", "127.0.0.1", "localhost"};
    mailslot_writer writer(broadcast(), options);
    writer.put("copies");
    ASSERT_TRUE(receive_write(port));
    ASSERT_TRUE(receive_write(port));
    EXPECT_FALSE(port.receive(200ms));

    options.broadcast_to = {"slotlog-no-such-host.invalid"};
    mailslot_writer lost(broadcast(), options);
    const auto what = error_of([&] { lost.put("lost"); });
    EXPECT_TRUE(contains(what, "cannot send to '" + broadcast() + "'")) << what;
    EXPECT_TRUE(contains(what, "slotlog-no-such-host.invalid: ")) << what;
}

TEST_F(mailslot, the_network_limit_is_checked_before_anything_is_sent) {
    udp_receiver port;
    mailslot_writer writer(broadcast(), to_loopback(network_transport::both, port.port(), port.port()));
    const std::size_t limit = slotlog::network_message_limit(writer.slot());
    EXPECT_NE(error_of([&] { writer.put(std::string(limit + 1, 'x')); }), "no error");
    EXPECT_FALSE(port.receive(200ms));
    writer.put(std::string(limit, 'y'));  // the largest fits the datagram
    const auto w = receive_write(port);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->data, std::string(limit, 'y'));
}

TEST_F(mailslot, options_are_checked_when_the_writer_is_made) {
    auto bad = [&](auto change) {
        writer_options o;
        change(o);
        try {
            mailslot_writer w(broadcast(), o);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.workgroup = "SIXTEEN-CHARS-XX"; }), "at most 15")) << "long workgroup";
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.workgroup = "A B"; }), "no spaces"));
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.workgroup = ""; }), "workgroup is empty"));
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.netbios_port = 0; }), "netbios port is 0"));
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.broadcast_port = 0; }), "broadcast port is 0"));
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.broadcast_to = {""}; }), "destination is empty"));
    EXPECT_TRUE(contains(bad([](writer_options& o) { o.broadcast_to = {"a b"}; }), "not an ipv4 address"));
    EXPECT_EQ(bad([](writer_options& o) { o.workgroup = "CORP-01"; }), "no error");
}

TEST(writer_options, from_the_environment) {
    const char* names[] = {"SLOTLOG_TRANSPORT", "SLOTLOG_NETBIOS_PORT", "SLOTLOG_BROADCAST_PORT",
                           "SLOTLOG_BROADCAST_TO", "SLOTLOG_WORKGROUP"};
    struct reset {
        const char* const* names;
        ~reset() {
            for (int i = 0; i < 5; ++i) set_env(names[i], "");
        }
    } cleanup{names};
    for (const char* n : names) set_env(n, "");

    const writer_options defaults = writer_options::from_environment();
    EXPECT_EQ(defaults.transport, network_transport::automatic);
    EXPECT_EQ(defaults.netbios_port, 138);
    EXPECT_EQ(defaults.broadcast_port, 5138);
    EXPECT_TRUE(defaults.broadcast_to.empty());
    EXPECT_EQ(defaults.workgroup, "WORKGROUP");

    set_env("SLOTLOG_TRANSPORT", "Broadcast");
    set_env("SLOTLOG_NETBIOS_PORT", "1138");
    set_env("SLOTLOG_BROADCAST_PORT", " 6138 ");
    set_env("SLOTLOG_BROADCAST_TO", "127.0.0.1, collector.example ,,192.0.2.255,");
    set_env("SLOTLOG_WORKGROUP", "corp");
    const writer_options o = writer_options::from_environment();
    EXPECT_EQ(o.transport, network_transport::broadcast);
    EXPECT_EQ(o.netbios_port, 1138);
    EXPECT_EQ(o.broadcast_port, 6138);
    EXPECT_EQ(o.broadcast_to, (std::vector<std::string>{"127.0.0.1", "collector.example", "192.0.2.255"}));
    EXPECT_EQ(o.workgroup, "corp");

    auto refused = [](const char* name, const char* value) {
        set_env(name, value);
        std::string what = "no error";
        try {
            writer_options::from_environment();
        } catch (const std::invalid_argument& e) {
            what = e.what();
        }
        set_env(name, "");
        return what;
    };
    for (const char* n : names) set_env(n, "");
    EXPECT_TRUE(contains(refused("SLOTLOG_TRANSPORT", "udp"), "SLOTLOG_TRANSPORT='udp': not a transport"));
    EXPECT_TRUE(contains(refused("SLOTLOG_NETBIOS_PORT", "0"), "SLOTLOG_NETBIOS_PORT='0': not a port number"));
    EXPECT_TRUE(contains(refused("SLOTLOG_BROADCAST_PORT", "65536"), "SLOTLOG_BROADCAST_PORT='65536'"));
    EXPECT_TRUE(contains(refused("SLOTLOG_BROADCAST_PORT", "51x"), "SLOTLOG_BROADCAST_PORT='51x'"));
    EXPECT_TRUE(contains(refused("SLOTLOG_BROADCAST_TO", "a b,c"), "SLOTLOG_BROADCAST_TO='a b,c'"));
    EXPECT_TRUE(contains(refused("SLOTLOG_WORKGROUP", "A-VERY-LONG-WORKGROUP"), "SLOTLOG_WORKGROUP="));
    // a writer reads them too
    set_env("SLOTLOG_TRANSPORT", "nope");
    EXPECT_THROW(mailslot_writer("logger"), std::invalid_argument);
}

TEST(writer_options, transport_names) {
    EXPECT_EQ(slotlog::parse_network_transport("auto"), network_transport::automatic);
    EXPECT_EQ(slotlog::parse_network_transport("AUTOMATIC"), network_transport::automatic);
    EXPECT_EQ(slotlog::parse_network_transport("mailslot"), network_transport::mailslot);
    EXPECT_EQ(slotlog::parse_network_transport("broadcast"), network_transport::broadcast);
    EXPECT_EQ(slotlog::parse_network_transport("Both"), network_transport::both);
    EXPECT_FALSE(slotlog::parse_network_transport(""));
    EXPECT_FALSE(slotlog::parse_network_transport("udp"));
    EXPECT_FALSE(slotlog::parse_network_transport(std::string_view("both\0", 5)));
    for (const auto t : {network_transport::automatic, network_transport::mailslot, network_transport::broadcast,
                         network_transport::both}) {
        EXPECT_EQ(slotlog::parse_network_transport(slotlog::network_transport_name(t)), t);
    }
}

// ---- messages ----

TEST(message, json_fields) {
    const auto m = slotlog::make_json_message("disk \"C:\" full\n", {"warning", "billing"});
    const auto j = nlohmann::json::parse(m);
    EXPECT_EQ(j["msg"], "disk \"C:\" full\n");
    EXPECT_EQ(j["level"], "warning");
    EXPECT_EQ(j["app"], "billing");
    EXPECT_EQ(j["host"], slotlog::local_host_name());
    EXPECT_TRUE(j["pid"].is_number_unsigned());
    EXPECT_TRUE(j["seq"].is_number_unsigned());
    const std::string time = j["time"];
    EXPECT_TRUE(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"))) << time;
    EXPECT_EQ(m.rfind(R"({"msg":)", 0), 0u) << m;
}

TEST(message, level_and_app_left_out_when_empty) {
    const auto j = nlohmann::json::parse(slotlog::make_json_message("x", {}));
    EXPECT_FALSE(j.contains("level"));
    EXPECT_FALSE(j.contains("app"));
    EXPECT_TRUE(j.contains("pid"));
}

TEST(message, escaping) {
    const auto m = slotlog::make_json_message(std::string("q\" b\\ \x01\t\x1f\0 \xc3\xa9", 13), {});
    EXPECT_TRUE(contains(m, R"("msg":"q\" b\\ \u0001\u0009\u001f\u0000 )" "\xc3\xa9\"")) << m;
    // other bytes pass through, even when they are not utf-8
    EXPECT_TRUE(contains(slotlog::make_json_message("\xff", {}), "\"\xff\""));
}

TEST(message, sequence_counts_up) {
    const auto a = nlohmann::json::parse(slotlog::make_json_message("a", {}))["seq"].get<std::uint64_t>();
    const auto b = nlohmann::json::parse(slotlog::make_json_message("b", {}))["seq"].get<std::uint64_t>();
    EXPECT_GE(a, 1u);
    EXPECT_EQ(b, a + 1);
}

TEST(message, host_name_is_known) { EXPECT_FALSE(slotlog::local_host_name().empty()); }

TEST(message, each_slot_and_app_of_a_process_is_numbered_from_one) {
    const auto seq = [](std::string_view slot, std::string_view app) {
        return nlohmann::json::parse(slotlog::make_json_message("m", {"", app, slot}))["seq"].get<std::uint64_t>();
    };
    EXPECT_EQ(seq("numbered", "billing"), 1u);
    EXPECT_EQ(seq("numbered", "billing"), 2u);
    // another app, another slot: streams of their own, which a collector follows apart
    EXPECT_EQ(seq("numbered", "auth"), 1u);
    EXPECT_EQ(seq("numbered-audit", "billing"), 1u);
    EXPECT_EQ(seq("numbered", "billing"), 3u);
}
