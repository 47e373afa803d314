// the reading end of a slot on posix: a unix datagram socket at
// RUNTIME/<name>, bound by one reader at a time. one datagram is one message;
// a full receive queue blocks the sender (back-pressure, so local senders
// lose nothing)

#include <slotlog/mailslot_reader.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstring>
#include <utility>

#include <slotlog/detail/unix_slot.h>

namespace slotlog {

using detail::address_of;
using detail::error_text;
using detail::open_socket;
using detail::socket_address;

namespace {

// the runtime folder, created 0755 so that any local program can reach the slots in it
void make_runtime_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return;
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0755) == 0) {
        ::chmod(dir.c_str(), 0755);  // whatever the umask
    } else if (errno != EEXIST) {
        throw mailslot_error("cannot create the runtime folder " + dir.string() + ": " + error_text(errno), errno);
    }
}

// serialises readers of one runtime folder while they check, replace and
// remove socket files, so two starting readers cannot both take a stale slot
class folder_lock {
public:
    explicit folder_lock(const std::filesystem::path& dir)
        : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ < 0) return;  // best effort: without the lock only the race remains
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~folder_lock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }
    folder_lock(const folder_lock&) = delete;
    folder_lock& operator=(const folder_lock&) = delete;

private:
    int fd_;
};

// a reader is bound at the address (connect succeeds) or the file is stale (refused)
bool live_reader_at(const slot_name& slot, const socket_address& a, const std::filesystem::path& path) {
    const int probe = open_socket();
    const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&a.addr), a.size);
    const int e = errno;
    ::close(probe);
    if (rc == 0) return true;
    if (e == ECONNREFUSED || e == ENOENT) return false;
    throw mailslot_error("cannot tell whether slot '" + slot.name + "' is being read (" + path.string() +
                             "): " + error_text(e),
                         e);
}

} // namespace

mailslot_reader::mailslot_reader(std::string_view name, std::size_t max_message_size)
    : slot_(parse_slot_name(name)), max_message_size_(max_message_size), handle_(-1) {
    if (slot_.where == slot_name::scope::domain_or_host) {
        throw std::invalid_argument("cannot read slot '" + slot_.canonical() +
                                    "': a reader creates its slot on this machine, use '" + slot_.name + "'");
    }
    path_ = slot_socket_path(slot_);
    const socket_address a = address_of(slot_, path_);
    make_runtime_folder(path_.parent_path());

    handle_ = open_socket();
    try {
        folder_lock lock(path_.parent_path());
        for (int attempt = 0;; ++attempt) {
            if (::bind(handle_, reinterpret_cast<const sockaddr*>(&a.addr), a.size) == 0) break;
            const int e = errno;
            if (e != EADDRINUSE || attempt >= 2) {
                throw mailslot_error("cannot create slot '" + slot_.name + "' at " + path_.string() + ": " +
                                         error_text(e),
                                     e);
            }
            struct stat st {};
            if (::lstat(path_.c_str(), &st) != 0) continue;  // just went away: try again
            if (!S_ISSOCK(st.st_mode)) {
                throw mailslot_error("cannot create slot '" + slot_.name + "': " + path_.string() +
                                         " exists and is not a socket",
                                     EEXIST);
            }
            if (live_reader_at(slot_, a, path_)) {
                throw mailslot_error("slot '" + slot_.name + "' is already being read by another process (" +
                                         path_.string() + ")",
                                     EADDRINUSE);
            }
            // left behind by a reader that died: replace it
            if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
                throw mailslot_error("cannot remove the stale socket " + path_.string() + ": " + error_text(errno),
                                     errno);
            }
        }
        // as with windows mailslots, any local program may write
        ::chmod(path_.c_str(), 0666);
        struct stat st {};
        if (::lstat(path_.c_str(), &st) == 0) {
            file_dev_ = static_cast<std::uint64_t>(st.st_dev);
            file_ino_ = static_cast<std::uint64_t>(st.st_ino);
        }
    } catch (...) {
        ::close(handle_);
        throw;
    }
}

mailslot_reader::~mailslot_reader() {
    {
        // remove the socket file only while it is still ours
        folder_lock lock(path_.parent_path());
        struct stat st {};
        if (::lstat(path_.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == file_dev_ &&
            static_cast<std::uint64_t>(st.st_ino) == file_ino_) {
            ::unlink(path_.c_str());
        }
    }
    ::close(handle_);
}

bool mailslot_reader::try_get(std::string& message) {
    for (;;) {
        // the datagram's real size, whatever the buffer (linux reports it with MSG_TRUNC)
        char probe = 0;
        const ssize_t size = ::recv(handle_, &probe, 1, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (size < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;
            throw mailslot_error("cannot read slot '" + slot_.name + "': " + error_text(errno), errno);
        }
        const auto wanted = static_cast<std::size_t>(size);
        if (max_message_size_ != 0 && wanted > max_message_size_) {
            // drop it whole, so that it cannot stop the messages behind it
            ::recv(handle_, &probe, 1, MSG_DONTWAIT);
            throw mailslot_error("a message of " + std::to_string(wanted) + " bytes to slot '" + slot_.name +
                                     "' was dropped: the slot accepts at most " +
                                     std::to_string(max_message_size_) + " bytes",
                                 EMSGSIZE);
        }
        message.resize(wanted);
        const ssize_t got = ::recv(handle_, message.data(), wanted, MSG_DONTWAIT | MSG_TRUNC);
        if (got < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return false;  // another thread took it
            throw mailslot_error("cannot read slot '" + slot_.name + "': " + error_text(errno), errno);
        }
        if (static_cast<std::size_t>(got) > wanted) {
            // only when several threads read one reader at once
            throw mailslot_error("a message to slot '" + slot_.name + "' was cut short: read it from one thread",
                                 EMSGSIZE);
        }
        message.resize(static_cast<std::size_t>(got));
        return true;
    }
}

std::string mailslot_reader::get(bool block, std::chrono::milliseconds timeout) {
    using clock = std::chrono::steady_clock;
    std::string message;
    if (!block) {
        if (try_get(message)) return message;
        throw mailslot_empty();
    }
    const bool wait_forever = timeout < std::chrono::milliseconds::zero();
    const auto deadline = clock::now() + (wait_forever ? std::chrono::milliseconds::zero() : timeout);
    for (;;) {
        if (try_get(message)) return message;
        int wait_ms = -1;
        if (!wait_forever) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now()).count();
            if (left <= 0) throw mailslot_empty();
            wait_ms = left > INT_MAX ? INT_MAX : static_cast<int>(left);
        }
        pollfd p{handle_, POLLIN, 0};
        if (::poll(&p, 1, wait_ms) < 0 && errno != EINTR) {
            throw mailslot_error("cannot wait on slot '" + slot_.name + "': " + error_text(errno), errno);
        }
    }
}

} // namespace slotlog
