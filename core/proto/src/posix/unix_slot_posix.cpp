// posix: the unix datagram socket of a slot

#include <slotlog/detail/unix_slot.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <system_error>

#include <slotlog/mailslot_reader.h>

namespace slotlog::detail {

std::string error_text(int e) { return std::system_category().message(e); }

socket_address address_of(const slot_name& slot, const std::filesystem::path& path) {
    socket_address a;
    a.addr.sun_family = AF_UNIX;
    const std::string& p = path.native();
    if (p.size() >= sizeof(a.addr.sun_path)) {
        throw mailslot_error("the socket path of slot '" + slot.name + "' is " + std::to_string(p.size()) +
                                 " bytes long, the limit is " + std::to_string(sizeof(a.addr.sun_path) - 1) +
                                 ": " + p + " (set SLOTLOG_RUNTIME_DIR to a shorter folder)",
                             ENAMETOOLONG);
    }
    std::memcpy(a.addr.sun_path, p.data(), p.size());
    a.size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + p.size() + 1);
    return a;
}

int open_socket() {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) throw mailslot_error("cannot create a unix datagram socket: " + error_text(errno), errno);
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

} // namespace slotlog::detail
