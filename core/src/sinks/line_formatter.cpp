// the formatter every output's spdlog sink gets: the line is made once per
// entry by the router (format.cpp), so this only ends it
#include <slotlog/outputs.h>

#include <spdlog/details/os.h>

namespace slotlog {

void line_formatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
    const auto payload = msg.payload;
    if (colour_label_) {
        // text lines: "<time> <LABEL> ...": colour the label only
        const auto start = std::string_view(payload.data(), payload.size()).find(' ');
        if (start != std::string_view::npos) {
            const auto end = std::string_view(payload.data(), payload.size()).find(' ', start + 1);
            msg.color_range_start = dest.size() + start + 1;
            msg.color_range_end = dest.size() + (end == std::string_view::npos ? payload.size() : end);
        }
    }
    dest.append(payload.data(), payload.data() + payload.size());
    constexpr std::string_view eol{spdlog::details::os::default_eol};
    dest.append(eol.data(), eol.data() + eol.size());
}

std::unique_ptr<spdlog::formatter> line_formatter::clone() const {
    return std::make_unique<line_formatter>(colour_label_);
}

spdlog::level::level_enum to_spdlog(level l) noexcept {
    switch (l) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info:
    case level::notice: return spdlog::level::info;
    case level::warning: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    case level::critical: return spdlog::level::critical;
    }
    return spdlog::level::info;
}

} // namespace slotlog
