#include "sinks/file_output.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include <slotlog/detail/utf8.h>
#include <slotlog/outputs.h>
#include <slotlog/platform.h>

namespace slotlog {

namespace fs = std::filesystem;

namespace {

// closing a file that cannot be written: how many of the least recently
// written are tried before one is closed with its lines (which are counted)
constexpr int close_candidates = 8;

// compression and retention of a file output, or null when it has neither
std::shared_ptr<file_upkeep> make_upkeep(const output_config& cfg, const path_template& pattern,
                                         const problem_reporter& report) {
    const bool compress = cfg.compress == file_compression::gzip;
    if (!compress && cfg.max_age.count() == 0 && cfg.max_total_size == 0) return nullptr;
    upkeep_settings s;
    s.folder = pattern.folder();
    // the files of a pattern lie anywhere below the folder before its first
    // placeholder; those of a fixed path in its own folder only
    s.recursive = pattern.has_placeholders();
    s.family = path_family(cfg.path);
    s.compress = compress;
    s.max_age = cfg.max_age;
    s.max_total_size = cfg.max_total_size;
    s.describe = detail::path_to_utf8(cfg.path);
    return std::make_shared<file_upkeep>(std::move(s), report);
}

} // namespace

file_output::file_output(const output_config& cfg, problem_reporter report, clock_fn now)
    : cfg_(cfg), report_(std::move(report)), now_(now ? std::move(now) : clock_fn([] { return clock::now(); })),
      pattern_(cfg.path, cfg.local_time), upkeep_(make_upkeep(cfg_, pattern_, report_)),
      flushed_at_(std::chrono::steady_clock::now()) {
    if (!pattern_.has_placeholders()) {
        key_ = name_ = detail::path_to_utf8(cfg_.path);
        open_(true, 0, 0);
        return;
    }
    // never reallocated: at most max_open_files are open, and the index stays at most half full
    files_.reserve(cfg_.max_open_files);
    std::size_t slots = 16;
    while (slots < 2 * static_cast<std::size_t>(cfg_.max_open_files)) slots *= 2;
    index_.resize(slots);
}

file_output::~file_output() {
    // the sinks write what they hold as they close
    try {
        hand_over_all_(true);
    } catch (...) {
        // out of memory handing lines over: nothing to report to any more
    }
}

void file_output::write(const entry& e, std::string_view line) {
    if (!pattern_.has_placeholders()) return files_[0].sink->write_line(line);
    const auto i = file_for_(e);
    files_[i].written = ++writes_;
    files_[i].flushed = flushed_at_;
    keep_(i, line);
}

void file_output::keep_(std::size_t file, std::string_view line) {
    // a line longer than the arena should hold goes straight to its sink,
    // after what waits of its file; a full arena is written out
    if (line.size() > arena_limit / 4) {
        hand_over_(files_[file]);
        return files_[file].sink->write_line(line);
    }
    if (arena_.size() + line.size() + 8 > arena_limit) hand_over_all_(true);
    const auto at = static_cast<std::uint32_t>(arena_.size());
    const std::uint32_t head[2] = {files_[file].newest, static_cast<std::uint32_t>(line.size())};
    arena_.append(reinterpret_cast<const char*>(head), sizeof head);
    arena_.append(line);
    files_[file].newest = at + 1;
}

// the file's waiting lines to its sink, oldest first
void file_output::hand_over_(open_file& f) {
    chain_.clear();
    for (auto at = f.newest; at != 0;) {
        chain_.push_back(at - 1);
        std::memcpy(&at, arena_.data() + at - 1, sizeof at);
    }
    f.newest = 0;
    for (auto it = chain_.rbegin(); it != chain_.rend(); ++it) {
        std::uint32_t size = 0;
        std::memcpy(&size, arena_.data() + *it + 4, sizeof size);
        f.sink->write_line(std::string_view(arena_.data() + *it + 8, size));
    }
}

// with flush, each file writes as soon as it has its lines, while they are
// in the cache, and no sink holds more than its own at a time
void file_output::hand_over_all_(bool flush) {
    for (auto& f : files_) {
        if (f.newest != 0) hand_over_(f);
        if (flush) f.sink->flush();
    }
    arena_.clear();
}

std::size_t file_output::file_for_(const entry& e) {
    pattern_.expand(name_, e, pattern_.has_time() ? now_() : clock::time_point{});
    // windows names files case-insensitively: WEB01 and web01 are one file
    if constexpr (on_windows) {
        key_ = name_;
        for (auto& c : key_) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
    } else {
        key_.swap(name_);
    }
    if (last_ != none && files_[last_].key == key_) return last_;
    const auto hash = static_cast<std::uint32_t>(std::hash<std::string_view>{}(key_));
    const auto mask = index_.size() - 1;
    auto at = hash & mask;
    for (; index_[at].file != 0; at = (at + 1) & mask) {
        if (index_[at].hash == hash && files_[index_[at].file - 1].key == key_) return last_ = index_[at].file - 1;
    }
    if (files_.size() >= cfg_.max_open_files) {
        while (files_.size() >= cfg_.max_open_files) close_one_();
        // the slot found is taken again or moved by the closing: look once more
        for (at = hash & mask; index_[at].file != 0;) at = (at + 1) & mask;
    }
    return open_(false, hash, at);
}

std::size_t file_output::open_(bool must_open, std::uint32_t hash, std::size_t at) {
    // the name as the entry gave it (on windows the key is in lower case)
    const auto& name = on_windows ? name_ : key_;
    auto path = pattern_.has_placeholders() ? pattern_.folder() / detail::path_from_utf8(name) : cfg_.path;
    auto sink = std::make_unique<rotating_file_sink>(std::move(path), cfg_.max_size, cfg_.max_files, report_, upkeep_,
                                                     must_open);
    sink->set_formatter(std::make_unique<line_formatter>());
    sink->set_level(spdlog::level::trace);
    files_.push_back({key_, std::move(sink), writes_, flushed_at_, hash, 0});
    if (!index_.empty()) index_[at] = {hash, static_cast<std::uint32_t>(files_.size())};
    return last_ = files_.size() - 1;
}

std::size_t file_output::slot_of_(std::size_t file) const {
    const auto mask = index_.size() - 1;
    auto at = files_[file].hash & mask;
    while (index_[at].file != file + 1) at = (at + 1) & mask;
    return at;
}

// closes the least recently written file that holds no unwritten lines
void file_output::close_one_() {
    // the few least recently written, oldest first
    std::vector<std::size_t> oldest(files_.size());
    for (std::size_t i = 0; i < oldest.size(); ++i) oldest[i] = i;
    const auto n = std::min<std::size_t>(close_candidates, oldest.size());
    std::partial_sort(oldest.begin(), oldest.begin() + static_cast<std::ptrdiff_t>(n), oldest.end(),
                      [this](auto a, auto b) { return files_[a].written < files_[b].written; });
    for (std::size_t i = 0; i < n; ++i) {
        auto& f = files_[oldest[i]];
        hand_over_(f);
        f.sink->flush();
        if (f.sink->pending_lines() == 0) return close_(oldest[i]);
    }
    // every candidate fails to write: the oldest goes, and its lines are lost, counted
    auto& f = files_[oldest[0]];
    if (report_) {
        report_(level::error, fmt::format("{} line(s) for {} lost: it cannot be written and {} other files are open "
                                          "(max_open_files)",
                                          f.sink->pending_lines(), detail::path_to_utf8(f.sink->path()),
                                          files_.size() - 1));
    }
    close_(oldest[0]);
}

// its lines are handed over or lost (counted) by now. linear probing deletes
// by moving later slots of the same run back, so that no search stops short
void file_output::close_(std::size_t file) {
    const auto mask = index_.size() - 1;
    auto hole = slot_of_(file);
    for (auto at = (hole + 1) & mask; index_[at].file != 0; at = (at + 1) & mask) {
        const auto home = index_[at].hash & mask;
        // stays unless its home lies at or before the hole in this run
        const bool stays = hole <= at ? (hole < home && home <= at) : (hole < home || home <= at);
        if (stays) continue;
        index_[hole] = index_[at];
        hole = at;
    }
    index_[hole] = {};
    // the last file takes the closed one's place in files_
    const auto moved = files_.size() - 1;
    if (file != moved) {
        index_[slot_of_(moved)].file = static_cast<std::uint32_t>(file + 1);
        files_[file] = std::move(files_[moved]);
    }
    files_.pop_back();
    if (last_ == file) {
        last_ = none;
    } else if (last_ == moved) {
        last_ = file;
    }
}

bool file_output::flush(bool soon) {
    const auto now = std::chrono::steady_clock::now();
    if (soon && pattern_.has_placeholders() && now - flushed_at_ < put_off_limit) return false;
    flushed_at_ = now;
    hand_over_all_(true);
    if (!pattern_.has_placeholders()) return true;
    // files nobody wrote for a while are closed: yesterday's dated file, a host gone quiet
    for (std::size_t i = files_.size(); i-- > 0;) {
        if (now - files_[i].flushed >= idle_close && files_[i].sink->pending_lines() == 0) close_(i);
    }
    return true;
}

void file_output::rotate() {
    // what came before the rotation goes into the files it rotates away
    hand_over_all_(false);
    for (auto& f : files_) f.sink->rotate();  // a failure is reported by the sink and retried
}

} // namespace slotlog
