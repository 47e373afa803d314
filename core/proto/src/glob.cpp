#include <slotlog/glob.h>

#include <algorithm>

namespace slotlog {

namespace {

char fold(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// the bytes of the character at `at`: a lead byte and its continuation bytes.
// a stray byte of broken utf-8 is a character of its own, so a walk never
// stops inside a character
std::size_t char_size(std::string_view text, std::size_t at) noexcept {
    const auto lead = static_cast<unsigned char>(text[at]);
    const std::size_t want = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::size_t n = 1;
    while (n < want && at + n < text.size() && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) ++n;
    return n;
}

} // namespace

glob::glob(std::string_view pattern) : pattern_(pattern), folded_(pattern) {
    std::transform(folded_.begin(), folded_.end(), folded_.begin(), fold);
    any_ = std::all_of(folded_.begin(), folded_.end(), [](char c) { return c == '*'; });
}

// the two-pointer walk: on a mismatch, go back to just after the last star and
// let that star take one more character. only the last star ever needs to
// move (an earlier one taking more could only do what the later one can), so
// nothing is tried twice over
bool glob::matches(std::string_view text) const noexcept {
    if (any_) return true;
    const std::string_view p = folded_;
    std::size_t pi = 0, ti = 0;
    std::size_t star = std::string_view::npos, star_ti = 0;
    while (ti < text.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = ++pi;
            star_ti = ti;
        } else if (pi < p.size() && p[pi] == '?') {
            ++pi;
            ti += char_size(text, ti);
        } else if (pi < p.size() && p[pi] == fold(text[ti])) {
            ++pi;
            ++ti;
        } else if (star != std::string_view::npos) {
            pi = star;
            star_ti += char_size(text, star_ti);
            ti = star_ti;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

} // namespace slotlog
