#include "sinks/file_output.h"

#include <algorithm>
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
        open_(true);
    }
}

file_output::~file_output() = default;

void file_output::write(const entry& e, std::string_view line) {
    auto& f = pattern_.has_placeholders() ? file_for_(e) : *last_;
    f.written = ++writes_;
    f.flushed = flushed_at_;
    f.sink->write_line(line);
}

file_output::open_file& file_output::file_for_(const entry& e) {
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
    if (last_ != nullptr && last_key_ == key_) return *last_;
    if (const auto found = files_.find(key_); found != files_.end()) {
        last_key_ = key_;
        return *(last_ = &found->second);
    }
    while (files_.size() >= cfg_.max_open_files) close_one_();
    return open_(false);
}

file_output::open_file& file_output::open_(bool must_open) {
    // the name as the entry gave it (on windows the key is in lower case)
    const auto& name = on_windows ? name_ : key_;
    auto path = pattern_.has_placeholders() ? pattern_.folder() / detail::path_from_utf8(name) : cfg_.path;
    auto sink = std::make_shared<rotating_file_sink>(std::move(path), cfg_.max_size, cfg_.max_files, report_, upkeep_,
                                                     must_open);
    sink->set_formatter(std::make_unique<line_formatter>());
    sink->set_level(spdlog::level::trace);
    auto& f = files_[key_];
    f = {std::move(sink), writes_, flushed_at_};
    last_key_ = key_;
    return *(last_ = &f);
}

// closes the least recently written file that holds no unwritten lines
void file_output::close_one_() {
    // the few least recently written, oldest first
    std::vector<file_map::iterator> oldest;
    oldest.reserve(files_.size());
    for (auto it = files_.begin(); it != files_.end(); ++it) oldest.push_back(it);
    const auto n = std::min<std::size_t>(close_candidates, oldest.size());
    std::partial_sort(oldest.begin(), oldest.begin() + static_cast<std::ptrdiff_t>(n), oldest.end(),
                      [](auto a, auto b) { return a->second.written < b->second.written; });
    for (std::size_t i = 0; i < n; ++i) {
        oldest[i]->second.sink->flush();
        if (oldest[i]->second.sink->pending_lines() == 0) return close_(oldest[i]);
    }
    // every candidate fails to write: the oldest goes, and its lines are lost, counted
    const auto lost = oldest[0]->second.sink->pending_lines();
    if (report_) {
        report_(level::error, fmt::format("{} line(s) for {} lost: it cannot be written and {} other files are open "
                                          "(max_open_files)",
                                          lost, detail::path_to_utf8(oldest[0]->second.sink->path()),
                                          files_.size() - 1));
    }
    close_(oldest[0]);
}

void file_output::close_(file_map::iterator it) {
    if (last_ == &it->second) last_ = nullptr;
    files_.erase(it);
}

bool file_output::flush(bool soon) {
    const auto now = std::chrono::steady_clock::now();
    if (soon && pattern_.has_placeholders() && now - flushed_at_ < put_off_limit) return false;
    flushed_at_ = now;
    for (auto& [key, f] : files_) f.sink->flush();
    if (!pattern_.has_placeholders()) return true;
    // files nobody wrote for a while are closed: yesterday's dated file, a host gone quiet
    for (auto it = files_.begin(); it != files_.end();) {
        if (now - it->second.flushed < idle_close || it->second.sink->pending_lines() != 0) {
            ++it;
            continue;
        }
        if (last_ == &it->second) last_ = nullptr;
        it = files_.erase(it);
    }
    return true;
}

void file_output::rotate() {
    for (auto& [key, f] : files_) f.sink->rotate();  // a failure is reported by the sink and retried
}

} // namespace slotlog
