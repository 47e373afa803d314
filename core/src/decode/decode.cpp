#include <slotlog/decode.h>

#include <algorithm>

#include <slotlog/text.h>

namespace slotlog {

namespace {

constexpr std::string_view reserved_app = "slotlogd";

// the decoders proper, into `out`; may throw std::bad_alloc, nothing else
void decode_as(std::string_view payload, const origin& from, message_format& format, entry& out) {
    const auto text = strip_terminators(payload);
    if (auto e = decode_json(text, from)) {
        format = message_format::json;
        out = std::move(*e);
        return;
    }
    if (decode_syslog(text, from, out)) {
        format = message_format::syslog;
        return;
    }
    // marshal is binary and length-prefixed: a terminator there is part of the
    // data (python 2 marshals "" as 73 00 00 00 00), so it sees the raw payload
    if (auto s = unmarshal_string(payload)) {
        format = message_format::marshal;
        // winsys's MailslotHandler sends formatted log lines
        const auto inner = strip_terminators(*s);
        if (auto e = decode_json(inner, from)) {
            out = std::move(*e);
        } else if (!decode_syslog(inner, from, out)) {
            decode_text(inner, from, out);
        }
        return;
    }
    format = message_format::text;
    decode_text(text, from, out);
}

// the collector's own app name is reserved: a message that claims it would
// read exactly like the collector's own lines (started, stopping, control
// accepted). the claim is kept as an extra field, the app becomes unknown
void disown_reserved_app(entry& e) {
    if (e.app.size() != reserved_app.size()) return;
    for (std::size_t i = 0; i < e.app.size(); ++i) {
        const char c = e.app[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != reserved_app[i]) return;
    }
    auto taken = [&](const std::string& key) {
        return std::any_of(e.extra.begin(), e.extra.end(), [&](const auto& kv) { return kv.first == key; });
    };
    std::string key = "raw_app";
    for (int n = 2; taken(key); ++n) key = "raw_app_" + std::to_string(n);
    std::string value;
    append_json_string(value, e.app);
    e.extra.emplace_back(std::move(key), std::move(value));
    e.app.clear();
}

} // namespace

std::string_view strip_terminators(std::string_view payload) noexcept {
    while (!payload.empty()) {
        const char c = payload.back();
        if (c != '\n' && c != '\r' && c != '\0') break;
        payload.remove_suffix(1);
    }
    return payload;
}

void reset_entry(entry& e, const origin& from) {
    e.time = from.received;
    e.lvl = level::info;
    e.host.clear();
    append_sanitised(e.host, from.peer_host);
    e.app.clear();
    e.pid.reset();
    e.seq.reset();
    e.slot.clear();
    append_sanitised(e.slot, from.slot);
    e.msg.clear();
    e.extra.clear();
    e.own = false;
}

void decode_text(std::string_view payload, const origin& from, entry& out) {
    reset_entry(out, from);
    append_sanitised(out.msg, strip_terminators(payload));
}

entry decode_text(std::string_view payload, const origin& from) {
    entry e;
    decode_text(payload, from, e);
    return e;
}

void decode(std::string_view payload, const origin& from, entry& out) noexcept {
    message_format format = message_format::text;
    try {
        decode_as(payload, from, format, out);
        disown_reserved_app(out);
        return;
    } catch (...) {
        // only allocation can fail; one bad message must not take the reader down
    }
    out = entry{};
    try {
        out.time = from.received;
        out.lvl = level::error;
        out.slot = sanitise(from.slot);
        out.msg = "message of " + std::to_string(payload.size()) + " bytes could not be decoded";
    } catch (...) {
        // out of memory even for that: the bare entry still says something arrived
    }
}

entry decode(std::string_view payload, const origin& from) {
    entry e;
    decode(payload, from, e);
    return e;
}

message_format detect_format(std::string_view payload) {
    message_format format = message_format::text;
    try {
        entry e;
        decode_as(payload, origin{}, format, e);
    } catch (...) {
        format = message_format::text;
    }
    return format;
}

} // namespace slotlog
