#include <slotlog/control.h>

#include <fmt/format.h>

#include <slotlog/decode.h>

namespace slotlog {

namespace {

// a marshalled control message is a little longer than the text
constexpr std::size_t max_marshalled_control = 2 * control_max_message_size;
// the sentinel may carry the end of line or nul a c client adds, not more
constexpr std::size_t max_plain_stop = 64;

bool is_command(std::string_view text, std::size_t payload_size) {
    return text.substr(0, control_magic.size()) == control_magic ||
           (text == "STOP" && payload_size <= max_plain_stop);
}

} // namespace

control_plane::control_plane(const control_config& cfg) : configured_(!cfg.key_file.empty()) {
    if (!configured_) {
        status_ = "off: no control.key_file configured";
        return;
    }
    try {
        key_ = read_control_key(cfg.key_file, true);
        status_ = "on (key file " + cfg.key_file.string() + ")";
    } catch (const control_key_error& e) {
        status_ = std::string("off: ") + e.what();
    }
}

std::optional<std::string> control_plane::command_text(std::string_view payload) {
    const auto text = strip_terminators(payload);
    if (is_command(text, payload.size())) return std::string(text);
    if (payload.size() > max_marshalled_control) return std::nullopt;
    const auto inner = unmarshal_string(payload);
    if (!inner || !is_command(strip_terminators(*inner), payload.size())) return std::nullopt;
    return std::string(strip_terminators(*inner));
}

control_decision control_plane::check(std::string_view text, std::int64_t now) {
    std::string why;
    const auto fields = parse_control_fields(text, why);
    if (!fields) return {std::nullopt, why};
    if (!enabled()) return {std::nullopt, "control plane is " + status_};
    // the mac first: nothing about an unsigned message is worth telling apart
    if (!equal_constant_time(hmac_sha256_hex(key_, fields->signed_part), fields->mac)) {
        return {std::nullopt, "bad mac"};
    }
    const auto verb = parse_control_verb(fields->verb);
    if (!verb) return {std::nullopt, fmt::format("unknown verb '{}'", fields->verb)};
    if (fields->time < now - control_window_seconds) {
        return {std::nullopt, fmt::format("stale: sent {} s ago (the window is {} s)", now - fields->time,
                                          control_window_seconds)};
    }
    if (fields->time > now + control_window_seconds) {
        return {std::nullopt, fmt::format("in the future: {} s ahead of this clock (the window is {} s)",
                                          fields->time - now, control_window_seconds)};
    }

    std::lock_guard lock(mutex_);
    // a nonce can come back only while its message is inside the window
    for (auto it = nonces_.begin(); it != nonces_.end();) {
        it = it->second < now ? nonces_.erase(it) : std::next(it);
    }
    if (nonces_.count(fields->nonce)) return {std::nullopt, "replayed: nonce already used"};
    if (nonces_.size() >= max_nonces) return {std::nullopt, "too many control messages in the window"};
    nonces_.emplace(std::string(fields->nonce), fields->time + control_window_seconds);
    return {verb, {}};
}

} // namespace slotlog
