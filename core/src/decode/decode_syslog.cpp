#include <slotlog/decode.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include <slotlog/format.h>
#include <slotlog/text.h>

// syslog: "<PRI>" then rfc 5424 ("1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]")
// or rfc 3164 ("Mmm dd hh:mm:ss HOST TAG[PID]: MSG", every part optional).
// any message with a valid <PRI> is a syslog entry however odd the rest is;
// parts that cannot be recognised stay in msg, so nothing is lost.

namespace slotlog {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// rsyslog's facility names, as the json strings the extra field holds
constexpr std::array<std::string_view, 24> facility_json{
    R"("kern")", R"("user")", R"("mail")", R"("daemon")", R"("auth")", R"("syslog")", R"("lpr")", R"("news")",
    R"("uucp")", R"("cron")", R"("authpriv")", R"("ftp")", R"("ntp")", R"("audit")", R"("alert")", R"("clock")",
    R"("local0")", R"("local1")", R"("local2")", R"("local3")", R"("local4")", R"("local5")", R"("local6")",
    R"("local7")",
};

// a month's three letters as one number: every message that starts with a
// timestamp is checked against the twelve, so the compare is one instruction
constexpr std::uint32_t month_key(std::string_view m) noexcept {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(m[0])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(m[1])) << 8 |
           static_cast<unsigned char>(m[2]);
}

