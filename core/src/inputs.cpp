#include "inputs.h"

namespace slotlog {

host_port split_host_port(const std::string& bind) {
    const auto colon = bind.rfind(':');
    if (colon == std::string::npos) return {bind, ""};
    std::string host = bind.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return {host, bind.substr(colon + 1)};
}

} // namespace slotlog
