#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <slotlog/config.h>
#include <slotlog/decode.h>

namespace slotlog {

// where a transport delivers each message it reads, and says what it could
// not. called from the input's own thread; must not throw
class message_handler {
public:
    virtual ~message_handler() = default;
    virtual void on_message(std::string_view payload, const origin& from) noexcept = 0;
    // a message the transport had to drop (too large for the slot): counted and reported
    virtual void on_drop(const std::string& why) noexcept = 0;
    // trouble the transport handled (a read that failed, a message the system cut): reported
    virtual void on_problem(level lvl, const std::string& what) noexcept = 0;
};

// what an input counted since it started; read from any thread
struct input_counts {
    std::uint64_t received = 0;          // messages delivered (control messages too)
    std::uint64_t dropped = 0;           // messages it could not deliver (too large, cut)
};

// a transport that reads messages: the posix unix-socket mailslot, the windows
// mailslot, udp. construction opens the endpoint (and throws a clear
// std::runtime_error when it cannot: slot taken, address in use), so that
// startup fails before anything runs; start() begins reading on a thread
class input {
public:
    virtual ~input() = default;
    virtual void start(message_handler& handler) = 0;
    // stops reading after delivering what the endpoint already holds; joins
    virtual void stop() noexcept = 0;
    // "mailslot:logger", "udp:127.0.0.1:5514": the entry's slot and the reload key
    virtual const std::string& name() const noexcept = 0;
    virtual input_counts counts() const noexcept = 0;
};

// the transports (core/src/transport/: inputs.cpp picks the platform's)
std::unique_ptr<input> make_input(const input_config& cfg);

} // namespace slotlog
