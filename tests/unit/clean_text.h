#pragma once

// what a test asks of every text the collector writes: one clean line

#include <string_view>

#include <slotlog/text.h>

namespace slotlog::testing {

// valid utf-8 with nothing that the sanitiser would change
inline bool is_clean(std::string_view in) { return sanitise(in) == in; }

} // namespace slotlog::testing
