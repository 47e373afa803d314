#include "forward/syslog_message.h"

#include <array>
#include <bit>
#include <charconv>
#include <chrono>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <slotlog/format.h>
#include <slotlog/level.h>
#include <slotlog/text.h>

#include "dedup/keyed_hash.h"

namespace slotlog {

namespace {

struct facility_name {
    std::string_view name;
    int code;
};

// rsyslog's names for 0..23 first, then the aliases. "security" is rsyslog's (auth, 4):
// syslog-ng and freebsd use it for 13, but the servers we send to are mostly rsyslog
constexpr std::array<facility_name, 27> facility_names{{
    {"kern", 0}, {"user", 1}, {"mail", 2}, {"daemon", 3}, {"auth", 4}, {"syslog", 5},
    {"lpr", 6}, {"news", 7}, {"uucp", 8}, {"cron", 9}, {"authpriv", 10}, {"ftp", 11},
    {"ntp", 12}, {"audit", 13}, {"alert", 14}, {"clock", 15}, {"local0", 16}, {"local1", 17},
    {"local2", 18}, {"local3", 19}, {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
    {"security", 4}, {"console", 14}, {"solaris-cron", 15},
}};

// rfc 5424 section 6: the header fields' longest values
constexpr std::size_t max_hostname = 255;
constexpr std::size_t max_app_name = 48;
constexpr std::size_t max_sd_name = 32;

constexpr std::string_view default_sd_id = "slotlog@32473";

int severity(level l) noexcept {
    switch (l) {
    case level::trace:
    case level::debug: return 7;
    case level::info: return 6;
    case level::notice: return 5;
    case level::warning: return 4;
    case level::error: return 3;
    case level::critical: return 2;
    }
    return 6;
}

template <typename Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

bool is_lower_ascii_equal(std::string_view a, std::string_view lower) noexcept {
    if (a.size() != lower.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

// bytes of the code point at s[i]: a lead byte with its continuation bytes, or
// one byte (ascii, or a stray byte of broken utf-8)
std::size_t code_point_size(std::string_view s, std::size_t i) noexcept {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t want = 1;
    if (lead >= 0xF0 && lead <= 0xF7) {
        want = 4;
    } else if (lead >= 0xE0) {
        want = lead <= 0xEF ? 3 : 1;
    } else if (lead >= 0xC0) {
        want = 2;
    }
    std::size_t n = 1;
    while (n < want && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    return n;
}

bool is_printable_ascii(unsigned char c) noexcept { return c >= 33 && c <= 126; }

// something other than spaces and control characters
bool has_visible(std::string_view s) noexcept {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c > 32 && c != 127) return true;
    }
    return false;
}

// HOSTNAME, APP-NAME, PROCID: printable us-ascii only, so every other character
// (a space, a non-ascii code point) becomes one '_'; a field with nothing
// visible in it is nil
void append_header_field(std::string& out, std::string_view s, std::size_t max) {
    if (!has_visible(s)) {
        out.push_back('-');
        return;
    }
    for (std::size_t i = 0, n = 0; i < s.size() && n < max; ++n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (is_printable_ascii(c)) {
            out.push_back(static_cast<char>(c));
            ++i;
        } else {
            out.push_back('_');
            i += code_point_size(s, i);
        }
    }
}

// SD-NAME (an SD-ID or a PARAM-NAME): at most 32 printable us-ascii characters
// other than '=', ' ', ']' and '"'; others become '_'. appends nothing for ""
void append_sd_name(std::string& out, std::string_view s) {
    for (std::size_t i = 0, n = 0; i < s.size() && n < max_sd_name; ++n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (is_printable_ascii(c) && c != '=' && c != ']' && c != '"') {
            out.push_back(static_cast<char>(c));
            ++i;
        } else {
            out.push_back('_');
            i += code_point_size(s, i);
        }
    }
}

// PARAM-VALUE: utf-8 with '"', '\' and ']' escaped by a backslash
void append_param_value(std::string& out, std::string_view s) {
    for (;;) {
        const auto special = s.find_first_of("\"\\]");
        out.append(s.substr(0, special));
        if (special == std::string_view::npos) return;
        out.push_back('\\');
        out.push_back(s[special]);
        s.remove_prefix(special + 1);
    }
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// the four hex digits of a \u escape at s[i]
bool parse_hex4(std::string_view s, std::size_t i, std::uint32_t& v) noexcept {
    if (i + 4 > s.size()) return false;
    v = 0;
    for (std::size_t k = i; k < i + 4; ++k) {
        const char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= static_cast<std::uint32_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= static_cast<std::uint32_t>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= static_cast<std::uint32_t>(c - 'A' + 10);
        } else {
            return false;
        }
    }
    return true;
}

// a json string literal, quotes included, decoded to utf-8 (a lone surrogate
// becomes U+FFFD); false if `json` is not exactly one string literal
bool decode_json_string(std::string_view json, std::string& out) {
    if (json.size() < 2 || json.front() != '"' || json.back() != '"') return false;
    const std::string_view s = json.substr(1, json.size() - 2);
    for (std::size_t i = 0; i < s.size();) {
        const auto plain = s.find_first_of("\"\\", i);
        out.append(s.substr(i, plain - i));
        if (plain == std::string_view::npos) return true;
        if (s[plain] == '"' || plain + 1 >= s.size()) return false;
        const char c = s[plain + 1];
        i = plain + 2;
        switch (c) {
        case '"':
        case '\\':
        case '/': out.push_back(c); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
            std::uint32_t cp = 0;
            if (!parse_hex4(s, i, cp)) return false;
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                std::uint32_t low = 0;
                if (i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u' && parse_hex4(s, i + 2, low) &&
                    low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            append_utf8(out, cp);
            break;
        }
        default: return false;
        }
    }
    return true;
}

// an extra field's value (serialised json): a string as its text, anything
// else (a number, true, an object) as its json; either made one line first
void append_extra_value(std::string& out, std::string_view json, std::string& decoded, std::string& clean) {
    decoded.clear();
    clean.clear();
    if (json.empty()) {
        out.append("null");
    } else if (json.front() == '"' && decode_json_string(json, decoded)) {
        append_sanitised(clean, decoded);
        append_param_value(out, clean);
    } else {
        append_json_serialised(clean, json);
        append_param_value(out, clean);
    }
}

void append_param(std::string& out, std::string_view name, std::string_view value) {
    out.push_back(' ');
    out.append(name);
    out.append("=\"");
    append_param_value(out, value);
    out.push_back('"');
}

// the extra fields as params: names sanitised and cut, the first of a name
// wins, and ours come first (an extra "id" cannot replace the entry's id).
// the names written are found again in `out` by place: the few an entry
// usually has one by one, past those through a set (a hostile message may
// bring thousands)
void append_extras(std::string& out, const std::vector<std::pair<std::string, std::string>>& extra) {
    constexpr std::size_t few = 16;
    std::array<std::pair<std::size_t, std::size_t>, few> first_names{};
    std::size_t count = 0;
    std::optional<std::unordered_set<std::string>> more_names;
    std::string decoded, clean;
    for (const auto& [key, value] : extra) {
        const auto from = out.size();
        out.push_back(' ');
        append_sd_name(out, key);
        const std::string_view name = std::string_view(out).substr(from + 1);
        bool fresh = !name.empty() && name != "id" && name != "slot" && name != "seq";
        for (std::size_t i = 0; fresh && i < std::min(count, few); ++i)
            fresh = std::string_view(out).substr(first_names[i].first, first_names[i].second) != name;
        if (fresh && count >= few) {
            if (!more_names) more_names.emplace();
            fresh = more_names->insert(std::string(name)).second;
        }
        if (!fresh) {
            out.resize(from);
            continue;
        }
        if (count < few) first_names[count] = {from + 1, name.size()};
        ++count;
        out.append("=\"");
        append_extra_value(out, value, decoded, clean);
        out.push_back('"');
    }
}

void append_structured_data(std::string& out, const entry& e, std::string_view id, std::string_view sd_id) {
    out.push_back('[');
    const auto before = out.size();
    append_sd_name(out, sd_id);
    if (out.size() == before) out.append(default_sd_id);
    append_param(out, "id", id);
    append_param(out, "slot", sanitise(e.slot));  // one line even if the entry was built elsewhere
    if (e.seq) {
        out.append(" seq=\"");
        append_int(out, *e.seq);
        out.push_back('"');
    }
    append_extras(out, e.extra);
    out.push_back(']');
}

// ids are not secret, they only have to be equal everywhere: the key is
// "slotlog-" and "entry-id" in ascii, read as big-endian numbers. siphash-2-4
// (the paper's rounds) rather than the dedup tables' 1-3: an id outlives a process
constexpr hash_key id_key{0x736c6f746c6f672dull, 0x656e7472792d6964ull};
using id_hash = basic_keyed_hash<2, 4>;

// keyed_hash reads words in the machine's byte order; ids must be the same on
// every machine, and every platform we build for is little-endian
static_assert(std::endian::native == std::endian::little, "entry ids assume a little-endian machine");

} // namespace

std::optional<int> syslog_facility(std::string_view name) noexcept {
    for (const auto& f : facility_names) {
        if (is_lower_ascii_equal(name, f.name)) return f.code;
    }
    return std::nullopt;
}

void append_rfc5424(std::string& out, const entry& e, std::string_view id, const rfc5424_options& o) {
    const int facility = o.facility >= 0 && o.facility <= 23 ? o.facility : 1;
    out.push_back('<');
    append_int(out, facility * 8 + severity(e.lvl));
    out.append(">1 ");
    append_timestamp(out, e.time);
    out.push_back(' ');
    append_header_field(out, e.host, max_hostname);
    out.push_back(' ');
    append_header_field(out, e.app, max_app_name);
    out.push_back(' ');
    if (e.pid) {
        append_int(out, *e.pid);  // at most 20 characters, far below PROCID's 128
    } else {
        out.push_back('-');
    }
    out.append(" - ");
    append_structured_data(out, e, id, o.sd_id);
    if (!e.msg.empty()) {
        // plain utf-8 without the BOM that rfc 5424 puts before MSG-UTF8:
        // rsyslog and syslog-ng store such a MSG-ANY as the utf-8 it is. the
        // text is made one line again (an entry built elsewhere may not be)
        out.push_back(' ');
        append_sanitised(out, e.msg);
    }
}

void append_octet_counted(std::string& out, std::string_view message) {
    append_int(out, message.size());
    out.push_back(' ');
    out.append(message);
}

std::string entry_id(const entry& e, std::uint64_t instance, std::uint64_t counter) {
    id_hash h(id_key);
    if (e.seq) {
        // what the sender stamped, at the precision the message carries
        const auto us = std::chrono::floor<std::chrono::microseconds>(e.time.time_since_epoch()).count();
        h.add(std::string_view{"stamped"})
            .add(std::string_view{e.host})
            .add(std::string_view{e.app})
            .add(std::uint64_t{e.pid ? 1u : 0u})
            .add(static_cast<std::uint64_t>(e.pid.value_or(0)))
            .add(std::string_view{e.slot})
            .add(static_cast<std::uint64_t>(*e.seq))
            .add(static_cast<std::uint64_t>(us));
    } else {
        h.add(std::string_view{"local"}).add(instance).add(counter);
    }
    std::uint64_t v = h.finish();
    std::string id(16, '0');
    constexpr char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<std::size_t>(i)] = digits[v & 0xF];
    return id;
}

} // namespace slotlog
