// SLOTLOG-CTL/1: building, splitting and signing control messages, and key files

#include <slotlog/control_message.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <iterator>
#include <vector>

#include "crypto.h"

namespace slotlog {

namespace {

constexpr std::string_view verbs[] = {"stop", "reload", "rotate", "flush"};

template <typename Bytes>
std::string to_hex(const Bytes& bytes, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
    for (const char c : s) {
        if (!pred(c)) return false;
    }
    return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

} // namespace

std::string_view to_string(control_verb verb) noexcept { return verbs[static_cast<int>(verb)]; }

std::optional<control_verb> parse_control_verb(std::string_view text) noexcept {
    for (std::size_t i = 0; i < std::size(verbs); ++i) {
        if (verbs[i] == text) return static_cast<control_verb>(i);
    }
    return std::nullopt;
}

std::optional<control_fields> parse_control_fields(std::string_view message, std::string& why) {
    if (message.size() > control_max_message_size) {
        why = "too long (" + std::to_string(message.size()) + " bytes)";
        return std::nullopt;
    }
    if (message.substr(0, control_prefix.size()) != control_prefix) {
        why = message.substr(0, control_magic.size()) == control_magic ? "unsupported version" : "not a control message";
        return std::nullopt;
    }
    // exactly four fields after the prefix, one space apart
    std::vector<std::string_view> fields;
    std::string_view rest = message.substr(control_prefix.size());
    for (;;) {
        const auto space = rest.find(' ');
        fields.push_back(rest.substr(0, space));
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    if (fields.size() != 4) {
        why = "malformed: " + std::to_string(fields.size()) + " fields instead of 4 (verb, time, nonce, mac)";
        return std::nullopt;
    }
    control_fields out;
    out.verb = fields[0];
    out.nonce = fields[2];
    out.mac = fields[3];
    out.signed_part = message.substr(0, message.size() - out.mac.size() - 1);
    if (out.verb.empty() || out.verb.size() > 16 || !all_of(out.verb, is_lower)) {
        why = "malformed verb";
        return std::nullopt;
    }
    const auto time = fields[1];
    const auto [end, ec] = std::from_chars(time.data(), time.data() + time.size(), out.time);
    if (time.empty() || time.size() > 19 || !all_of(time, is_digit) || ec != std::errc() ||
        end != time.data() + time.size()) {
        why = "malformed time";
        return std::nullopt;
    }
    if (out.nonce.size() < 16 || out.nonce.size() > 64 || !all_of(out.nonce, is_hex)) {
        why = "malformed nonce (16 to 64 hex digits)";
        return std::nullopt;
    }
    if (out.mac.size() != 64 || !all_of(out.mac, is_lower_hex)) {
        why = "malformed mac (64 lowercase hex digits)";
        return std::nullopt;
    }
    return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    const auto digest = detail::hmac_sha256(key, data);
    return to_hex(digest, digest.size());
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
    // the length of a mac is public; the bytes are compared all the way
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    detail::random_bytes(buf.data(), buf.size());
    return to_hex(buf, buf.size());
}

std::string make_control_message(control_verb verb, std::string_view key, std::int64_t unix_seconds,
                                 std::string_view nonce) {
    std::string text(control_prefix);
    text += to_string(verb);
    text += ' ';
    text += std::to_string(unix_seconds);
    text += ' ';
    text += nonce;
    const auto mac = hmac_sha256_hex(key, text);
    text += ' ';
    text += mac;
    return text;
}

std::string make_control_message(control_verb verb, std::string_view key) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    return make_control_message(verb, key, now, random_hex(16));
}

std::string read_control_key(const std::filesystem::path& file, bool private_only) {
    const auto name = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        const bool exists = std::filesystem::exists(file, ec);
        throw control_key_error("key file " + name + (exists ? ": cannot be read" : ": missing"));
    }
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw control_key_error("key file " + name + ": cannot be read");
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (key.size() < control_min_key_size) {
        throw control_key_error("key file " + name + ": too short (" + std::to_string(key.size()) +
                                " bytes, at least " + std::to_string(control_min_key_size) + ")");
    }
    if (private_only) {
        if (const auto why = detail::key_file_exposure(file); !why.empty()) {
            throw control_key_error("key file " + name + ": " + why);
        }
    }
    return key;
}

bool create_control_key(const std::filesystem::path& file) {
    try {
        return detail::create_private_file(file, random_hex(32) + "\n");
    } catch (const std::exception& e) {
        throw control_key_error("cannot create key file " + file.string() + ": " + e.what());
    }
}

} // namespace slotlog
