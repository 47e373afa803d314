#pragma once

// this machine as the client library and the collector name it

#include <string>

#include <slotlog/export.h>

namespace slotlog {

// this machine's host name, "" if unknown
SLOTLOG_API std::string local_host_name();

} // namespace slotlog
