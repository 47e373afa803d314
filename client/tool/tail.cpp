// `slotlog tail`: last entries, level filter and following across rotations

#include "tail.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <slotlog/detail/utf8.h>

#include "file_follow.h"

namespace slotlog {

namespace {

constexpr std::size_t chunk_size = 64 * 1024;

std::string_view without_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

bool wanted(std::string_view line, const std::optional<level>& min) {
    if (!min) return true;
    const auto l = line_level(line);
    return l && *l >= *min;
}

// the last entries of a file, found by reading it backwards in chunks
struct last_entries {
    std::vector<std::string> lines;  // in file order
    std::string partial;             // bytes after the last newline
    std::uint64_t complete_end = 0;  // where the partial line starts
};

last_entries read_last_entries(shared_read_file& file, std::size_t count, const std::optional<level>& min,
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
    if (count_partial && !result.partial.empty() && wanted(result.partial, min) && count > 0) --count;

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
        if (wanted(line, min)) newest_first.push_back(std::move(line));
    }
    result.lines.assign(newest_first.rbegin(), newest_first.rend());
    return result;
}

class follower {
public:
    follower(const tail_options& options, std::ostream& out, std::ostream& err)
        : options_(options), out_(out), err_(err), path_(detail::path_to_utf8(options.path)) {}

    int run(const std::atomic<bool>& stop) {
        if (file_.open(options_.path)) {
            id_ = file_.identity();
            auto last = read_last_entries(file_, options_.lines, options_.min_level, !options_.follow);
            for (const auto& line : last.lines) out_ << line << '\n';
            if (!options_.follow) {
                if (!last.partial.empty() && options_.lines > 0 && wanted(last.partial, options_.min_level))
                    out_ << last.partial << '\n';
                out_.flush();
                return 0;
            }
            // an unfinished last line is printed once it is complete
            offset_ = last.complete_end;
        } else if (!options_.follow) {
            err_ << "slotlog tail: cannot open '" << path_ << "': no such file\n";
            return 1;
        } else {
            err_ << "slotlog tail: '" << path_ << "' does not exist yet; waiting for it\n";
            missing_said_ = true;
        }
        out_.flush();

        while (!stop.load()) {
            bool progressed = file_.is_open() && drain_();
            progressed = check_path_() || progressed;
            out_.flush();
            if (options_.on_poll) options_.on_poll();
            if (!progressed) std::this_thread::sleep_for(options_.poll_interval);
        }
        return 0;
    }

private:
    // whatever the open file holds beyond offset_; true if there was something
    bool drain_() {
        bool any = false;
        for (;;) {
            const std::size_t got = file_.read_at(offset_, buffer_, sizeof(buffer_));
            if (got == 0) return any;
            any = true;
            offset_ += got;
            pending_.append(buffer_, got);
            emit_complete_lines_();
        }
    }

    void emit_complete_lines_() {
        std::size_t start = 0;
        for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
            emit_(std::string_view(pending_).substr(start, nl - start));
        }
        pending_.erase(0, start);
    }

    void emit_(std::string_view line) {
        if (wanted(line, options_.min_level)) out_ << line << '\n';
    }

    // the old file ended in the middle of a line: print what it had, once
    void flush_partial_() {
        if (!pending_.empty()) emit_(pending_);
        pending_.clear();
    }

    // follows the path to a new file (rotation) or back to the start (truncation)
    bool check_path_() {
        const auto now = identity_of(options_.path);
        if (!file_.is_open()) {
            if (!now || !file_.open(options_.path)) return false;
            id_ = file_.identity();
            offset_ = 0;
            err_ << "slotlog tail: '" << path_ << "' has appeared; following it\n";
            missing_said_ = false;
            return true;
        }
        if (!now) {
            // renamed away and not yet recreated: keep reading the old file meanwhile
            if (!missing_said_) err_ << "slotlog tail: '" << path_ << "' has gone; waiting for it to come back\n";
            missing_said_ = true;
            return false;
        }
        const bool replaced = *now != id_;
        const bool truncated = !replaced && file_.size() < offset_;
        if (!replaced && !truncated) return false;

        // the old file first, to its very end, then the path from its start
        if (replaced) drain_();
        flush_partial_();
        offset_ = 0;
        missing_said_ = false;
        if (!file_.open(options_.path)) {
            err_ << "slotlog tail: '" << path_ << "' has gone; waiting for it to come back\n";
            missing_said_ = true;
            return true;
        }
        id_ = file_.identity();
        err_ << "slotlog tail: '" << path_ << (replaced ? "' has been replaced" : "' was truncated")
             << "; following it from the start\n";
        return true;
    }

    const tail_options& options_;
    std::ostream& out_;
    std::ostream& err_;
    std::string path_;
    shared_read_file file_;
    file_identity id_;
    std::uint64_t offset_ = 0;
    std::string pending_;  // bytes of a line whose newline has not come yet
    bool missing_said_ = false;
    char buffer_[chunk_size];
};

} // namespace

std::optional<level> line_level(std::string_view line) {
    line = without_cr(line);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::nullopt;
    if (line[first] == '{') {
        const auto j = nlohmann::json::parse(line.substr(first), nullptr, false);
        if (!j.is_object()) return std::nullopt;
        const auto it = j.find("level");
        if (it == j.end() || !it->is_string()) return std::nullopt;
        return parse_level(it->get_ref<const std::string&>());
    }
    // text: `<time> <LABEL> host app[pid]: msg`, the time starts with a digit
    if (line[first] < '0' || line[first] > '9') return std::nullopt;
    const auto time_end = line.find(' ', first);
    if (time_end == std::string_view::npos) return std::nullopt;
    const auto label_end = std::min(line.find(' ', time_end + 1), line.size());
    return parse_level(line.substr(time_end + 1, label_end - time_end - 1));
}

int run_tail(const tail_options& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
    try {
        auto f = std::make_unique<follower>(options, out, err);
        return f->run(stop);
    } catch (const std::system_error& e) {
        out.flush();
        err << "slotlog tail: '" << detail::path_to_utf8(options.path) << "': " << e.what() << '\n';
        return 1;
    }
}

} // namespace slotlog
