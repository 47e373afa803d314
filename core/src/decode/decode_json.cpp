#include <slotlog/decode.h>

#include <cstdint>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include <slotlog/format.h>
#include <slotlog/text.h>

// a json message is an object with a "msg" key. known keys fill the entry; a
// known key with a value of the wrong kind is kept as extra "raw_<key>", and
// every other key is kept as an extra field. a null known key means unknown,
// as in slotlog's own json lines, so that they can be fed back in. extra
// fields come out sorted by key (nlohmann's object is a std::map).

namespace slotlog {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_depth = 64;
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

// true if no '{' / '[' outside strings nests deeper than max_depth, checked
// before nlohmann sees the text: parts of it (dump, for one) recurse per level,
// so 100,000 '[' would overflow the stack
bool nesting_ok(std::string_view text) noexcept {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth) return false;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return true;
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// the extra fields of one entry, with unique keys: two keys that sanitise
// alike (a newline and a literal "\n"), or a "raw_level" next to a bad
// "level", would otherwise collide; later ones get "_2", "_3", ...
class extra_builder {
public:
    explicit extra_builder(entry& e) : entry_(e) {}

    void add(std::string key, std::string value) {
        if (!used_.insert(key).second) {
            for (int n = 2;; ++n) {
                std::string candidate = key + "_" + std::to_string(n);
                if (used_.insert(candidate).second) {
                    key = std::move(candidate);
                    break;
                }
            }
        }
        entry_.extra.emplace_back(std::move(key), std::move(value));
    }

private:
    entry& entry_;
    std::set<std::string> used_;
};

std::optional<std::int64_t> as_int64(const json& v) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    return std::nullopt;
}

bool is_known(const std::string& key) noexcept {
    return key == "level" || key == "host" || key == "app" || key == "pid" || key == "seq" || key == "time";
}

// fills the entry from a known key; false if the value is not usable
bool apply_known(entry& e, const std::string& key, const json& v) {
    if (v.is_null()) return true;  // unknown, as in slotlog's own json lines
    if (key == "level") {
        if (!v.is_string()) return false;
        const auto l = parse_level(v.get_ref<const std::string&>());
        if (!l) return false;
        e.lvl = *l;
        return true;
    }
    if (key == "host" || key == "app") {
        if (!v.is_string()) return false;
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) return true;  // unknown; host stays the peer's
        auto& field = key == "host" ? e.host : e.app;
        field.clear();
        append_sanitised(field, s);
        return true;
    }
    if (key == "pid") {
        const auto n = as_int64(v);
        if (!n || *n < 0) return false;
        e.pid = n;
        return true;
    }
    if (key == "seq") {
        const auto n = as_int64(v);
        if (!n) return false;
        e.seq = n;
        return true;
    }
    // time
    if (!v.is_string()) return false;
    const auto t = parse_timestamp(v.get_ref<const std::string&>());
    if (!t) return false;
    e.time = *t;
    return true;
}

std::optional<entry> decode_object(std::string_view text, const origin& from) {
    // nlohmann rejects invalid utf-8 outright; repairing it first keeps a
    // message from a sender on a legacy code page structured (keys that differ
    // only in invalid bytes then merge, the last one wins)
    std::string repaired;
    if (!is_valid_utf8(text)) {
        append_utf8_repaired(repaired, text);
        text = repaired;
    }
    const json doc = json::parse(text.data(), text.data() + text.size(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    const auto msg = doc.find("msg");
    if (msg == doc.end()) return std::nullopt;

    entry e = decode_text({}, from);  // slot, received time, peer host
    if (msg->is_string()) {
        append_sanitised(e.msg, msg->get_ref<const std::string&>());
    } else {
        append_sanitised(e.msg, dump(*msg));
    }

    extra_builder extra(e);
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const std::string& key = it.key();
        const json& value = it.value();
        if (key == "msg") continue;
        if (key == "slot") {
            // the output owns slot
            if (!value.is_null()) extra.add("raw_slot", dump(value));
        } else if (!is_known(key)) {
            extra.add(sanitise(key), dump(value));
        } else if (!apply_known(e, key, value)) {
            extra.add("raw_" + key, dump(value));
        }
    }
    return e;
}

} // namespace

std::optional<entry> decode_json(std::string_view payload, const origin& from) {
    auto text = strip_terminators(payload);
    if (text.substr(0, utf8_bom.size()) == utf8_bom) text.remove_prefix(utf8_bom.size());
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || text[start] != '{') return std::nullopt;
    text.remove_prefix(start);
    if (!nesting_ok(text)) return std::nullopt;
    try {
        return decode_object(text, from);
    } catch (...) {
        // only allocation can fail here; the caller falls back to plain text
        return std::nullopt;
    }
}

} // namespace slotlog
