#include "forward/relp_client.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <slotlog/entry.h>
#include <slotlog/format.h>

#include "forward/syslog_message.h"

#ifndef _WIN32
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "test_files.h"
#include "wait_for.h"

extern char** environ;
#endif

using slotlog::relp_client;
using kind = relp_client::event::kind;

namespace {

// what rsyslog 8.2302 (librelp 1.11) answers to our open
constexpr std::string_view rsyslog_open_rsp =
    "1 rsp 93 200 OK\nrelp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog\n";

constexpr std::string_view open_frame = "1 open 52 relp_version=0\nrelp_software=slotlog\ncommands=syslog\n";

std::string rsp(std::uint32_t txnr, std::string_view data) {
    return std::to_string(txnr) + " rsp " + std::to_string(data.size()) + (data.empty() ? "" : " ") +
           std::string(data) + "\n";
}

std::vector<relp_client::event> receive(relp_client& c, std::string_view bytes) {
    std::vector<relp_client::event> events;
    c.receive(bytes, events);
    return events;
}

// a client whose session is open
relp_client opened_client(std::size_t window = 128) {
    relp_client c(window);
    std::string out;
    c.start(out);
    const auto events = receive(c, rsyslog_open_rsp);
    EXPECT_EQ(events.size(), 1u);
    EXPECT_TRUE(c.opened());
    return c;
}

void expect_protocol_error(std::string_view bytes, std::string_view about) {
    relp_client c = opened_client();
    std::string out;
    EXPECT_EQ(c.send_syslog(out, "m"), 2u);
    const auto events = receive(c, bytes);
    ASSERT_EQ(events.size(), 1u) << bytes;
    EXPECT_EQ(events[0].what, kind::protocol_error) << bytes;
    EXPECT_NE(events[0].text.find(about), std::string::npos) << events[0].text;
    EXPECT_FALSE(c.can_send());
    // the session is over: whatever follows is ignored
    EXPECT_TRUE(receive(c, rsp(2, "200 OK")).empty());
}

} // namespace

// ---- frames sent ----

TEST(RelpClient, OpenSyslogCloseFrames) {
    relp_client c;
    std::string out;
    EXPECT_FALSE(c.opened());
    EXPECT_FALSE(c.can_send());
    c.start(out);
    EXPECT_EQ(out, open_frame);
    EXPECT_FALSE(c.opened());
    EXPECT_FALSE(c.can_send());  // not before the server accepted the offers

    const auto events = receive(c, rsyslog_open_rsp);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::opened);
    EXPECT_EQ(events[0].txnr, 1u);
    EXPECT_EQ(events[0].text, "200 OK");
    EXPECT_TRUE(c.opened());
    EXPECT_TRUE(c.can_send());

    out.clear();
    EXPECT_EQ(c.send_syslog(out, "hello"), 2u);
    EXPECT_EQ(c.send_syslog(out, "<14>1 - - - - - - h\xc3\xa9"), 3u);
    EXPECT_EQ(c.send_syslog(out, ""), 4u);
    EXPECT_EQ(out, "2 syslog 5 hello\n3 syslog 21 <14>1 - - - - - - h\xc3\xa9\n4 syslog 0\n");
    EXPECT_EQ(c.unacknowledged(), 3u);

    out.clear();
    c.close(out);
    EXPECT_EQ(out, "5 close 0\n");
    EXPECT_FALSE(c.can_send());
    out.clear();
    c.close(out);  // once
    EXPECT_EQ(out, "");
}

TEST(RelpClient, NothingToSendBeforeStart) {
    relp_client c;
    std::string out;
    EXPECT_EQ(c.send_syslog(out, "x"), 0u);
    c.close(out);
    EXPECT_EQ(out, "");
    EXPECT_TRUE(receive(c, rsp(1, "200 OK")).empty());
}

// ---- answers ----

TEST(RelpClient, AcknowledgementsInOrder) {
    relp_client c = opened_client();
    std::string out;
    for (int i = 0; i < 3; ++i) c.send_syslog(out, "m");
    const auto events = receive(c, rsp(2, "200 OK") + rsp(3, "200 OK") + rsp(4, "200 OK"));
    ASSERT_EQ(events.size(), 3u);
    for (std::uint32_t i = 0; i < 3; ++i) {
        EXPECT_EQ(events[i].what, kind::acknowledged);
        EXPECT_EQ(events[i].txnr, i + 2);
    }
    EXPECT_EQ(c.unacknowledged(), 0u);
}

