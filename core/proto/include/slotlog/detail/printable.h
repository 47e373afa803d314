#pragma once

// text a user gave, for an error message: control characters shown as \xHH,
// so that the message stays one readable line (a NUL would end what())

#include <string>
#include <string_view>

namespace slotlog::detail {

inline std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace slotlog::detail
