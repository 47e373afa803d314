#pragma once

#include <string>

#include <slotlog/entry.h>

namespace slotlog {

enum class line_format { text, json };

// "2026-11-24T21:17:35.539204Z", utc, microseconds
void append_timestamp(std::string& out, clock::time_point t);

// one line without the trailing newline
// text: "2026-11-24T21:17:35.539204Z WARNING WEB01 billing[42]: the message"
void format_text(std::string& out, const entry& e);
// json: {"time":..,"level":..,"host":..,"app":..,"pid":..,"seq":..,"slot":..,"msg":..,<extra>}
void format_json(std::string& out, const entry& e);

// parses "2026-11-24T21:17:35.5Z" / "+01:00" offsets (rfc 3339); nullopt if not one
std::optional<clock::time_point> parse_timestamp(std::string_view text) noexcept;

} // namespace slotlog