TEST(RelpClient, AnswersInAnyOrder) {
    relp_client c = opened_client();
    std::string out;
    for (int i = 0; i < 3; ++i) c.send_syslog(out, "m");
    const auto events = receive(c, rsp(4, "200 OK") + rsp(2, "200 OK"));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].txnr, 4u);
    EXPECT_EQ(events[1].txnr, 2u);
    EXPECT_EQ(c.unacknowledged(), 1u);
}

TEST(RelpClient, SplitByteByByte) {
    relp_client c;
    std::string out;
    c.start(out);
    std::vector<relp_client::event> events;
    for (const char ch : rsyslog_open_rsp) c.receive(std::string_view(&ch, 1), events);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::opened);
    for (int i = 0; i < 50; ++i) c.send_syslog(out, "m");
    std::string answers;
    for (std::uint32_t t = 2; t < 52; ++t) answers += rsp(t, "200 OK");
    events.clear();
    for (const char ch : answers) c.receive(std::string_view(&ch, 1), events);
    ASSERT_EQ(events.size(), 50u);
    for (std::uint32_t i = 0; i < 50; ++i) {
        EXPECT_EQ(events[i].what, kind::acknowledged);
        EXPECT_EQ(events[i].txnr, i + 2);
    }
}

TEST(RelpClient, SplitAnywhere) {
    std::string answers;
    for (std::uint32_t t = 2; t < 130; ++t) answers += rsp(t, "200 OK");
    std::mt19937 random(5);
    for (int round = 0; round < 200; ++round) {
        relp_client c = opened_client();
        std::string out;
        for (int i = 0; i < 128; ++i) c.send_syslog(out, "m");
        std::vector<relp_client::event> events;
        for (std::size_t at = 0; at < answers.size();) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 40)(random);
            c.receive(std::string_view(answers).substr(at, n), events);
            at += n;
        }
        ASSERT_EQ(events.size(), 128u);
        EXPECT_EQ(events.back().txnr, 129u);
        EXPECT_EQ(c.unacknowledged(), 0u);
    }
}

TEST(RelpClient, ManyInOneBuffer) {
    relp_client c(1000);
    std::string out;
    c.start(out);
    std::string answers(rsyslog_open_rsp);
    for (std::uint32_t t = 2; t < 1002; ++t) answers += rsp(t, "200 OK");
    // the answers to commands not sent yet would be answers to nothing
    std::vector<relp_client::event> events;
    c.receive(rsyslog_open_rsp, events);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(c.send_syslog(out, "m"), static_cast<std::uint32_t>(i + 2));
    c.receive(std::string_view(answers).substr(rsyslog_open_rsp.size()), events);
    ASSERT_EQ(events.size(), 1001u);
    EXPECT_EQ(events[0].what, kind::opened);
    for (std::uint32_t i = 1; i < 1001; ++i) {
        EXPECT_EQ(events[i].what, kind::acknowledged);
        EXPECT_EQ(events[i].txnr, i + 1);
    }
}

TEST(RelpClient, OpenAnswerAndServerCloseInOneRead) {
    relp_client c;
    std::string out;
    c.start(out);
    // the server answers the open; we may pipeline nothing before it, so the
    // open's answer and a serverclose can come together
    const auto events = receive(c, std::string(rsyslog_open_rsp) + "0 serverclose 0\n");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].what, kind::opened);
    EXPECT_EQ(events[1].what, kind::server_closed);
    EXPECT_FALSE(c.can_send());
}

TEST(RelpClient, RefusedMessage) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "m");
    c.send_syslog(out, "m");
    const auto events = receive(c, rsp(2, "500 command disabled") + rsp(3, "200 OK"));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].what, kind::refused);
    EXPECT_EQ(events[0].txnr, 2u);
    EXPECT_EQ(events[0].text, "500 command disabled");
    EXPECT_EQ(events[1].what, kind::acknowledged);
    EXPECT_TRUE(c.can_send());  // a refusal leaves the session as it is
    EXPECT_EQ(c.unacknowledged(), 0u);
}

