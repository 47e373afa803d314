#include <slotlog/decode.h>

#include <cstdint>

// python marshal of one str or bytes, as winsys ipc.mailslot() sends it:
//   python 2: 's' bytes, 't' interned bytes, 'u' unicode (utf-8), int32 length
//   python 3: 's' bytes, 't'/'u' str (utf-8), 'a'/'A' ascii with int32 length,
//             'z'/'Z' short ascii with uint8 length
// lengths are little endian; any code may carry FLAG_REF (0x80), which only
// matters to back references inside containers, so it is ignored here

namespace slotlog {

namespace {

constexpr unsigned char flag_ref = 0x80;
// the doubly marshalled form of winsys's MailslotHandler needs 2; more than
// 3 layers is not something a client sends
constexpr int max_layers = 3;

bool is_ascii(std::string_view s) noexcept {
    for (const char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// the content of the one str/bytes object that fills `p` exactly
std::optional<std::string_view> unmarshal_one(std::string_view p) noexcept {
    if (p.size() < 2) return std::nullopt;
    const auto code = static_cast<char>(static_cast<unsigned char>(p[0]) & ~flag_ref);
    switch (code) {
    case 's':
    case 't':
    case 'u':
    case 'a':
    case 'A': {
        if (p.size() < 5) return std::nullopt;
        std::uint32_t len = 0;
        for (int i = 4; i >= 1; --i) len = (len << 8) | static_cast<unsigned char>(p[i]);
        // a negative int32 shows up as >= 2^31 and never matches the size
        if (len > INT32_MAX || len != p.size() - 5) return std::nullopt;
        const auto content = p.substr(5);
        if ((code == 'a' || code == 'A') && !is_ascii(content)) return std::nullopt;
        return content;
    }
    case 'z':
    case 'Z': {
        const auto len = static_cast<unsigned char>(p[1]);
        if (len != p.size() - 2) return std::nullopt;
        const auto content = p.substr(2);
        if (!is_ascii(content)) return std::nullopt;
        return content;
    }
    default:
        return std::nullopt;
    }
}

} // namespace

std::optional<std::string> unmarshal_string(std::string_view payload) {
    auto content = unmarshal_one(payload);
    if (!content) return std::nullopt;
    for (int layer = 1; layer < max_layers; ++layer) {
        const auto inner = unmarshal_one(*content);
        if (!inner) break;
        content = inner;
    }
    return std::string(*content);
}

} // namespace slotlog
