// a glob of an output's match or exclude, and of `slotlog tail --host` and
// `--app`: `*` any run of characters, `?` one character (a utf-8 code point),
// everything else itself. compiled once per configuration, matched on the
// writer thread for each entry
#pragma once

#include <string>
#include <string_view>

namespace slotlog {

// case-insensitive for ascii only: "WEB*" matches "web01", but "É" does not
// match "é" (beyond ascii a character matches only itself, byte for byte).
// matching takes at most pattern x text steps, never more: no pattern can make
// an entry expensive (the two-pointer walk, no recursion)
class glob {
public:
    explicit glob(std::string_view pattern);

    bool matches(std::string_view text) const noexcept;
    const std::string& pattern() const noexcept { return pattern_; }

private:
    std::string pattern_;  // as written
    std::string folded_;   // ascii letters lowercased
    bool any_ = false;     // only stars: matches every text, the empty one too
};

} // namespace slotlog