TEST(RelpClient, RspHeaderVariants) {
    relp_client c = opened_client();
    std::string out;
    for (int i = 0; i < 4; ++i) c.send_syslog(out, "m");
    // a bare code, a code with data after a line feed, a long text (sanitised, cut)
    const auto events = receive(c, rsp(2, "200") + rsp(3, "200 OK\nmore data") + rsp(4, "503\nx") +
                                       rsp(5, "500 " + std::string(1000, 'x') + "\x01"));
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[0].what, kind::acknowledged);
    EXPECT_EQ(events[1].what, kind::acknowledged);
    EXPECT_EQ(events[1].text, "200 OK");
    EXPECT_EQ(events[2].what, kind::refused);
    EXPECT_EQ(events[2].text, "503");
    EXPECT_EQ(events[3].what, kind::refused);
    EXPECT_EQ(events[3].text, "500 " + std::string(196, 'x'));
}

// ---- the window ----

TEST(RelpClient, WindowLimit) {
    relp_client c = opened_client(3);
    std::string out;
    EXPECT_EQ(c.send_syslog(out, "a"), 2u);
    EXPECT_EQ(c.send_syslog(out, "b"), 3u);
    EXPECT_EQ(c.send_syslog(out, "c"), 4u);
    EXPECT_FALSE(c.can_send());
    const auto before = out;
    EXPECT_EQ(c.send_syslog(out, "d"), 0u);
    EXPECT_EQ(out, before);
    EXPECT_EQ(c.unacknowledged(), 3u);
    ASSERT_EQ(receive(c, rsp(3, "200 OK")).size(), 1u);
    EXPECT_TRUE(c.can_send());
    EXPECT_EQ(c.send_syslog(out, "d"), 5u);
    EXPECT_FALSE(c.can_send());
    receive(c, rsp(2, "500 busy"));  // a refusal frees its place too
    EXPECT_TRUE(c.can_send());
}

TEST(RelpClient, WindowOfZeroIsOne) {
    relp_client c = opened_client(0);
    std::string out;
    EXPECT_EQ(c.send_syslog(out, "a"), 2u);
    EXPECT_FALSE(c.can_send());
}

TEST(RelpClient, TxnrWrapsToOne) {
    relp_client c;
    std::string out;
    c.start(out, 999'999'998);
    EXPECT_EQ(out.substr(0, 15), "999999998 open ");
    ASSERT_EQ(receive(c, "999999998" + std::string(rsyslog_open_rsp.substr(1))).size(), 1u);
    ASSERT_TRUE(c.opened());
    out.clear();
    EXPECT_EQ(c.send_syslog(out, "a"), 999'999'999u);
    EXPECT_EQ(c.send_syslog(out, "b"), 1u);
    EXPECT_EQ(c.send_syslog(out, "c"), 2u);
    EXPECT_EQ(out, "999999999 syslog 1 a\n1 syslog 1 b\n2 syslog 1 c\n");
    const auto events = receive(c, rsp(999'999'999, "200 OK") + rsp(1, "200 OK") + rsp(2, "200 OK"));
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].txnr, 999'999'999u);
    EXPECT_EQ(events[1].txnr, 1u);
    EXPECT_EQ(events[2].txnr, 2u);
}

TEST(RelpClient, StartAgainResets) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "a");
    c.send_syslog(out, "b");
    EXPECT_EQ(c.unacknowledged(), 2u);
    receive(c, "2 rsp 6 20");  // half a frame when the connection broke
    out.clear();
    c.start(out);
    EXPECT_EQ(out, open_frame);
    EXPECT_EQ(c.unacknowledged(), 0u);
    EXPECT_FALSE(c.opened());
    const auto events = receive(c, rsyslog_open_rsp);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::opened);
    out.clear();
    EXPECT_EQ(c.send_syslog(out, "a"), 2u);
}

// ---- the end of a session ----

