#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <slotlog/config.h>
#include <slotlog/decode.h>

namespace slotlog {

// where a transport delivers each message it reads. called from the input's
// own thread; must not throw
class message_handler {
public:
    virtual ~message_handler() = default;
    virtual void on_message(std::string_view payload, const origin& from) noexcept = 0;
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
};

// the platform's inputs (inputs_posix.cpp / inputs_windows.cpp)
std::unique_ptr<input> make_input(const input_config& cfg);

} // namespace slotlog
