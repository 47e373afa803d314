// slot names: parsing, normalisation and the paths they map to

#include <slotlog/slot_name.h>

#include <algorithm>

#include <slotlog/detail/printable.h>
#include <slotlog/detail/system.h>

namespace slotlog {

namespace {

using detail::printable;

constexpr std::size_t max_name_length = 255;
constexpr std::string_view mailslot_word = "mailslot";

std::string to_lower(std::string_view s) {
    std::string out(s);
    // ascii only: non-ascii utf-8 bytes pass through unchanged
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

[[noreturn]] void bad_name(std::string_view text, std::string_view why) {
    throw std::invalid_argument("invalid slot name '" + printable(text) + "': " + std::string(why));
}

// the part after \\server\mailslot\ (or a bare name)
void check_name(std::string_view text, std::string_view name) {
    if (name.empty()) bad_name(text, "the name after \\mailslot\\ is empty");
    if (name.size() > max_name_length) {
        bad_name(text, "the name is " + std::to_string(name.size()) + " characters long, the limit is " +
                           std::to_string(max_name_length));
    }
    if (name.find('/') != std::string_view::npos) bad_name(text, "'/' is not allowed in a slot name");
    // sub-folders: every part between backslashes must be a real name
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(name.find('\\', start), name.size());
        const std::string_view part = name.substr(start, end - start);
        if (part.empty()) bad_name(text, "empty folder in the name (a leading, trailing or doubled '\\')");
        if (part == "." || part == "..") bad_name(text, "'.' and '..' are not allowed as parts of a slot name");
        if (end == name.size()) break;
        start = end + 1;
    }
}

} // namespace

std::string slot_name::canonical() const { return "\\\\" + server + "\\mailslot\\" + name; }

std::string slot_name::local_path() const { return "\\\\.\\mailslot\\" + name; }

slot_name parse_slot_name(std::string_view text) {
    if (text.empty()) throw std::invalid_argument("invalid slot name: the name is empty");
    if (text.find('\0') != std::string_view::npos) bad_name(text, "it contains a NUL character");

    slot_name slot;
    slot.server = ".";
    if (text.size() < 2 || text.substr(0, 2) != "\\\\") {
        // a bare name is a local slot, as in winsys: "logger" -> \\.\mailslot\logger
        check_name(text, text);
        slot.name = to_lower(text);
        return slot;
    }

    // \\server\mailslot\name
    const std::string_view rest = text.substr(2);
    const std::size_t server_end = rest.find('\\');
    const std::string_view server = rest.substr(0, server_end);
    if (server.empty()) bad_name(text, "the server part of \\\\SERVER\\mailslot\\NAME is empty (use '.' for this machine)");
    if (server.find('/') != std::string_view::npos) bad_name(text, "'/' is not allowed in a server name");
    if (server_end == std::string_view::npos) bad_name(text, "missing the 'mailslot' component (\\\\SERVER\\mailslot\\NAME)");

    const std::string_view after_server = rest.substr(server_end + 1);
    const std::size_t word_end = after_server.find('\\');
    const std::string_view word = after_server.substr(0, word_end);
    if (to_lower(word) != mailslot_word) {
        bad_name(text, "missing the 'mailslot' component (\\\\SERVER\\mailslot\\NAME), found '" + std::string(word) + "'");
    }
    if (word_end == std::string_view::npos) bad_name(text, "the name after \\mailslot\\ is empty");
    const std::string_view name = after_server.substr(word_end + 1);
    check_name(text, name);

    slot.name = to_lower(name);
    slot.server = to_lower(server);
    if (slot.server == ".") {
        slot.where = slot_name::scope::local;
    } else if (slot.server == "*") {
        slot.where = slot_name::scope::broadcast;
    } else {
        slot.where = slot_name::scope::domain_or_host;
    }
    return slot;
}

namespace {

// backslashes of sub-folders stay in the file name, so "a\b" never meets "a.b"
std::filesystem::path socket_file_name(const slot_name& slot) {
    return std::filesystem::path(std::u8string(slot.name.begin(), slot.name.end()));
}

} // namespace

std::filesystem::path slot_socket_path(const slot_name& slot) { return runtime_dir() / socket_file_name(slot); }

std::vector<std::filesystem::path> writer_socket_paths(const slot_name& slot, const std::filesystem::path& system_dir) {
    std::vector<std::filesystem::path> paths;
    // an explicit runtime folder is the whole answer (tests, a private collector)
    if (detail::environment_variable("SLOTLOG_RUNTIME_DIR").empty()) {
        paths.push_back(system_dir / socket_file_name(slot));
    }
    auto own = slot_socket_path(slot);
    // root's own folder is the system's
    if (paths.empty() || own.lexically_normal() != paths.front().lexically_normal()) paths.push_back(std::move(own));
    return paths;
}

std::size_t network_message_limit(const slot_name& slot) noexcept {
    if (slot.where == slot_name::scope::local) return 0;
    // an smb mailslot datagram carries at most 432 bytes minus the name rounded
    // up to 4; windows documents 424 for \\*\mailslot\logger
    const std::size_t name_cost = (slot.name.size() + 3) / 4 * 4;
    const std::size_t limit = name_cost < 432 ? 432 - name_cost : 0;
    return std::min<std::size_t>(limit, 424);
}

} // namespace slotlog
