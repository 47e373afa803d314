#pragma once

// the collector's side of SLOTLOG-CTL/1: the key, the 120 s window and the
// nonce replay cache. every input's messages pass through check()

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <slotlog/config.h>
#include <slotlog/control_message.h>

namespace slotlog {

inline constexpr std::int64_t control_window_seconds = 120;

struct control_decision {
    std::optional<control_verb> verb;  // accepted: act on it
    std::string reason;                // rejected: why, for the warning entry
};

class control_plane {
public:
    // loads the key file; a missing, short or exposed key turns the plane
    // off (status() says why) instead of failing the start
    explicit control_plane(const control_config& cfg);

    bool enabled() const noexcept { return !key_.empty(); }
    // a key file is named: if the plane is off nonetheless, something is wrong with it
    bool configured() const noexcept { return configured_; }
    // "on (key file X)" or "off: no control.key_file configured" / "off: key file X: missing"
    const std::string& status() const noexcept { return status_; }

    // what a payload says when it is a command, as text: "STOP" (the design
    // document's plain stop, a payload of at most 64 bytes) or a message that
    // starts with SLOTLOG-CTL/; plain or inside a python marshal, as winsys
    // clients send both; end of line and nul stripped. nullopt for every
    // other message, which is an entry
    static std::optional<std::string> command_text(std::string_view payload);
    // verifies a control message against the key, the clock and the nonces
    // seen; thread-safe (every input's thread calls it)
    control_decision check(std::string_view text, std::int64_t now_unix_seconds);

    // the nonces remembered at most; a full cache refuses until entries expire
    static constexpr std::size_t max_nonces = 100000;

private:
    std::string key_;
    std::string status_;
    bool configured_;
    std::mutex mutex_;
    std::map<std::string, std::int64_t, std::less<>> nonces_;  // nonce -> when it may be forgotten
};

} // namespace slotlog
