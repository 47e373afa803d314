// the notify protocol against a real unix datagram socket standing in for
// systemd's: a path socket and an abstract one, as $NOTIFY_SOCKET names them

#include <gtest/gtest.h>

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>

#include "service_manager.h"

namespace {

namespace fs = std::filesystem;
using slotlog::notify_service_manager;

// a bound datagram socket: what systemd listens on
class fake_manager {
public:
    // name as in $NOTIFY_SOCKET: "/path" or "@abstract"
    explicit fake_manager(const std::string& name) : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, name.data(), name.size());
        auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
        if (name[0] == '@') {
            addr.sun_path[0] = '\0';
        } else {
            ++size;
        }
        bound_ = ::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), size) == 0;
        ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
    }
    ~fake_manager() {
        ::unsetenv("NOTIFY_SOCKET");
        ::close(fd_);
    }
    bool bound() const { return bound_; }

    // the next datagram, or "" when none comes within 5 s
    std::string next() {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 5000) != 1) return {};
        char buffer[4096];
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }

private:
    int fd_;
    bool bound_ = false;
};

std::string unique_name(const char* what) {
    return std::string(what) + "-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

TEST(service_manager, path_socket_gets_each_state_whole) {
    const fs::path dir = fs::temp_directory_path() / unique_name("slotlog-notify");
    fs::create_directories(dir);
    {
        fake_manager manager((dir / "notify").string());
        ASSERT_TRUE(manager.bound());
        EXPECT_TRUE(notify_service_manager("READY=1\nSTATUS=reading mailslot:logger"));
        EXPECT_EQ(manager.next(), "READY=1\nSTATUS=reading mailslot:logger");
        EXPECT_TRUE(notify_service_manager("RELOADING=1"));
        EXPECT_TRUE(notify_service_manager("STOPPING=1"));
        EXPECT_EQ(manager.next(), "RELOADING=1");
        EXPECT_EQ(manager.next(), "STOPPING=1");
    }
    fs::remove_all(dir);
}

TEST(service_manager, abstract_socket) {
    fake_manager manager("@" + unique_name("slotlog-notify"));
    ASSERT_TRUE(manager.bound());
    EXPECT_TRUE(notify_service_manager("READY=1"));
    EXPECT_EQ(manager.next(), "READY=1");
}

TEST(service_manager, none_without_notify_socket) {
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(notify_service_manager("READY=1"));
    // not a unix socket name as systemd gives them: ignored, not a crash
    ::setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
    EXPECT_FALSE(notify_service_manager("READY=1"));
    ::setenv("NOTIFY_SOCKET", "@", 1);
    EXPECT_FALSE(notify_service_manager("READY=1"));
    ::unsetenv("NOTIFY_SOCKET");
}

TEST(service_manager, gone_manager_is_false) {
    const fs::path dir = fs::temp_directory_path() / unique_name("slotlog-notify");
    fs::create_directories(dir);
    ::setenv("NOTIFY_SOCKET", (dir / "nobody-listens").c_str(), 1);
    EXPECT_FALSE(notify_service_manager("READY=1"));
    ::unsetenv("NOTIFY_SOCKET");
    fs::remove_all(dir);
}

} // namespace
