#include "forward/connection.h"

#include <stdexcept>

#include "config/bind_address.h"

namespace slotlog {

target_address parse_target(const std::string& text) {
    std::string why;
    const auto a = config_check::parse_bind(text, why);
    if (!a) throw std::runtime_error("invalid target '" + text + "': " + why);
    return {a->host, static_cast<std::uint16_t>(a->port), text};
}

} // namespace slotlog