constexpr std::array<std::uint32_t, 12> month_keys{
    month_key("Jan"), month_key("Feb"), month_key("Mar"), month_key("Apr"), month_key("May"), month_key("Jun"),
    month_key("Jul"), month_key("Aug"), month_key("Sep"), month_key("Oct"), month_key("Nov"), month_key("Dec"),
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string json_string(std::string_view sanitised) {
    std::string out;
    append_json_string(out, sanitised);
    return out;
}

void add_extra(entry& e, std::string key, std::string_view text) {
    e.extra.emplace_back(std::move(key), json_string(sanitise(text)));
}

// the next space-separated token; consumes it and the one space after it
std::string_view next_token(std::string_view& rest) noexcept {
    const auto sp = rest.find(' ');
    const auto token = rest.substr(0, sp);
    rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
    return token;
}

// decimal, non-negative, fits in int64
std::optional<std::int64_t> parse_pid(std::string_view s) noexcept {
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (const char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

void set_pid(entry& e, std::string_view procid) {
    if (procid.empty()) return;
    if (const auto pid = parse_pid(procid)) {
        e.pid = pid;
    } else {
        add_extra(e, "procid", procid);
    }
}

void set_host(entry& e, std::string_view host) {
    e.host.clear();
    append_sanitised(e.host, host);
}

// ---- rfc 5424 ----

// length of the structured data at the start of s ("[id k="v"][id2]"), or npos
// if it is not closed. inside a quoted value '\' escapes the next character
// and an unescaped ']' is taken as data, as some senders do not escape it
std::size_t sd_length(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && s[i] == '[') {
        bool quoted = false;
        for (++i; i < s.size(); ++i) {
            const char c = s[i];
            if (quoted) {
                if (c == '\\') {
                    ++i;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ']') {
                break;
            }
        }
        if (i >= s.size()) return std::string_view::npos;
        ++i;  // past ']'
    }
    return i;
}

// after "<PRI>": "1 " then a nil or a date-like timestamp
bool looks_like_5424(std::string_view rest) noexcept {
    if (rest.size() < 3 || rest[0] != '1' || rest[1] != ' ') return false;
    if (rest[2] == '-' && (rest.size() == 3 || rest[3] == ' ')) return true;
    return rest.size() >= 7 && is_digit(rest[2]) && is_digit(rest[3]) && is_digit(rest[4]) &&
           is_digit(rest[5]) && rest[6] == '-';
}

void parse_5424(entry& e, std::string_view rest) {
    next_token(rest);  // version
    const auto timestamp = next_token(rest);
    if (timestamp != "-" && !timestamp.empty()) {
        if (const auto t = parse_timestamp(timestamp)) {
            e.time = *t;
        } else {
            add_extra(e, "raw_time", timestamp);
        }
    }
    const auto host = next_token(rest);
    if (host != "-" && !host.empty()) set_host(e, host);
    const auto app = next_token(rest);
    if (app != "-") append_sanitised(e.app, app);
    const auto procid = next_token(rest);
    if (procid != "-") set_pid(e, procid);
    const auto msgid = next_token(rest);
    if (msgid != "-" && !msgid.empty()) add_extra(e, "msgid", msgid);

    if (rest.substr(0, 1) == "-") {
        rest.remove_prefix(1);
    } else if (rest.substr(0, 1) == "[") {
        const auto len = sd_length(rest);
        if (len != std::string_view::npos) {
            add_extra(e, "sd", rest.substr(0, len));
            rest.remove_prefix(len);
        }
        // unclosed: not structured data after all, it all stays in msg
    }
    if (rest.substr(0, 1) == " ") rest.remove_prefix(1);
    if (rest.substr(0, utf8_bom.size()) == utf8_bom) rest.remove_prefix(utf8_bom.size());
    append_sanitised(e.msg, rest);
}

// ---- rfc 3164 ----

// "Mmm dd hh:mm:ss" (day space- or zero-padded, optional .fraction) at the
// start of s, plus the space after it; 0 if there is none
std::size_t bsd_timestamp_length(std::string_view s) noexcept {
    if (s.size() < 14) return 0;
    if (std::find(month_keys.begin(), month_keys.end(), month_key(s)) == month_keys.end() || s[3] != ' ') return 0;
    std::size_t i = 4;
    if (s[i] == ' ') ++i;
    int day = 0;
    const std::size_t day_start = i;
    while (i < s.size() && i - day_start < 2 && is_digit(s[i])) day = day * 10 + (s[i++] - '0');
    if (i == day_start || day < 1 || day > 31) return 0;
    if (i + 9 > s.size() || s[i] != ' ') return 0;
    const auto clock = s.substr(i + 1, 8);
    if (!is_digit(clock[0]) || !is_digit(clock[1]) || clock[2] != ':' || !is_digit(clock[3]) ||
        !is_digit(clock[4]) || clock[5] != ':' || !is_digit(clock[6]) || !is_digit(clock[7])) {
        return 0;
    }
    const int h = (clock[0] - '0') * 10 + (clock[1] - '0');
    const int m = (clock[3] - '0') * 10 + (clock[4] - '0');
    const int sec = (clock[6] - '0') * 10 + (clock[7] - '0');
    if (h > 23 || m > 59 || sec > 60) return 0;
    i += 9;
    if (i < s.size() && s[i] == '.') {
        const std::size_t frac = ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
        if (i == frac) return 0;
    }
    if (i == s.size()) return i;
    return s[i] == ' ' ? i + 1 : 0;
}

struct tag {
    std::string_view app;
    std::string_view procid;  // inside [], may be empty
};

// "app:" or "app[pid]:" followed by a space or the end
std::optional<tag> parse_tag(std::string_view word) noexcept {
    if (word.size() < 2 || word.back() != ':') return std::nullopt;
    word.remove_suffix(1);
    tag t;
    if (word.back() == ']') {
        const auto open = word.find('[');
        if (open == std::string_view::npos || open == 0) return std::nullopt;
        t.app = word.substr(0, open);
        t.procid = word.substr(open + 1, word.size() - open - 2);
    } else {
        t.app = word;
    }
    if (std::any_of(t.app.begin(), t.app.end(), [](char c) { return c == '[' || c == ']'; })) return std::nullopt;
    return t;
}

// consumes a tag at the start of rest; false (rest unchanged) if there is none
bool take_tag(entry& e, std::string_view& rest) {
    std::string_view after = rest;
    const auto word = next_token(after);
    const auto t = parse_tag(word);
    if (!t) return false;
    append_sanitised(e.app, t->app);
    set_pid(e, t->procid);
    rest = after;
    return true;
}

void parse_3164(entry& e, std::string_view rest) {
    bool stamped = false;
    if (const auto len = bsd_timestamp_length(rest)) {
        // no year and no zone: the entry keeps the time it was received
        rest.remove_prefix(len);
        stamped = true;
    } else {
        // some senders put an rfc 3339 timestamp here, which is usable
        std::string_view after = rest;
        if (const auto t = parse_timestamp(next_token(after))) {
            e.time = *t;
            rest = after;
            stamped = true;
        }
    }

    if (!take_tag(e, rest) && stamped) {
        // after a timestamp comes the host, unless the tag follows right away
        // (glibc's syslog() leaves the host out). a lone word is the message
        std::string_view after = rest;
        const auto host = next_token(after);
        if (!host.empty() && !after.empty()) {
            set_host(e, host);
            rest = after;
            take_tag(e, rest);
        }
    }
    append_sanitised(e.msg, rest);
}

} // namespace

bool decode_syslog(std::string_view payload, const origin& from, entry& e) {
    const auto text = strip_terminators(payload);
    if (text.size() < 3 || text[0] != '<') return false;
    std::size_t i = 1;
    int pri = 0;
    while (i < text.size() && i <= 3 && is_digit(text[i])) pri = pri * 10 + (text[i++] - '0');
    if (i == 1 || i >= text.size() || text[i] != '>' || pri > 191) return false;
    const auto rest = text.substr(i + 1);

    reset_entry(e, from);  // slot, received time, peer host
    e.lvl = level_from_syslog_severity(pri % 8);
    e.extra.emplace_back("facility", facility_json[static_cast<std::size_t>(pri / 8)]);
    if (looks_like_5424(rest)) {
        parse_5424(e, rest);
    } else {
        parse_3164(e, rest);
    }
    return true;
}

std::optional<entry> decode_syslog(std::string_view payload, const origin& from) {
    entry e;
    if (!decode_syslog(payload, from, e)) return std::nullopt;
    return e;
}

} // namespace slotlog
