#include "inputs.h"

#include <stdexcept>

namespace slotlog {

std::unique_ptr<input> make_input(const input_config& cfg) {
    if (cfg.type == "mailslot") return make_mailslot_input(cfg);
    if (cfg.type == "udp") return make_udp_input(cfg);
    throw std::runtime_error("'" + cfg.type + "' inputs are not available on this system");
}

host_port split_host_port(const std::string& bind) {
    const auto colon = bind.rfind(':');
    if (colon == std::string::npos) return {bind, ""};
    std::string host = bind.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, bind.substr(colon + 1)};
}

} // namespace slotlog
