#include <slotlog/text.h>

#include <cstdint>
#include <cstring>

// invalid utf-8 is replaced with one U+FFFD per maximal invalid subpart
// (unicode's recommended practice, as in the whatwg encoding standard): a
// truncated but otherwise well-formed prefix such as e2 82 gives one U+FFFD,
// a byte that can never start or continue a sequence gives one each.

namespace slotlog {

namespace {

using uchar = unsigned char;

constexpr char hex_digits[] = "0123456789abcdef";
constexpr std::string_view replacement = "\xEF\xBF\xBD";

// the sequence at p: its length and whether it is valid. on invalid, len is
// the maximal invalid subpart (at least 1 byte) to replace and skip
struct utf8_step {
    std::size_t len;
    bool valid;
};

// p[0] >= 0x80, n >= 1
utf8_step next_char(const uchar* p, std::size_t n) noexcept {
    const uchar b0 = p[0];
    std::size_t need = 0;
    uchar lo = 0x80;
    uchar hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) lo = 0xA0;       // overlong
        else if (b0 == 0xED) hi = 0x9F;  // surrogates d800..dfff
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) lo = 0x90;       // overlong
        else if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return {1, false};               // continuation byte, c0/c1 overlong, f5..ff
    }
    if (n < 2 || p[1] < lo || p[1] > hi) return {1, false};
    for (std::size_t i = 2; i <= need; ++i) {
        if (i >= n || p[i] < 0x80 || p[i] > 0xBF) return {i, false};
    }
    return {need + 1, true};
}

// a valid multi-byte character that append_sanitised escapes: c1 controls
// (c2 80..c2 9f) and the line/paragraph separators (e2 80 a8, e2 80 a9)
bool escaped_multibyte(const uchar* p) noexcept {
    if (p[0] == 0xC2) return p[1] <= 0x9F;
    return p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9);
}

std::uint32_t code_point(const uchar* p, std::size_t len) noexcept {
    if (len == 2) return (std::uint32_t(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    return (std::uint32_t(p[0] & 0x0F) << 12) | (std::uint32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
}

// zero if the 8 bytes at p are all printable ascii (0x20..0x7e). a byte
// below 0x20 borrows into its high bit, 0x7f carries into it, and bytes with
// the high bit set are caught by `x` itself; carries between bytes can only
// give false alarms, which the byte loop then sorts out
std::uint64_t unprintable8(const uchar* p) noexcept {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    constexpr std::uint64_t ones = 0x0101010101010101ull;
    constexpr std::uint64_t highs = 0x8080808080808080ull;
    return ((x - 0x20 * ones) | x | (x + ones)) & highs;
}

bool printable8(const uchar* p) noexcept { return unprintable8(p) == 0; }

// end of the run starting at i that append_sanitised copies unchanged
std::size_t clean_end(const uchar* p, std::size_t n, std::size_t i) noexcept {
    while (i < n) {
        // plain ascii 16 and 8 bytes at a time; fewer than 8 left: the input's
        // last 8 bytes (re-reading some) settle them in one go, or a short
        // input goes byte by byte
        while (n - i >= 16 && (unprintable8(p + i) | unprintable8(p + i + 8)) == 0) i += 16;
        if (n - i >= 8 && printable8(p + i)) i += 8;
        if (n - i < 8) {
            if (n >= 8 && printable8(p + n - 8)) return n;
            while (i < n && p[i] >= 0x20 && p[i] < 0x7F) ++i;
            if (i == n) return n;
        }
        const uchar c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            ++i;
            continue;
        }
        if (c < 0x80) break;
        const auto s = next_char(p + i, n - i);
        if (!s.valid || escaped_multibyte(p + i)) break;
        i += s.len;
    }
    return i;
}

// end of the run starting at i that is valid utf-8
std::size_t valid_end(const uchar* p, std::size_t n, std::size_t i) noexcept {
    while (i < n) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const auto s = next_char(p + i, n - i);
        if (!s.valid) break;
        i += s.len;
    }
    return i;
}

void append_hex_byte(std::string& out, std::string_view prefix, std::uint32_t v) {
    out.append(prefix);
    out.push_back(hex_digits[(v >> 4) & 0xF]);
    out.push_back(hex_digits[v & 0xF]);
}

void append_u_escape(std::string& out, std::uint32_t cp) {
    const char buf[6] = {'\\', 'u', hex_digits[(cp >> 12) & 0xF], hex_digits[(cp >> 8) & 0xF],
                         hex_digits[(cp >> 4) & 0xF], hex_digits[cp & 0xF]};
    out.append(buf, sizeof buf);
}

const uchar* bytes(std::string_view s) noexcept { return reinterpret_cast<const uchar*>(s.data()); }

} // namespace

