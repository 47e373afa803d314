// following every log file of a folder tree, polled

#include "folder_tail.h"

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <system_error>
#include <thread>

#include <slotlog/detail/utf8.h>

#include "file_tail.h"
#include "last_entries.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

bool is_log_name(const fs::path& path) {
    auto ext = detail::path_to_utf8(path.extension());
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return ext == ".log" && !is_backup_name(path);
}

class folder_follower {
public:
    folder_follower(const folder_tail_options& options, const entry_filter& filter, std::ostream& out,
                    std::ostream& err)
        : options_(options), filter_(filter), out_(out), err_(err) {}

    int run(const std::atomic<bool>& stop) {
        std::error_code ec;
        if (!fs::is_directory(options_.folder, ec)) {
            err_ << "slotlog tail: cannot open the folder '" << detail::path_to_utf8(options_.folder) << "'\n";
            return 1;
        }
        // the files there now: their last entries, then followed from their end
        for (const auto& path : log_files_under(options_.folder)) {
            seen_.insert(path);
            auto file = std::make_unique<file_tail>(path, filter_, out_, err_, true);
            if (!open_(*file)) continue;
            guarded_(*file, [&] { file->print_last(options_.lines, options_.follow); });
            if (options_.follow) files_.emplace(path, std::move(file));
        }
        out_.flush();
        if (!options_.follow) return 0;

        auto next_scan = std::chrono::steady_clock::now() + options_.scan_interval;
        while (!stop.load()) {
            bool progressed = false;
            for (auto& entry : files_) {
                file_tail& file = *entry.second;
                progressed = guarded_(file, [&] { return file.poll(); }) || progressed;
            }
            if (std::chrono::steady_clock::now() >= next_scan) {
                progressed = scan_() || progressed;
                next_scan = std::chrono::steady_clock::now() + options_.scan_interval;
            }
            out_.flush();
            if (options_.on_poll) options_.on_poll();
            if (!progressed) std::this_thread::sleep_for(options_.poll_interval);
        }
        return 0;
    }

private:
    // drops files whose path has gone (their last bytes read: a rotation
    // renames the file, retention deletes it: the handle must not stay), and
    // follows new ones from their start. true if anything happened
    bool scan_() {
        bool changed = false;
        for (auto it = files_.begin(); it != files_.end();) {
            if (it->second->path_gone()) {
                it->second->finish();
                it = files_.erase(it);
                changed = true;
            } else {
                ++it;
            }
        }
        for (const auto& path : log_files_under(options_.folder)) {
            if (files_.count(path) != 0) continue;
            auto file = std::make_unique<file_tail>(path, filter_, out_, err_, true);
            if (!open_(*file)) continue;
            err_ << "slotlog tail: '" << file->shown() << "' is new; following it from its start\n";
            // a new host's file may have been rotated before this walk found
            // it: what went into its backups since the start comes first
            if (seen_.insert(path).second) {
                for (const auto& line : read_backup_entries(path, static_cast<std::size_t>(-1), filter_, err_, started_)) {
                    out_ << line << '\n';
                }
            }
            guarded_(*file, [&] { return file->poll(); });
            files_.emplace(path, std::move(file));
            changed = true;
        }
        return changed;
    }

    // false if the file has gone or cannot be read (said once per path)
    bool open_(file_tail& file) {
        try {
            if (file.open()) {
                refused_.erase(file.path());
                return true;
            }
        } catch (const std::system_error& e) {
            if (refused_.insert(file.path()).second) {
                err_ << "slotlog tail: warning: '" << file.shown() << "': " << e.what() << "; skipped\n";
            }
        }
        return false;
    }

    // a file that fails while read is said and left for the next poll: the
    // other files go on
    template <typename F>
    bool guarded_(file_tail& file, F&& f) {
        try {
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                return true;
            } else {
                return f();
            }
        } catch (const std::system_error& e) {
            err_ << "slotlog tail: warning: '" << file.shown() << "': " << e.what() << '\n';
            return false;
        }
    }

    const folder_tail_options& options_;
    const entry_filter& filter_;
    std::ostream& out_;
    std::ostream& err_;
    std::map<fs::path, std::unique_ptr<file_tail>> files_;
    std::set<fs::path> refused_;
    std::set<fs::path> seen_;            // every path followed since the start
    const fs::file_time_type started_ = fs::file_time_type::clock::now();
};

} // namespace

std::vector<fs::path> log_files_under(const fs::path& folder) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    // a folder deleted or unreadable while walked ends the walk: what was seen is kept
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_regular_file(type_ec) && is_log_name(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

int run_folder_tail(const folder_tail_options& options, const entry_filter& filter, std::ostream& out,
                    std::ostream& err, const std::atomic<bool>& stop) {
    return folder_follower(options, filter, out, err).run(stop);
}

} // namespace slotlog
