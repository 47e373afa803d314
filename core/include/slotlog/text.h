#pragma once

#include <string>
#include <string_view>

namespace slotlog {

// appends `in` to `out` as valid utf-8 for one line: invalid bytes become
// U+FFFD, control characters become \n \r \t \xHH (C0 and DEL), \u0080..\u009f
// (C1) and \u2028 \u2029 (line and paragraph separators). backslashes are kept.
void append_sanitised(std::string& out, std::string_view in);
std::string sanitise(std::string_view in);

// true if `in` is valid utf-8 (no overlongs, surrogates or code points above U+10FFFF)
bool is_valid_utf8(std::string_view in) noexcept;
// appends `in` with invalid utf-8 replaced by U+FFFD and nothing else changed
void append_utf8_repaired(std::string& out, std::string_view in);

// appends `in` as a json string literal, quotes included: escapes '"', '\\',
// bytes below 0x20, DEL, C1 controls and U+2028/U+2029 (what append_sanitised
// escapes, so a json line is one line to every reader); invalid utf-8 becomes
// U+FFFD so the result is valid json
void append_json_string(std::string& out, std::string_view in);

// appends serialised json (a value from a json parser's dump) so that it stays
// valid json on one line: raw cr/lf/tab (whitespace between tokens) become
// spaces, other controls, DEL, C1 and U+2028/U+2029 (which only a string can
// hold) become \u escapes, invalid utf-8 becomes U+FFFD
void append_json_serialised(std::string& out, std::string_view json);

} // namespace slotlog