void append_sanitised(std::string& out, std::string_view in) {
    const uchar* p = bytes(in);
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        const std::size_t end = clean_end(p, n, i);
        out.append(in.data() + i, end - i);
        if (end == n) break;
        i = end;
        const uchar c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default: append_hex_byte(out, "\\x", c); break;
            }
            ++i;
            continue;
        }
        const auto s = next_char(p + i, n - i);
        if (s.valid) {
            append_u_escape(out, code_point(p + i, s.len));  // c1 or U+2028/U+2029
        } else {
            out.append(replacement);
        }
        i += s.len;
    }
}

std::string sanitise(std::string_view in) {
    std::string out;
    append_sanitised(out, in);
    return out;
}

bool is_valid_utf8(std::string_view in) noexcept { return valid_end(bytes(in), in.size(), 0) == in.size(); }

void append_utf8_repaired(std::string& out, std::string_view in) {
    const uchar* p = bytes(in);
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        const std::size_t end = valid_end(p, n, i);
        out.append(in.data() + i, end - i);
        if (end == n) break;
        out.append(replacement);
        i = end + next_char(p + end, n - end).len;
    }
}

void append_json_string(std::string& out, std::string_view in) {
    const uchar* p = bytes(in);
    const std::size_t n = in.size();
    out.push_back('"');
    std::size_t i = 0;
    while (i < n) {
        // copy what goes out as is in one go
        std::size_t end = i;
        while (end < n) {
            const uchar c = p[end];
            if (c >= 0x80) {
                const auto s = next_char(p + end, n - end);
                if (!s.valid || escaped_multibyte(p + end)) break;
                end += s.len;
            } else if (c >= 0x20 && c != 0x7F && c != '"' && c != '\\') {
                ++end;
            } else {
                break;
            }
        }
        out.append(in.data() + i, end - i);
        if (end == n) break;
        i = end;
        const uchar c = p[i];
        if (c >= 0x80) {
            // json allows c1 controls and U+2028 raw, but a reader that splits
            // lines on them (python's splitlines) would cut the entry in two
            const auto s = next_char(p + i, n - i);
            if (s.valid) {
                append_u_escape(out, code_point(p + i, s.len));
            } else {
                out.append(replacement);
            }
            i += s.len;
            continue;
        }
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default: append_hex_byte(out, "\\u00", c); break;
        }
        ++i;
    }
    out.push_back('"');
}

void append_json_serialised(std::string& out, std::string_view json) {
    const uchar* p = bytes(json);
    const std::size_t n = json.size();
    std::size_t i = 0;
    while (i < n) {
        const std::size_t end = clean_end(p, n, i);
        out.append(json.data() + i, end - i);
        if (end == n) break;
        i = end;
        const uchar c = p[i];
        if (c < 0x80) {
            // raw, only whitespace between tokens is valid json
            if (c == '\n' || c == '\r' || c == '\t') {
                out.push_back(' ');
            } else {
                append_hex_byte(out, "\\u00", c);
            }
            ++i;
            continue;
        }
        const auto s = next_char(p + i, n - i);
        if (s.valid) {
            append_u_escape(out, code_point(p + i, s.len));  // only valid inside a string
        } else {
            out.append(replacement);
        }
        i += s.len;
    }
}

} // namespace slotlog
