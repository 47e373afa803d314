// placeholder while tls is written: every tls connection fails with this reason
#include <stdexcept>

#include "forward/connection.h"

namespace slotlog {

std::unique_ptr<connection> connect_tls(const target_address&, const tls_config&, std::chrono::milliseconds) {
    throw std::runtime_error("tls is not available in this build yet");
}

} // namespace slotlog
