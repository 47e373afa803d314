#pragma once

// a file output's path with placeholders, "logs/{host}/{app}.log": which
// file an entry goes to, and which files the output can have made (retention
// deletes no other). values are made safe (safe_name.h), so no entry can name
// a file outside the folder before the first placeholder

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <slotlog/entry.h>

namespace slotlog {

class path_template {
public:
    // what is wrong with a path's placeholders ("unknown placeholder {hots}
    // (known: ...)"); nullopt when it is fine
    static std::optional<std::string> problem(std::string_view path);

    // `path` must pass problem(); local: date and hour placeholders in local time
    explicit path_template(const std::filesystem::path& path, bool local_time = false);

    // false for a plain path: one file, whatever the entry
    bool has_placeholders() const noexcept { return placeholders_; }
    bool has_time() const noexcept { return time_; }
    // the folder before the first placeholder (a plain path: its folder)
    const std::filesystem::path& folder() const noexcept { return folder_; }

    // the file of `e` written at `now`, relative to folder(), as utf-8 text
    // with '/' between folders (short: it is the key of the open files)
    void expand(std::string& out, const entry& e, clock::time_point now) const;

    // true for a file this output can have made, given by its path relative to
    // folder(): a file of the pattern, or one of its rotated (name.3.log) or
    // compressed backups (name.3.log.gz, and a .gz.part a crash left)
    bool could_produce(const std::filesystem::path& relative) const;
    // for a rotated, not compressed file ("web01/app.3.log"), the file it was
    // rotated from ("web01/app.log"); nullopt for any other, and for a name
    // that the pattern could also give a current file: with {host}.log,
    // 192.0.2.7.log is host 192.0.2.7's, not backup 7 of host 192.0.2
    std::optional<std::filesystem::path> rotated_from(const std::filesystem::path& relative) const;

private:
    enum class part : std::uint8_t { text, host, app, slot, level, date, year, month, day, hour };
    struct piece {
        part what;
        std::string text;  // part::text only
    };
    // the date and hour texts of the hour that holds a time (cached: one
    // conversion an hour, not one per entry)
    struct hour_texts {
        std::int64_t from = 1, to = 0;   // seconds since the epoch, [from, to)
        std::string date, year, month, day, hour;
    };
    const hour_texts& hour_of_(clock::time_point now) const;
    // true for a name the pieces could have given, relative to folder_ with
    // generic separators: each text as itself, each placeholder as one of its
    // values (a small matcher, not std::regex: the units that include this
    // header need not compile <regex>)
    bool matches_(std::string_view name) const;

    std::vector<piece> pieces_;
    std::filesystem::path folder_;
    std::size_t folder_text_size_ = 0;   // how much of the path's text is the folder
    bool placeholders_ = false, time_ = false, local_time_;
    mutable hour_texts hour_;
};

} // namespace slotlog
