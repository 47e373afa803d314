#pragma once

// what `slotlog tail` keeps: the level, host, app and message of a line the
// collector wrote (core/src/sinks/format.cpp's text or json line), checked
// against --level, --host, --app and --grep together

#include <optional>
#include <string>
#include <string_view>

#include <slotlog/glob.h>
#include <slotlog/level.h>

namespace slotlog {

// an entry's fields as a line holds them. an unknown host or app (`-` in a
// text line, null or absent in a json line) is the empty text, as the
// collector's routing matches it
struct line_fields {
    std::optional<level> lvl;
    std::string host;
    std::string app;
    std::string msg;
};

// the level of a text line (`<time> <LABEL> ...`) or of a json line
// ("level":"warning"); nullopt for a line that has none
std::optional<level> line_level(std::string_view line);

// the fields of a text line `<time> <LABEL> <host> <app>[<pid>]: <msg>` (also
// `<app>: <msg>`) or of a json object line; nullopt for any other line
std::optional<line_fields> parse_line(std::string_view line);

class entry_filter {
public:
    std::optional<level> min_level;  // at least this severe
    std::optional<glob> host;        // glob of the host, case-insensitive
    std::optional<glob> app;
    std::optional<std::string> grep; // a substring of the message, case-insensitive

    // every filter given passes (and). with a filter, a line that is not an
    // entry (no level, no fields) does not pass; with none, every line does
    bool passes(std::string_view line) const;
};

// true if `needle` is in `text`, ascii letters of either case alike
bool contains_folded(std::string_view text, std::string_view needle) noexcept;

} // namespace slotlog