TEST(RelpClient, CloseAsRsyslogAnswersIt) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "a");
    out.clear();
    c.close(out);
    EXPECT_EQ(out, "3 close 0\n");
    // the message's answer still counts after the close
    const auto events = receive(c, rsp(2, "200 OK") + "3 rsp 0\n0 serverclose 0\n");
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].what, kind::acknowledged);
    EXPECT_EQ(events[1].what, kind::closed);
    EXPECT_EQ(events[1].txnr, 3u);
    EXPECT_EQ(events[1].text, "");
    EXPECT_FALSE(c.opened());
    EXPECT_FALSE(c.can_send());
}

TEST(RelpClient, CloseAnsweredWithOk) {
    relp_client c = opened_client();
    std::string out;
    c.close(out);
    const auto events = receive(c, rsp(2, "200 OK"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::closed);
    EXPECT_EQ(events[0].text, "200 OK");
}

TEST(RelpClient, ServerClose) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "a");
    c.send_syslog(out, "b");
    const auto events = receive(c, rsp(2, "200 OK") + "0 serverclose 0\n" + rsp(3, "200 OK"));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].what, kind::acknowledged);
    EXPECT_EQ(events[1].what, kind::server_closed);
    EXPECT_FALSE(c.can_send());
    EXPECT_FALSE(c.opened());
    EXPECT_EQ(c.unacknowledged(), 1u);  // txnr 3 goes again on the next connection
}

TEST(RelpClient, UnknownHintIsIgnored) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "a");
    const auto events = receive(c, "0 abort 3 abc\n" + rsp(2, "200 OK"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::acknowledged);
}

// ---- the open refused ----

TEST(RelpClient, OpenRefused) {
    relp_client c;
    std::string out;
    c.start(out);
    const auto events = receive(c, rsp(1, "500 required command not supported by client") + "0 serverclose 0\n");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::protocol_error);
    EXPECT_EQ(events[0].text, "the server refused the session: 500 required command not supported by client");
    EXPECT_FALSE(c.opened());
    EXPECT_FALSE(c.can_send());
}

TEST(RelpClient, OpenOffersChecked) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"200 OK\nrelp_version=0\ncommands=eventlog", "syslog command"},
        {"200 OK\nrelp_version=0", "syslog command"},
        {"200 OK\ncommands=syslog", "no relp_version"},
        {"200 OK\nrelp_version=1\ncommands=syslog", "relp_version 1"},
        {"200 OK\nrelp_version=x\ncommands=syslog", "relp_version \"x\""},
        {"200 OK", "no relp_version"},
        {"", "no rsp"},
        {"OK", "no rsp"},
    };
    for (const auto& [data, about] : cases) {
        relp_client c;
        std::string out;
        c.start(out);
        const auto events = receive(c, rsp(1, data));
        ASSERT_EQ(events.size(), 1u) << data;
        EXPECT_EQ(events[0].what, kind::protocol_error) << data;
        EXPECT_NE(events[0].text.find(about), std::string::npos) << events[0].text;
        EXPECT_FALSE(c.can_send());
    }
}

TEST(RelpClient, OpenOffersInAnyOrderWithMore) {
    relp_client c;
    std::string out;
    c.start(out);
    const auto events = receive(c, rsp(1, "200 OK\ncommands=eventlog,syslog\nfuture=1\nrelp_version=0\n"));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::opened);
}

// ---- garbage ----

TEST(RelpClient, GarbledFrames) {
    expect_protocol_error("hello\n", "transaction number");
    expect_protocol_error(" 2 rsp 6 200 OK\n", "transaction number");
    expect_protocol_error("1234567890 rsp 6 200 OK\n", "transaction number");
    expect_protocol_error("2  rsp 6 200 OK\n", "command");
    expect_protocol_error("2 rsp2 6 200 OK\n", "command");
    expect_protocol_error("2 " + std::string(33, 'r') + " 0\n", "command");
    expect_protocol_error("2 rsp x\n", "data length");
    expect_protocol_error("2 rsp 6x200 OK\n", "data length");
    expect_protocol_error("2 rsp 1234567890 ", "data length");
    expect_protocol_error("2 rsp 6 200 OKX", "line feed");
    expect_protocol_error("2 rsp 0 \n", "line feed");
    expect_protocol_error("2 rsp 5 200 OK\n", "line feed");
    expect_protocol_error(rsp(9, "200 OK"), "transaction 9");
    expect_protocol_error(rsp(1, "200 OK"), "transaction 1");  // the open was answered already
    expect_protocol_error(rsp(2, "OK"), "no rsp");
    expect_protocol_error(rsp(2, "2000 OK"), "no rsp");
    expect_protocol_error("2 syslog 1 x\n", "the command \"syslog\"");
    expect_protocol_error("0 rsp 6 200 OK\n", "the command \"rsp\"");
}

