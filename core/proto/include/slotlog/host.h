#pragma once

// this machine as the client library and the collector name it

#include <string>

namespace slotlog {

// this machine's host name, "" if unknown
std::string local_host_name();

} // namespace slotlog
