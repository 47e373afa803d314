#pragma once

// SLOTLOG-CTL/1, the signed control message (docs/control.md):
//   SLOTLOG-CTL/1 <verb> <unix-seconds> <nonce> <mac>
// verb stop|reload|rotate|flush, nonce 16 to 64 hex digits, mac the lowercase
// hex HMAC-SHA256(key, "SLOTLOG-CTL/1 <verb> <unix-seconds> <nonce>"). the
// cryptography is the platform's: openssl's libcrypto on posix, cng on windows

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace slotlog {

inline constexpr std::string_view control_magic = "SLOTLOG-CTL/";   // any version
inline constexpr std::string_view control_prefix = "SLOTLOG-CTL/1 ";
inline constexpr std::size_t control_min_key_size = 16;
inline constexpr std::size_t control_max_message_size = 256;  // the longest valid one is 175

enum class control_verb { stop, reload, rotate, flush };

std::string_view to_string(control_verb verb) noexcept;
std::optional<control_verb> parse_control_verb(std::string_view text) noexcept;

// the fields of a message in the SLOTLOG-CTL/1 shape; the verb is kept as text
// so that an unknown one can be told apart from a bad mac
struct control_fields {
    std::string_view verb;
    std::int64_t time = 0;
    std::string_view nonce;
    std::string_view mac;
    std::string_view signed_part;  // everything before " <mac>"
};

// splits a whole message (end of line and nul already stripped); nullopt with
// `why` set when it is not in the shape
std::optional<control_fields> parse_control_fields(std::string_view message, std::string& why);

// lowercase hex HMAC-SHA256(key, data); throws std::runtime_error if the
// platform's library fails (it does not, short of a broken system)
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// compares in time that does not depend on where the texts differ
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;
// `bytes` random bytes from the system's generator, as lowercase hex
std::string random_hex(std::size_t bytes);

// the whole message for `verb`, signed with `key`
std::string make_control_message(control_verb verb, std::string_view key, std::int64_t unix_seconds,
                                 std::string_view nonce);
// now, with a fresh random nonce
std::string make_control_message(control_verb verb, std::string_view key);

class control_key_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// reads a key file: its bytes without trailing CR/LF, at least 16 bytes.
// with `private_only` (the collector) a posix file that group or others may
// read is refused. throws control_key_error saying what is wrong
std::string read_control_key(const std::filesystem::path& file, bool private_only);

// creates `file` with a new random key (32 bytes as 64 hex digits) that only
// its owner may read (posix: mode 0600; windows: see key_file_windows.cpp).
// false if the file exists already (it is left alone); throws
// control_key_error when it cannot be created
bool create_control_key(const std::filesystem::path& file);

} // namespace slotlog