TEST(RelpClient, HugeFrameIsRefusedBeforeItsData) {
    relp_client c = opened_client();
    std::string out;
    c.send_syslog(out, "a");
    // the length alone decides: nothing of the 999 MB is awaited or stored
    const auto events = receive(c, "2 rsp 999999999 ");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].what, kind::protocol_error);
    EXPECT_NE(events[0].text.find("999999999 bytes"), std::string::npos) << events[0].text;

    relp_client d = opened_client();
    d.send_syslog(out, "a");
    EXPECT_EQ(receive(d, "2 rsp 131073 ")[0].what, kind::protocol_error);
    // the largest allowed one is fine
    relp_client e = opened_client();
    e.send_syslog(out, "a");
    const auto big = receive(e, rsp(2, "200 " + std::string(131072 - 4, 'x')));
    ASSERT_EQ(big.size(), 1u);
    EXPECT_EQ(big[0].what, kind::acknowledged);
}

TEST(RelpClient, RandomBytesNeverCrash) {
    std::mt19937 random(1234);
    std::uniform_int_distribution<int> byte(0, 255);
    const std::string alphabet = "0123456789 rspOKserverclose\n\n\n";
    for (int round = 0; round < 3000; ++round) {
        relp_client c(4);
        std::string out;
        c.start(out);
        std::vector<relp_client::event> events;
        if (round % 2 == 0) c.receive(rsyslog_open_rsp, events);
        std::string noise;
        const int size = std::uniform_int_distribution<int>(0, 400)(random);
        for (int i = 0; i < size; ++i) {
            // half the rounds raw bytes, half bytes that look like frames
            noise.push_back(round % 4 < 2 ? static_cast<char>(byte(random))
                                          : alphabet[static_cast<std::size_t>(byte(random)) % alphabet.size()]);
        }
        for (std::size_t at = 0; at < noise.size();) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 17)(random);
            c.receive(std::string_view(noise).substr(at, n), events);
            at += n;
            if (c.can_send()) c.send_syslog(out, "m");
        }
        // at most one end of the session, and nothing after it
        int ends = 0;
        for (std::size_t i = 0; i < events.size(); ++i) {
            const auto w = events[i].what;
            if (w == kind::protocol_error || w == kind::server_closed || w == kind::closed) {
                ++ends;
                EXPECT_EQ(i, events.size() - 1);
            }
        }
        EXPECT_LE(ends, 1);
        EXPECT_LE(c.unacknowledged(), 4u);
    }
}

TEST(RelpClient, MutatedValidStreamsNeverCrash) {
    std::string valid(rsyslog_open_rsp);
    for (std::uint32_t t = 2; t < 40; ++t) valid += rsp(t, t % 5 == 0 ? "500 no" : "200 OK");
    valid += "0 serverclose 0\n";
    std::mt19937 random(99);
    for (int round = 0; round < 5000; ++round) {
        std::string bytes = valid;
        const int flips = std::uniform_int_distribution<int>(1, 4)(random);
        for (int i = 0; i < flips; ++i) {
            const auto at = std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(random);
            switch (std::uniform_int_distribution<int>(0, 2)(random)) {
            case 0: bytes[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random)); break;
            case 1: bytes.erase(at, 1); break;
            default: bytes.insert(at, 1, "0123456789 \n"[at % 12]); break;
            }
        }
        relp_client c(64);
        std::string out;
        c.start(out);
        std::vector<relp_client::event> events;
        int sent = 0;  // as many as the stream answers: no answer can match a later one
        for (std::size_t at = 0; at < bytes.size();) {
            const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 30)(random);
            c.receive(std::string_view(bytes).substr(at, n), events);
            at += n;
            for (; c.can_send() && sent < 38; ++sent) c.send_syslog(out, "m");
        }
        EXPECT_LE(events.size(), 40u);
    }
}

