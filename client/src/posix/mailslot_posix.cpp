// the writing end of a slot on posix: a datagram to the unix socket at
// /run/slotlog/<name> or RUNTIME/<name> (a full receive queue blocks the
// sender: back-pressure, so local senders lose nothing), and over udp to slots
// of other machines

#include <slotlog/client.h>

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <slotlog/detail/unix_slot.h>

#include "../network_writer.h"

namespace slotlog {

using detail::address_of;
using detail::error_text;
using detail::open_socket;
using detail::socket_address;

namespace {

// best effort: the kernel caps it at net.core.wmem_max; it bounds the largest datagram
constexpr int wanted_send_buffer = 4 * 1024 * 1024;

} // namespace

// a local name goes to the local socket. a name of other machines goes over
// udp (network_writer.cpp); \\*\mailslot\x also reaches this machine's reader
// of x, as a windows broadcast does

mailslot_writer::mailslot_writer(std::string_view name, writer_options options)
    : slot_(parse_slot_name(name)), options_(std::move(options)), handle_(-1) {
    check_writer_options(options_);
    if (slot_.where != slot_name::scope::local) network_ = std::make_unique<detail::network_writer>(slot_, options_);
    handle_ = open_socket();
    int size = wanted_send_buffer;
    ::setsockopt(handle_, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

mailslot_writer::~mailslot_writer() { ::close(handle_); }

namespace {

// one message to the socket file path: 0 when sent, the errno when no reader
// holds it (missing, stale or not a folder); other trouble throws
int send_to_socket(int handle, const slot_name& slot, const std::filesystem::path& path, std::string_view message) {
    const socket_address a = address_of(slot, path);
    for (;;) {
        if (::sendto(handle, message.data(), message.size(), 0, reinterpret_cast<const sockaddr*>(&a.addr),
                     a.size) >= 0) {
            return 0;
        }
        const int e = errno;
        if (e == EINTR) continue;
        if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR) return e;
        if (e == EMSGSIZE) {
            int buffer = 0;
            socklen_t len = sizeof(buffer);
            ::getsockopt(handle, SOL_SOCKET, SO_SNDBUF, &buffer, &len);
            throw mailslot_error("a message of " + std::to_string(message.size()) + " bytes is too large for slot '" +
                                     slot.name + "': the limit here is about " + std::to_string(buffer) +
                                     " bytes (net.core.wmem_max)",
                                 e);
        }
        throw mailslot_error("cannot send to slot '" + slot.name + "' (" + path.string() + "): " + error_text(e), e);
    }
}

// one message to the first socket of slot that a reader holds, the system
// collector's before this user's own (writer_socket_paths). false when nobody
// reads it and a reader is optional (a broadcast's local copy)
bool send_local(int handle, const slot_name& slot, const std::filesystem::path& system_dir, std::string_view message,
                bool reader_required) {
    // the paths are worked out per message: a collector may have started since
    const std::vector<std::filesystem::path> paths = writer_socket_paths(slot, system_dir);
    int e = 0;
    for (const auto& path : paths) {
        e = send_to_socket(handle, slot, path, message);
        if (e == 0) return true;
    }
    if (!reader_required) return false;
    std::string tried;
    for (const auto& path : paths) tried += (tried.empty() ? "" : " and ") + path.string();
    throw mailslot_error("no collector is reading slot '" + slot.name + "' (tried " + tried + ")", e);
}

} // namespace

void mailslot_writer::put(std::string_view message) {
    if (const std::size_t limit = network_message_limit(slot_); limit != 0 && message.size() > limit) {
        throw mailslot_error("a message of " + std::to_string(message.size()) + " bytes is too long for '" +
                                 slot_.canonical() + "': messages to other machines are limited to " +
                                 std::to_string(limit) + " bytes",
                             EMSGSIZE);
    }
    if (slot_.where == slot_name::scope::local) {
        send_local(handle_, slot_, options_.system_runtime_dir, message, true);
        return;
    }
    // posix has no windows mailslot to try first: automatic is the mailslot protocol
    const network_transport t = options_.transport;
    const detail::network_ports ports{t != network_transport::broadcast,
                                      t == network_transport::broadcast || t == network_transport::both};
    const bool local = slot_.where == slot_name::scope::broadcast && ports.netbios &&
                       send_local(handle_, slot_, options_.system_runtime_dir, message, false);
    const auto sent = network_->send(message, ports);
    // fire and forget: this machine's reader having it is enough
    if (!sent.ok() && !local) throw mailslot_error(sent.error, sent.code);
}

} // namespace slotlog
