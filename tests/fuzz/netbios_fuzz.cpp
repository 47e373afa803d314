// any udp payload on port 138 or 5138: decode never crashes nor reads past the
// input; an accepted write's slot and data lie inside the input, and writing
// the same fields again decodes to the same fields

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <slotlog/mailslot_wire.h>

namespace {

using namespace slotlog::wire;

bool inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool starts_with_mailslot(std::string_view path) {
    constexpr std::string_view prefix = "\\MAILSLOT\\";
    if (path.size() <= prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = path[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != prefix[i]) return false;
    }
    return true;
}

void check_name(const netbios_name& n) {
    if (n.name.size() > 15) std::abort();
    if (!n.name.empty() && n.name.back() == ' ') std::abort();
}

std::string upper(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // a copy of exactly the input's size, so that asan sees any read past it
    const std::string packet(reinterpret_cast<const char*>(data), size);
    const auto r = decode(packet);
    if (!r.write) {
        if (r.error.empty()) std::abort();
        return 0;
    }
    if (!r.error.empty()) std::abort();
    const auto& v = *r.write;
    if (!inside(v.mailslot, packet) || !inside(v.data, packet)) std::abort();
    if (v.data.data() < v.mailslot.data() + v.mailslot.size()) std::abort();  // the data follows the name
    if (!starts_with_mailslot(v.mailslot) || v.mailslot.find('\0') != std::string_view::npos) std::abort();
    const auto t = static_cast<unsigned>(v.type);
    if (t < 0x10 || t > 0x12) std::abort();
    check_name(v.source);
    check_name(v.destination);

    mailslot_write w;
    w.type = v.type;
    w.datagram_id = v.datagram_id;
    w.source_ip = v.source_ip;
    w.source_port = v.source_port;
    w.source = v.source;
    w.destination = v.destination;
    w.mailslot = v.mailslot;
    w.data = v.data;
    std::string again;
    try {
        again = encode(w);
    } catch (const std::invalid_argument&) {
        return 0;  // too long for windows, or a name encode will not write
    }
    const auto r2 = decode(again);
    if (!r2.write) std::abort();
    const auto& v2 = *r2.write;
    if (v2.type != v.type || v2.datagram_id != v.datagram_id || v2.source_ip != v.source_ip ||
        v2.source_port != v.source_port) {
        std::abort();
    }
    // encode upper-cases names; the trailing spaces decode trimmed were never there
    if (v2.source.name != upper(v.source.name) || v2.source.suffix != v.source.suffix) std::abort();
    if (v2.destination.name != upper(v.destination.name) || v2.destination.suffix != v.destination.suffix) std::abort();
    if (v2.mailslot != v.mailslot || v2.data != v.data) std::abort();
    if (again.size() > packet.size()) std::abort();  // padding and scopes only ever shrink away
    return 0;
}