// ---- against the real rsyslogd ----

#ifndef _WIN32

namespace {

std::filesystem::path find_imrelp() {
    std::error_code ec;
    for (const auto& dir : std::filesystem::directory_iterator("/usr/lib", ec)) {
        const auto candidate = dir.path() / "rsyslog" / "imrelp.so";
        if (std::filesystem::exists(candidate, ec)) return candidate;
    }
    if (std::filesystem::exists("/usr/lib/rsyslog/imrelp.so", ec)) return "/usr/lib/rsyslog/imrelp.so";
    return {};
}

// a port nobody listens on now (the kernel's choice)
int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = 0;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
        port = ntohs(a.sin_port);
    }
    ::close(s);
    return port;
}

int connect_to(int port) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(s);
        return -1;
    }
    timeval timeout{10, 0};  // a read that hangs fails the test instead
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return s;
}

bool send_all(int s, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto n = ::send(s, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// one read into the client; false at the end of the connection or on a timeout
bool read_some(int s, relp_client& c, std::vector<relp_client::event>& events, std::string* raw = nullptr) {
    char buf[16384];
    for (;;) {
        const auto n = ::recv(s, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        if (raw) raw->append(buf, static_cast<std::size_t>(n));
        c.receive(std::string_view(buf, static_cast<std::size_t>(n)), events);
        return true;
    }
}

// rsyslogd in the foreground with its own configuration only, stopped at the end
class rsyslogd {
public:
    explicit rsyslogd(const std::filesystem::path& config, const std::filesystem::path& folder) {
        const std::string conf = config.string(), pid = (folder / "rsyslogd.pid").string();
        const std::string log = (folder / "rsyslogd.log").string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const char* argv[] = {"/usr/sbin/rsyslogd", "-n", "-f", conf.c_str(), "-i", pid.c_str(), nullptr};
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char* const*>(argv), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~rsyslogd() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    rsyslogd(const rsyslogd&) = delete;
    rsyslogd& operator=(const rsyslogd&) = delete;
    bool running() const noexcept { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

private:
    pid_t pid_ = -1;
};

} // namespace

TEST(RelpRsyslog, ThousandMessagesAcknowledgedAndParsed) {
    if (!std::filesystem::exists("/usr/sbin/rsyslogd") || find_imrelp().empty()) {
        GTEST_SKIP() << "no rsyslogd with imrelp (apt install rsyslog rsyslog-relp)";
    }
    slotlog::testing::temp_dir dir;
    std::filesystem::create_directories(dir / "work");
    const auto output = dir / "out.log";
    const int port = free_port();
    ASSERT_GT(port, 0);
    {
        std::ofstream conf(dir / "rsyslog.conf");
        conf << "global(workDirectory=\"" << (dir / "work").string() << "\")\n"
             << "module(load=\"imrelp\")\n"
             << "template(name=\"fields\" type=\"string\" string=\"%hostname%|%app-name%|%procid%|%msgid%|"
                "%syslogfacility%|%syslogseverity%|%timereported:::date-rfc3339%|%structured-data%|%msg%\\n\")\n"
             << "ruleset(name=\"relp\") { action(type=\"omfile\" file=\"" << output.string()
             << "\" template=\"fields\") }\n"
             << "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" << port << "\" ruleset=\"relp\")\n";
    }
    rsyslogd server(dir / "rsyslog.conf", dir.path());
    int s = -1;
    ASSERT_TRUE(slotlog::testing::eventually([&] {
        s = connect_to(port);
        return s >= 0 || !server.running();
    })) << "rsyslogd does not listen on " << port << ": " << slotlog::testing::read_all(dir / "rsyslogd.log");
    ASSERT_GE(s, 0) << "rsyslogd stopped: " << slotlog::testing::read_all(dir / "rsyslogd.log");

    relp_client c;
    std::string out;
    std::vector<relp_client::event> events;
    std::string raw;
    c.start(out);
    ASSERT_TRUE(send_all(s, out));
    while (events.empty() && read_some(s, c, events, &raw)) {
    }
    ASSERT_EQ(events.size(), 1u) << raw;
    EXPECT_EQ(events[0].what, kind::opened) << events[0].text;
    EXPECT_EQ(raw.substr(0, 16), "1 rsp 93 200 OK\n") << raw;  // what rsyslog answers: see rsyslog_open_rsp
    events.clear();

    constexpr int count = 1000;
    const auto make = [](int i) {
        slotlog::entry e;
        e.time = slotlog::clock::time_point(std::chrono::microseconds(1'795'900'000'000'000LL + i));
        e.lvl = i % 2 ? slotlog::level::error : slotlog::level::info;
        e.host = i % 10 == 0 ? "K\xc3\xb6ln 01" : "web01";
        e.app = "relp-test";
        e.pid = 4242;
        if (i % 10 == 3) {  // nothing known
            e.host.clear();
            e.app.clear();
            e.pid.reset();
        } else if (i % 10 == 7) {  // the longest fields, after the cut
            e.host = std::string(300, 'h');
            e.app = std::string(60, 'a');
            e.pid = 9'223'372'036'854'775'807;
        }
        e.seq = i;
        e.slot = "logger";
        e.msg = "message " + std::to_string(i) + " h\xc3\xa9llo [x] \"q\"";
        e.extra = {{"n", std::to_string(i)}, {"q", R"("a \"b\" ] c\\d")"}};
        return e;
    };
    std::vector<std::string> ids;
    int sent = 0, acknowledged = 0;
    std::vector<std::uint32_t> txnrs;
    while (acknowledged < count) {
        out.clear();
        while (sent < count && c.can_send()) {
            const auto e = make(sent);
            ids.push_back(slotlog::entry_id(e, 1, static_cast<std::uint64_t>(sent)));
            std::string m;
            slotlog::append_rfc5424(m, e, ids.back(), {.facility = 16});
            txnrs.push_back(c.send_syslog(out, m));
            ++sent;
        }
        ASSERT_TRUE(send_all(s, out));
        ASSERT_TRUE(read_some(s, c, events)) << "acknowledged " << acknowledged << " of " << count;
        for (const auto& ev : events) {
            ASSERT_EQ(ev.what, kind::acknowledged) << ev.text;
            ASSERT_EQ(ev.txnr, txnrs[static_cast<std::size_t>(acknowledged)]);  // in order
            ++acknowledged;
        }
        events.clear();
    }
    EXPECT_EQ(c.unacknowledged(), 0u);

    out.clear();
    c.close(out);
    ASSERT_TRUE(send_all(s, out));
    raw.clear();
    while (read_some(s, c, events, &raw)) {
    }
    ASSERT_EQ(events.size(), 1u) << raw;
    EXPECT_EQ(events[0].what, kind::closed);
    // rsyslog answers a close with no data, hints serverclose and closes the connection
    EXPECT_EQ(raw, "1002 rsp 0\n0 serverclose 0\n");
    ::close(s);

    std::vector<std::string> lines;
    ASSERT_TRUE(slotlog::testing::eventually([&] {
        lines = slotlog::testing::read_lines(output);
        return lines.size() >= count;
    })) << "rsyslogd wrote " << lines.size() << " lines";
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        std::string fields = (i % 10 == 0 ? "K_ln_01" : "web01") + std::string("|relp-test|4242|");
        if (i % 10 == 3) fields = "-|-|-|";
        if (i % 10 == 7) fields = std::string(255, 'h') + "|" + std::string(48, 'a') + "|9223372036854775807|";
        const std::string expected = fields + "-|16|" + (i % 2 ? "3" : "6") + "|" +
                                     [&] {
                                         std::string t;
                                         slotlog::append_timestamp(t, make(i).time);
                                         return t;
                                     }() +
                                     "|[slotlog@32473 id=\"" + ids[static_cast<std::size_t>(i)] +
                                     R"(" slot="logger" seq=")" + std::to_string(i) + R"(" n=")" + std::to_string(i) +
                                     R"(" q="a \"b\" \] c\\d"]|message )" + std::to_string(i) +
                                     " h\xc3\xa9llo [x] \"q\"";
        ASSERT_EQ(lines[static_cast<std::size_t>(i)], expected) << i;
    }
}

#endif
