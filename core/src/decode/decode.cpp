#include <slotlog/decode.h>

#include <algorithm>

#include <slotlog/text.h>

namespace slotlog {

namespace {

constexpr std::string_view reserved_app = "slotlogd";

// the decoders proper; may throw std::bad_alloc, nothing else
entry decode_as(std::string_view payload, const origin& from, message_format& format) {
    const auto text = strip_terminators(payload);
    if (auto e = decode_json(text, from)) {
        format = message_format::json;
        return std::move(*e);
    }
    if (auto e = decode_syslog(text, from)) {
        format = message_format::syslog;
        return std::move(*e);
    }
    // marshal is binary and length-prefixed: a terminator there is part of the
    // data (python 2 marshals "" as 73 00 00 00 00), so it sees the raw payload
    if (auto s = unmarshal_string(payload)) {
        format = message_format::marshal;
        // winsys's MailslotHandler sends formatted log lines
        const auto inner = strip_terminators(*s);
        if (auto e = decode_json(inner, from)) return std::move(*e);
        if (auto e = decode_syslog(inner, from)) return std::move(*e);
        return decode_text(inner, from);
    }
    format = message_format::text;
    return decode_text(text, from);
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

entry decode_text(std::string_view payload, const origin& from) {
    entry e;
    e.time = from.received;
    e.lvl = level::info;
    append_sanitised(e.slot, from.slot);
    append_sanitised(e.host, from.peer_host);
    append_sanitised(e.msg, strip_terminators(payload));
    return e;
}

entry decode(std::string_view payload, const origin& from) {
    message_format format = message_format::text;
    try {
        auto e = decode_as(payload, from, format);
        disown_reserved_app(e);
        return e;
    } catch (...) {
        // only allocation can fail; one bad message must not take the reader down
    }
    entry e;
    try {
        e.time = from.received;
        e.lvl = level::error;
        e.slot = sanitise(from.slot);
        e.msg = "message of " + std::to_string(payload.size()) + " bytes could not be decoded";
    } catch (...) {
        // out of memory even for that: the bare entry still says something arrived
    }
    return e;
}

message_format detect_format(std::string_view payload) {
    message_format format = message_format::text;
    try {
        decode_as(payload, origin{}, format);
    } catch (...) {
        format = message_format::text;
    }
    return format;
}

} // namespace slotlog
