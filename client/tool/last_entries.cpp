// reading a log file's last entries backwards, and its backups before it

#include "last_entries.h"

#include <algorithm>
#include <deque>
#include <ostream>
#include <system_error>

#include <slotlog/detail/utf8.h>

#include "file_follow.h"
#include "gzip_lines.h"

namespace slotlog {

namespace {

constexpr std::size_t chunk_size = 64 * 1024;

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

last_entries read_last_entries(shared_read_file& file, std::size_t count, const entry_filter& filter,
                               bool count_partial) {
    last_entries result;
    std::uint64_t pos = file.size();
    std::string buf;  // the file's bytes [pos, pos + buf.size())
    const auto load_more = [&] {
        if (pos == 0) return false;
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, pos));
        std::string chunk(n, '\0');
        std::size_t got = 0;
        while (got < n) {
            const std::size_t r = file.read_at(pos - n + got, chunk.data() + got, n - got);
            if (r == 0) break;  // shrank meanwhile: what is missing reads as nothing
            got += r;
        }
        chunk.resize(got);
        pos -= n;
        buf.insert(0, chunk);
        return true;
    };

    // the unfinished last line, if any
    for (;;) {
        if (const auto nl = buf.rfind('\n'); nl != std::string::npos) {
            result.partial = buf.substr(nl + 1);
            buf.resize(nl + 1);
            break;
        }
        if (!load_more()) {
            result.partial = std::move(buf);
            buf.clear();
            break;
        }
    }
    result.complete_end = pos + buf.size();
    if (count_partial && !result.partial.empty()) {
        if (count > 0 && filter.passes(result.partial)) {
            --count;
        } else {
            result.partial.clear();
        }
    }

    // whole lines, newest first; buf always ends with a newline or is empty at offset 0
    std::vector<std::string> newest_first;
    while (newest_first.size() < count && !buf.empty()) {
        std::size_t terminator = buf.size() - 1;
        std::size_t nl = terminator == 0 ? std::string::npos : buf.rfind('\n', terminator - 1);
        while (nl == std::string::npos) {
            const std::size_t before = buf.size();
            if (!load_more()) break;
            terminator += buf.size() - before;
            nl = buf.rfind('\n', terminator - 1);
        }
        const std::size_t start = nl == std::string::npos ? 0 : nl + 1;
        std::string line = buf.substr(start, terminator - start);
        buf.resize(start);
        if (filter.passes(line)) newest_first.push_back(std::move(line));
    }
    result.lines.assign(newest_first.rbegin(), newest_first.rend());
    return result;
}

std::vector<std::string> read_last_gzip_entries(shared_read_file& file, std::size_t count, const entry_filter& filter,
                                                std::ostream& err, const std::string& shown, bool& damaged) {
    // forwards through the whole file, keeping the last `count` that pass
    std::deque<std::string> kept;
    std::size_t lines = 0;
    const auto problem = read_gzip_lines(file, [&](std::string_view line) {
        ++lines;
        if (count == 0 || !filter.passes(line)) return;
        if (kept.size() == count) kept.pop_front();
        kept.emplace_back(line);
    });
    damaged = problem.has_value();
    if (problem) {
        err << "slotlog tail: warning: '" << shown << "' is damaged: " << *problem << "; read " << lines
            << " line(s) before it\n";
    }
    return {std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end())};
}

std::filesystem::path backup_path(const std::filesystem::path& path, unsigned index) {
    auto name = path.stem();
    name += "." + std::to_string(index);
    name += path.extension();
    return path.parent_path() / name;
}

std::vector<std::string> read_backup_entries(const std::filesystem::path& path, std::size_t count,
                                             const entry_filter& filter, std::ostream& err,
                                             std::optional<std::filesystem::file_time_type> since) {
    std::vector<std::vector<std::string>> newest_first;  // one group per backup
    auto older = [&](const std::filesystem::path& p) {
        std::error_code ec;
        const auto t = std::filesystem::last_write_time(p, ec);
        return since && !ec && t < *since;
    };
    for (unsigned index = 1; count > 0; ++index) {
        const auto plain = backup_path(path, index);
        auto gz = plain;
        gz += ".gz";
        std::vector<std::string> got;
        try {
            shared_read_file file;
            if (older(plain) || older(gz)) break;  // rotated away before `since`, and the rest older still
            if (file.open(plain)) {
                auto last = read_last_entries(file, count, filter, true);
                got = std::move(last.lines);
                if (!last.partial.empty()) got.push_back(std::move(last.partial));
            } else if (file.open(gz)) {
                bool damaged = false;
                got = read_last_gzip_entries(file, count, filter, err, detail::path_to_utf8(gz), damaged);
            } else {
                break;  // no more backups
            }
        } catch (const std::system_error& e) {
            err << "slotlog tail: warning: cannot read the backup '" << detail::path_to_utf8(plain) << "': "
                << e.what() << '\n';
            break;
        }
        count -= std::min(count, got.size());
        newest_first.push_back(std::move(got));
    }
    std::vector<std::string> lines;
    for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
        for (auto& line : *it) lines.push_back(std::move(line));
    }
    return lines;
}

bool is_backup_name(const std::filesystem::path& path) {
    const auto name = detail::path_to_utf8(path.filename());
    if (is_gzip_name(name)) return true;
    const auto stem = detail::path_to_utf8(path.stem());
    const auto dot = stem.rfind('.');
    return dot != std::string::npos && is_digits(std::string_view(stem).substr(dot + 1));
}

} // namespace slotlog
