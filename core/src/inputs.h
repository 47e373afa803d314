#pragma once

// the platform's transports, picked by make_input (inputs_posix.cpp / inputs_windows.cpp)

#include <memory>

#include <slotlog/input.h>

namespace slotlog {

std::unique_ptr<input> make_mailslot_input(const input_config& cfg);
std::unique_ptr<input> make_udp_input(const input_config& cfg);

// "127.0.0.1:5514", "[::1]:5514" -> host, port (validated by the configuration)
struct host_port {
    std::string host;
    std::string port;
};
host_port split_host_port(const std::string& bind);

} // namespace slotlog
