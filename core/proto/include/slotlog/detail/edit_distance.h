#pragma once

// how far a word is from another, for "did you mean" in configuration keys
// and command-line options

#include <cstddef>
#include <string_view>

namespace slotlog::detail {

// optimal string alignment distance, case-insensitive (a swap of two
// neighbours counts as one edit); words over 64 characters are never close
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace slotlog::detail
