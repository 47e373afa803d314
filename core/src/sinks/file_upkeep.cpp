#include "sinks/file_upkeep.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "sinks/file_ops.h"
#include "sinks/gzip_file.h"
#include "sinks/path_template.h"
#include "thread_name.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view part_suffix = ".gz.part";

std::string utf8_of(const fs::path& p) {
    const auto s = p.generic_u8string();
    return std::string(s.begin(), s.end());
}

std::string describe_age(std::chrono::seconds age) {
    const auto s = age.count();
    if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
    if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
    if (s % 60 == 0) return fmt::format("{}m", s / 60);
    return fmt::format("{}s", s);
}

std::string mib(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

// a configured size as it was most likely written: "10 GiB", "1500 bytes"
std::string describe_limit(std::uint64_t bytes) {
    if (bytes % (1ull << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
    if (bytes % (1u << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
    if (bytes % (1u << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
    return fmt::format("{} bytes", bytes);
}

} // namespace

file_family path_family(const fs::path& path) {
    // shared by the two functions, and a copy: the family outlives the output's own template
    const auto pattern = std::make_shared<const path_template>(path);
    return {[pattern](const fs::path& relative) { return pattern->could_produce(relative); },
            [pattern](const fs::path& relative) { return pattern->rotated_from(relative); }};
}

// while it lives no rotation is in the middle of a shift, and none starts:
// what retention and recovery decided from a scan is checked again and done
class file_upkeep::no_rotation {
public:
    explicit no_rotation(file_upkeep& u) : u_(u) {
        std::unique_lock lock(u_.mutex_);
        u_.changed_.wait(lock, [&] { return u_.rotating_.empty(); });
        u_.deleting_ = true;
    }
    ~no_rotation() {
        std::lock_guard lock(u_.mutex_);
        u_.deleting_ = false;
        u_.changed_.notify_all();
    }
    no_rotation(const no_rotation&) = delete;
    no_rotation& operator=(const no_rotation&) = delete;

private:
    file_upkeep& u_;
};

file_upkeep::file_upkeep(upkeep_settings settings, problem_reporter report)
    : settings_(std::move(settings)), report_fn_(std::move(report)) {
    settings_.folder = settings_.folder.lexically_normal();
}

file_upkeep::~file_upkeep() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void file_upkeep::start() {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    thread_ = std::thread([this] {
        name_this_thread("slotlog-upkeep");
        run_();
    });
}

void file_upkeep::hold(const fs::path& file) {
    std::lock_guard lock(mutex_);
    ++held_[file.lexically_normal()];
}

void file_upkeep::release(const fs::path& file) {
    std::lock_guard lock(mutex_);
    const auto it = held_.find(file.lexically_normal());
    if (it != held_.end() && --it->second <= 0) held_.erase(it);
}

bool file_upkeep::has_job_of_(const fs::path& current) const {
    if (running_ && running_->current == current) return true;
    return std::any_of(queue_.begin(), queue_.end(), [&](const job& j) { return j.current == current; });
}

bool file_upkeep::runnable_() const {
    return std::any_of(queue_.begin(), queue_.end(), [&](const job& j) { return !rotating_.contains(j.current); });
}

void file_upkeep::begin_rotation(const fs::path& current) {
    start();
    const auto key = current.lexically_normal();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stop_ || (!deleting_ && !has_job_of_(key)); });
    ++rotating_[key];
}

void file_upkeep::end_rotation(const fs::path& current, std::optional<fs::path> compress) {
    const auto key = current.lexically_normal();
    {
        std::lock_guard lock(mutex_);
        const auto it = rotating_.find(key);
        if (it != rotating_.end() && --it->second <= 0) rotating_.erase(it);
        if (compress && settings_.compress) queue_.push_back(job{compress->lexically_normal(), key});
    }
    wake_.notify_all();
    changed_.notify_all();
}

void file_upkeep::check_now() {
    {
        std::lock_guard lock(mutex_);
        check_ = true;
    }
    wake_.notify_all();
}

bool file_upkeep::idle() const {
    std::lock_guard lock(mutex_);
    return recovered_ && !check_ && !checking_ && queue_.empty() && !running_;
}

void file_upkeep::report_(level lvl, const std::string& msg) const noexcept {
    try {
        if (report_fn_) report_fn_(lvl, msg);
    } catch (...) {
    }
}

void file_upkeep::run_() noexcept {
    auto guarded = [&](auto&& work, const char* what) {
        try {
            work();
        } catch (const std::exception& e) {
            report_(level::warning, fmt::format("{} of {} failed: {}", what, settings_.describe, e.what()));
        } catch (...) {
            report_(level::warning, fmt::format("{} of {} failed", what, settings_.describe));
        }
    };
    guarded([&] { recover_(); }, "the start-up check");
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        recovered_ = true;
        checking_ = true;
        stopping = stop_;
    }
    if (!stopping) guarded([&] { retention_(); }, "retention");
    auto next = std::chrono::steady_clock::now() + settings_.check_interval;
    std::unique_lock lock(mutex_);
    checking_ = false;
    changed_.notify_all();
    for (;;) {
        wake_.wait_until(lock, next, [&] { return stop_ || check_ || runnable_(); });
        if (stop_) break;
        if (runnable_()) {
            const auto it = std::find_if(queue_.begin(), queue_.end(),
                                         [&](const job& j) { return !rotating_.contains(j.current); });
            const job j = *it;
            queue_.erase(it);
            running_ = j;
            lock.unlock();
            guarded([&] { compress_(j); }, "compression");
            lock.lock();
            running_.reset();
            changed_.notify_all();
            continue;
        }
        checking_ = true;
        check_ = false;
        lock.unlock();
        guarded([&] { retention_(); }, "retention");
        lock.lock();
        checking_ = false;
        next = std::chrono::steady_clock::now() + settings_.check_interval;
        changed_.notify_all();
    }
}

void file_upkeep::compress_(const job& j) {
    const auto r = gzip_file(j.file);
    std::error_code ec;
    if (r.error) {
        // deleted by retention (or by hand) while it waited: nothing to do
        if (!fs::exists(j.file, ec)) return;
        report_(level::warning, fmt::format("cannot compress {}: {}; it stays as it is and is tried again at the "
                                            "next start",
                                            j.file.string(), *r.error));
    } else if (r.kept) {
        report_(level::warning, fmt::format("{} is compressed, but cannot be deleted: {}; retrying at every "
                                            "retention check",
                                            j.file.string(), *r.kept));
    }
}

std::vector<file_upkeep::found> file_upkeep::scan_(bool& failed) {
    std::vector<found> files;
    std::error_code ec;
    if (!fs::exists(settings_.folder, ec)) return files;
    auto visit = [&](const fs::directory_entry& e) {
        std::error_code fec;
        if (!e.is_regular_file(fec)) return;
        const auto rel = e.path().lexically_relative(settings_.folder);
        if (rel.empty() || !settings_.family.ours(fs::path(rel.generic_string()))) return;
        found f{e.path().lexically_normal(), e.file_size(fec), {}};
        if (!fec) f.time = e.last_write_time(fec);
        if (fec) return;  // gone meanwhile
        files.push_back(std::move(f));
    };
    const auto options = fs::directory_options::skip_permission_denied;
    if (settings_.recursive) {
        for (fs::recursive_directory_iterator it(settings_.folder, options, ec), end; !ec && it != end;
             it.increment(ec)) {
            visit(*it);
        }
    } else {
        for (fs::directory_iterator it(settings_.folder, options, ec), end; !ec && it != end; it.increment(ec)) {
            visit(*it);
        }
    }
    if (ec) {
        failed = true;
        report_(level::warning, fmt::format("cannot look through {} for the files of {}: {}",
                                            settings_.folder.string(), settings_.describe, ec.message()));
    }
    return files;
}

void file_upkeep::recover_() {
    bool failed = false;
    const auto files = scan_(failed);
    std::size_t parts = 0, redundant = 0, queued = 0;
    no_rotation guard(*this);
    for (const auto& f : files) {
        const auto name = utf8_of(f.file.filename());
        if (name.ends_with(part_suffix)) {
            // a compression a crash or a stop cut short: the file it came from is still there
            if (auto why = remove_file(f.file)) {
                report_(level::warning, fmt::format("cannot remove the unfinished {}: {}", f.file.string(), *why));
            } else {
                ++parts;
            }
            continue;
        }
        const auto rel = fs::path(f.file.lexically_relative(settings_.folder).generic_string());
        const auto current = settings_.family.rotated_from(rel);
        if (!current) continue;
        std::error_code ec;
        if (!fs::exists(f.file, ec)) continue;
        const auto gz = gz_path(f.file);
        if (fs::exists(gz, ec) && gzip_complete(gz)) {
            // a crash after the rename, before the delete
            if (auto why = remove_file(f.file)) {
                report_(level::warning, fmt::format("cannot delete {} (compressed already): {}", f.file.string(), *why));
            } else {
                ++redundant;
            }
            continue;
        }
        if (!settings_.compress) continue;
        std::lock_guard lock(mutex_);
        // a rotation of this run queued it already
        const auto same = [&](const job& j) { return j.file == f.file; };
        if ((running_ && same(*running_)) || std::any_of(queue_.begin(), queue_.end(), same)) continue;
        queue_.push_back(job{f.file, (settings_.folder / *current).lexically_normal()});
        ++queued;
    }
    if (parts + redundant + queued > 0) {
        report_(level::notice, fmt::format("start-up check of {}: {} unfinished .gz.part file(s) removed, {} file(s) "
                                           "deleted that were compressed already, {} rotated file(s) to compress",
                                           settings_.describe, parts, redundant, queued));
    }
}

void file_upkeep::retention_() {
    bool failed = false;
    auto files = scan_(failed);
    const auto now = fs::file_time_type::clock::now();
    no_rotation guard(*this);
    std::map<fs::path, int> held;
    {
        std::lock_guard lock(mutex_);
        held = held_;
    }
    std::uint64_t count[2] = {0, 0}, bytes[2] = {0, 0};
    std::size_t failures = 0;
    std::string first_failure;
    // the file is still the one the scan saw (no rotation moved another one
    // onto its name since): deleted
    auto remove = [&](const found& f) {
        std::error_code ec;
        const auto size = fs::file_size(f.file, ec);
        if (ec) return true;  // gone already
        const auto time = fs::last_write_time(f.file, ec);
        if (ec || size != f.size || time != f.time) return false;
        if (auto why = remove_file(f.file)) {
            if (failures++ == 0) first_failure = f.file.string() + ": " + *why;
            return false;
        }
        return true;
    };
    // a rotated file beside its complete .gz (a delete that failed): it goes first
    std::erase_if(files, [&](const found& f) {
        const auto rel = fs::path(f.file.lexically_relative(settings_.folder).generic_string());
        if (!settings_.family.rotated_from(rel) || held.contains(f.file)) return false;
        std::error_code ec;
        const auto gz = gz_path(f.file);
        return fs::exists(gz, ec) && gzip_complete(gz) && remove(f);
    });
    if (settings_.max_age.count() > 0) {
        const auto limit = now - settings_.max_age;
        std::erase_if(files, [&](const found& f) {
            if (held.contains(f.file) || f.time >= limit || !remove(f)) return false;
            ++count[0];
            bytes[0] += f.size;
            return true;
        });
    }
    if (settings_.max_total_size > 0) {
        std::uint64_t total = 0;
        for (const auto& f : files) total += f.size;
        std::sort(files.begin(), files.end(), [](const found& a, const found& b) { return a.time < b.time; });
        for (const auto& f : files) {
            if (total <= settings_.max_total_size) break;
            if (held.contains(f.file) || !remove(f)) continue;
            total -= f.size;
            ++count[1];
            bytes[1] += f.size;
        }
    }
    // one notice a round: "retention deleted 3 file(s) (1.2 MiB) of logs/a.log older than 30d"
    std::string what;
    if (count[0] > 0) {
        what = fmt::format("{} file(s) ({}) of {} older than {}", count[0], mib(bytes[0]), settings_.describe,
                           describe_age(settings_.max_age));
    }
    if (count[1] > 0) {
        what += what.empty() ? fmt::format("{} file(s) ({}) of {}, ", count[1], mib(bytes[1]), settings_.describe)
                             : fmt::format(", and {} file(s) ({}) more, ", count[1], mib(bytes[1]));
        what += fmt::format("the oldest, to keep them within {}", describe_limit(settings_.max_total_size));
    }
    if (!what.empty()) report_(level::notice, "retention deleted " + what);
    if (failures > 0) {
        report_(level::warning, fmt::format("retention could not delete {} file(s) of {}: {}; retrying at the next "
                                            "check",
                                            failures, settings_.describe, first_failure));
    }
}

} // namespace slotlog
