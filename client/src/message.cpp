// the json message that `slotlog send` and applications write to a slot

#include <slotlog/client.h>

#include <map>
#include <mutex>
#include <chrono>
#include <cstdio>

#include <slotlog/detail/system.h>

namespace slotlog {

namespace {

// the next number of each (slot, app) stream. past max_streams (an
// application that makes up app names) every stream starts again at 1, which
// a collector takes for a restart, never for a gap
constexpr std::size_t max_streams = 4096;

std::uint64_t next_seq(std::string_view slot, std::string_view app) {
    static std::mutex mutex;
    static std::map<std::pair<std::string, std::string>, std::uint64_t> next;
    std::lock_guard lock(mutex);
    auto key = std::make_pair(std::string(slot), std::string(app));
    if (const auto it = next.find(key); it != next.end()) return it->second++;
    if (next.size() >= max_streams) next.clear();
    next.emplace(std::move(key), 2);
    return 1;
}

// escapes what json requires and passes every other byte through: the
// collector repairs invalid utf-8, the client does not judge it
void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

// 2026-11-24T21:17:35.539204Z
std::string utc_now() {
    using namespace std::chrono;
    const auto now = floor<microseconds>(system_clock::now());
    const auto day = floor<days>(now);
    const year_month_day ymd{day};
    const hh_mm_ss<microseconds> t{now - day};
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(t.hours().count()), static_cast<int>(t.minutes().count()),
                  static_cast<int>(t.seconds().count()), static_cast<long long>(t.subseconds().count()));
    return buf;
}

const std::string& cached_host_name() {
    static const std::string name = local_host_name();
    return name;
}

} // namespace

std::string make_json_message(std::string_view msg, const message_fields& fields) {
    std::string out;
    out.reserve(msg.size() + 128);
    out += "{\"msg\":";
    append_json_string(out, msg);
    if (!fields.level.empty()) {
        out += ",\"level\":";
        append_json_string(out, fields.level);
    }
    if (!fields.app.empty()) {
        out += ",\"app\":";
        append_json_string(out, fields.app);
    }
    if (const auto& host = cached_host_name(); !host.empty()) {
        out += ",\"host\":";
        append_json_string(out, host);
    }
    out += ",\"pid\":" + std::to_string(detail::process_id());
    out += ",\"seq\":" + std::to_string(next_seq(fields.slot, fields.app));
    out += ",\"time\":\"" + utc_now() + "\"}";
    return out;
}

} // namespace slotlog
