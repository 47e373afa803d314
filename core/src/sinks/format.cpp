#include <slotlog/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include <slotlog/text.h>

// entries are sanitised by the decoders, but an entry built elsewhere (a
// pipeline warning, a test) may not be: every text field goes through
// append_sanitised / append_json_string again, which costs one scan and one
// bulk append for a clean field, so a line can never be split or forged

namespace slotlog {

namespace {

constexpr std::int64_t seconds_per_day = 86'400;
constexpr std::int64_t micros_per_day = seconds_per_day * 1'000'000;

struct civil_date {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};

// howard hinnant's days_from_civil / civil_from_days: proleptic gregorian,
// day 0 is 1970-01-01, exact for any int64 range we can reach
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).day == 31);

constexpr bool is_leap(std::int64_t y) noexcept { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// writes v as exactly `width` digits, v < 10^width
void put_digits(char* p, std::uint64_t v, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

void append_int(std::string& out, std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

// true if every byte is printable ascii other than the space (0x21..0x7e), 8
// at a time as text.cpp's clean_end does: a byte below 0x21 borrows into its
// high bit, 0x7f carries into it, bytes >= 0x80 have it
bool is_word(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    for (; n - i >= 8; i += 8) {
        std::uint64_t x;
        std::memcpy(&x, p + i, 8);
        constexpr std::uint64_t ones = 0x0101010101010101ull;
        if ((((x - 0x21 * ones) | x | (x + ones)) & (0x80 * ones)) != 0) return false;
    }
    for (; i < n; ++i) {
        if (p[i] < 0x21 || p[i] > 0x7E) return false;
    }
    return true;
}

// host and app of a text line: a space would split the field, and a json
// sender's host "WEB01 x[1]: forged" would fake the app and the message, so
// spaces are escaped like the control characters
void append_or_dash(std::string& out, std::string_view field) {
    if (field.empty()) {
        out.push_back('-');
        return;
    }
    if (is_word(field)) {
        out.append(field);  // the usual host or app: nothing to escape
        return;
    }
    for (;;) {
        const auto space = field.find(' ');
        append_sanitised(out, field.substr(0, space));
        if (space == std::string_view::npos) return;
        out.append("\\x20");
        field.remove_prefix(space + 1);
    }
}

void append_json_or_null(std::string& out, const std::string& field) {
    if (field.empty()) {
        out.append("null");
    } else {
        append_json_string(out, field);
    }
}

void append_json_int(std::string& out, const std::optional<std::int64_t>& v) {
    if (v) {
        append_int(out, *v);
    } else {
        out.append("null");
    }
}

// extra values are serialised json from the decoders; they go out with raw
// line breaks and separators escaped, so a pretty-printed value stays one line
void append_json_value(std::string& out, const std::string& value) {
    if (value.empty()) {
        out.append("null");
        return;
    }
    append_json_serialised(out, value);
}

// parses exactly `count` ascii digits at text[pos]
bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) noexcept {
    if (pos + count > text.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    value = v;
    return true;
}

} // namespace

void append_timestamp(std::string& out, clock::time_point t) {
    const std::int64_t us = std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
    std::int64_t days = us / micros_per_day;
    std::int64_t rest = us % micros_per_day;
    if (rest < 0) {
        rest += micros_per_day;
        --days;
    }
    const auto in_day = static_cast<std::uint64_t>(rest);
    const std::uint64_t secs = in_day / 1'000'000;

    // "YYYY-MM-DDThh:mm:ss." only changes once a second: entries come in runs
    // from the same second, so the last one is kept (per thread: no locking)
    struct second_text {
        std::int64_t days = std::numeric_limits<std::int64_t>::min();
        std::uint64_t secs = 0;
        char text[20] = {};
    };
    thread_local second_text last;
    if (days != last.days || secs != last.secs) {
        const civil_date date = civil_from_days(days);
        if (date.year < 0 || date.year > 9999) {
            // only reachable with a clock coarser than nanoseconds
            char buf[23];
            std::memcpy(buf, "-00-00T00:00:00.000000Z", sizeof buf);
            put_digits(buf + 1, date.month, 2);
            put_digits(buf + 4, date.day, 2);
            put_digits(buf + 7, secs / 3600, 2);
            put_digits(buf + 10, secs / 60 % 60, 2);
            put_digits(buf + 13, secs % 60, 2);
            put_digits(buf + 16, in_day % 1'000'000, 6);
            append_int(out, date.year);
            out.append(buf, sizeof buf);
            return;
        }
        std::memcpy(last.text, "0000-00-00T00:00:00.", sizeof last.text);
        put_digits(last.text, static_cast<std::uint64_t>(date.year), 4);
        put_digits(last.text + 5, date.month, 2);
        put_digits(last.text + 8, date.day, 2);
        put_digits(last.text + 11, secs / 3600, 2);
        put_digits(last.text + 14, secs / 60 % 60, 2);
        put_digits(last.text + 17, secs % 60, 2);
        last.days = days;
        last.secs = secs;
    }
    // "YYYY-MM-DDThh:mm:ss.uuuuuuZ"
    char buf[27];
    std::memcpy(buf, last.text, sizeof last.text);
    put_digits(buf + 20, in_day % 1'000'000, 6);
    buf[26] = 'Z';
    out.append(buf, sizeof buf);
}

void format_text(std::string& out, const entry& e) {
    append_timestamp(out, e.time);
    out.push_back(' ');
    out.append(level_label(e.lvl));
    out.push_back(' ');
    append_or_dash(out, e.host);
    out.push_back(' ');
    append_or_dash(out, e.app);
    out.push_back('[');
    if (e.pid) {
        append_int(out, *e.pid);
    } else {
        out.push_back('-');
    }
    out.append("]: ");
    append_sanitised(out, e.msg);
}

void format_json(std::string& out, const entry& e) {
    out.append("{\"time\":\"");
    append_timestamp(out, e.time);
    out.append("\",\"level\":\"");
    out.append(level_name(e.lvl));
    out.append("\",\"host\":");
    append_json_or_null(out, e.host);
    out.append(",\"app\":");
    append_json_or_null(out, e.app);
    out.append(",\"pid\":");
    append_json_int(out, e.pid);
    out.append(",\"seq\":");
    append_json_int(out, e.seq);
    out.append(",\"slot\":");
    append_json_or_null(out, e.slot);
    out.append(",\"msg\":");
    append_json_string(out, e.msg);
    for (const auto& [key, value] : e.extra) {
        out.push_back(',');
        append_json_string(out, key);
        out.push_back(':');
        append_json_value(out, value);
    }
    out.push_back('}');
}

// rfc 3339: YYYY-MM-DD(T|t| )hh:mm:ss[.f{1,9}](Z|z|+hh:mm|-hh:mm). a leap
// second (:60) is accepted and lands on the next second
std::optional<clock::time_point> parse_timestamp(std::string_view text) noexcept {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (text.size() < 20) return std::nullopt;
    if (!parse_digits(text, 0, 4, year) || text[4] != '-' || !parse_digits(text, 5, 2, month) ||
        text[7] != '-' || !parse_digits(text, 8, 2, day)) {
        return std::nullopt;
    }
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
    if (!parse_digits(text, 11, 2, hour) || text[13] != ':' || !parse_digits(text, 14, 2, minute) ||
        text[16] != ':' || !parse_digits(text, 17, 2, second)) {
        return std::nullopt;
    }

    std::size_t i = 19;
    std::int64_t nanos = 0;
    if (text[i] == '.') {
        const std::size_t start = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (i - start == 9) return std::nullopt;  // more than nanoseconds
            nanos = nanos * 10 + (text[i] - '0');
            ++i;
        }
        if (i == start) return std::nullopt;
        for (std::size_t k = i - start; k < 9; ++k) nanos *= 10;
    }

    if (i >= text.size()) return std::nullopt;
    int offset_minutes = 0;
    if (text[i] == 'Z' || text[i] == 'z') {
        ++i;
    } else if (text[i] == '+' || text[i] == '-') {
        int oh = 0, om = 0;
        if (!parse_digits(text, i + 1, 2, oh) || i + 3 >= text.size() || text[i + 3] != ':' ||
            !parse_digits(text, i + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (text[i] == '-' ? -1 : 1) * (oh * 60 + om);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != text.size()) return std::nullopt;

    if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, unsigned(month)) ||
        hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }

    const std::int64_t secs = days_from_civil(year, unsigned(month), unsigned(day)) * seconds_per_day +
                              hour * 3600 + minute * 60 + second - offset_minutes * 60;
    // years 0..9999 fit in seconds, but not always in the clock's duration
    using std::chrono::duration_cast;
    constexpr std::int64_t max_secs = duration_cast<std::chrono::seconds>(clock::duration::max()).count() - 1;
    constexpr std::int64_t min_secs = duration_cast<std::chrono::seconds>(clock::duration::min()).count() + 1;
    if (secs > max_secs || secs < min_secs) return std::nullopt;
    return clock::time_point(duration_cast<clock::duration>(std::chrono::seconds(secs)) +
                             duration_cast<clock::duration>(std::chrono::nanoseconds(nanos)));
}

} // namespace slotlog
