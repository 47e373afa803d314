// `slotlog tail`: a file, a .gz file or a folder

#include "tail.h"

#include <memory>
#include <ostream>
#include <system_error>
#include <thread>

#include <slotlog/detail/utf8.h>

#include "file_tail.h"
#include "folder_tail.h"
#include "gzip_lines.h"
#include "last_entries.h"

namespace slotlog {

namespace fs = std::filesystem;

namespace {

entry_filter make_filter(const tail_options& options) {
    entry_filter f;
    f.min_level = options.min_level;
    if (options.host) f.host.emplace(*options.host);
    if (options.app) f.app.emplace(*options.app);
    f.grep = options.grep;
    return f;
}

// a .gz file does not grow: its last entries, read through from its start
int tail_gzip(const tail_options& options, const entry_filter& filter, std::ostream& out, std::ostream& err) {
    const auto shown = detail::path_to_utf8(options.path);
    shared_read_file file;
    if (!file.open(options.path)) {
        err << "slotlog tail: cannot open '" << shown << "': no such file\n";
        return 1;
    }
    bool damaged = false;
    for (const auto& line : read_last_gzip_entries(file, options.lines, filter, err, shown, damaged)) {
        out << line << '\n';
    }
    out.flush();
    return damaged ? 1 : 0;
}

int tail_file(const tail_options& options, const entry_filter& filter, std::ostream& out, std::ostream& err,
              const std::atomic<bool>& stop) {
    file_tail file(options.path, filter, out, err, false);
    if (file.open()) {
        file.print_last(options.lines, options.follow);
        if (!options.follow) {
            out.flush();
            return 0;
        }
    } else if (!options.follow) {
        err << "slotlog tail: cannot open '" << file.shown() << "': no such file\n";
        return 1;
    } else {
        err << "slotlog tail: '" << file.shown() << "' does not exist yet; waiting for it\n";
    }
    out.flush();

    while (!stop.load()) {
        const bool progressed = file.poll();
        out.flush();
        if (options.on_poll) options.on_poll();
        if (!progressed) std::this_thread::sleep_for(options.poll_interval);
    }
    return 0;
}

} // namespace

std::optional<std::string> glob_problem(std::string_view pattern) {
    if (pattern.empty()) return "the glob is empty (an unknown value is matched only by *)";
    return std::nullopt;
}

int run_tail(const tail_options& options, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
    const auto filter = make_filter(options);
    try {
        std::error_code ec;
        if (fs::is_directory(options.path, ec)) {
            folder_tail_options f;
            f.folder = options.path;
            f.lines = options.lines;
            f.follow = options.follow;
            f.poll_interval = options.poll_interval;
            f.scan_interval = options.scan_interval;
            f.on_poll = options.on_poll;
            return run_folder_tail(f, filter, out, err, stop);
        }
        if (is_gzip_name(detail::path_to_utf8(options.path.filename()))) {
            return tail_gzip(options, filter, out, err);
        }
        return tail_file(options, filter, out, err, stop);
    } catch (const std::system_error& e) {
        out.flush();
        err << "slotlog tail: '" << detail::path_to_utf8(options.path) << "': " << e.what() << '\n';
        return 1;
    }
}

} // namespace slotlog
