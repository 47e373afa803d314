#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <slotlog/level.h>

namespace slotlog {

using clock = std::chrono::system_clock;

// one log entry, as decoded from one message. every text field holds valid
// utf-8 with control characters already escaped, so it can be written as is
// and one entry is always one line
struct entry {
    clock::time_point time{};
    level lvl = level::info;
    std::string host;                 // empty: unknown
    std::string app;                  // empty: unknown
    std::optional<std::int64_t> pid;
    std::optional<std::int64_t> seq;
    std::string slot;                 // the input it came from ("logger", "udp:127.0.0.1:5514")
    std::string msg;
    // extra fields of json messages: key (sanitised) and value as serialised json
    std::vector<std::pair<std::string, std::string>> extra;
    bool own = false;                 // the collector's own event (started, drops, rotation trouble)
};

} // namespace slotlog
