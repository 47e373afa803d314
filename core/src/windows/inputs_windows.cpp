#include "inputs.h"

#include <stdexcept>

namespace slotlog {

std::unique_ptr<input> make_input(const input_config& cfg) {
    if (cfg.type == "mailslot") return make_mailslot_input(cfg);
    if (cfg.type == "udp") return make_udp_input(cfg);
    throw std::runtime_error("'" + cfg.type + "' inputs are not available on this system");
}

} // namespace slotlog
