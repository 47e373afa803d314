#pragma once

// a security or crypto status (SEC_E_*, CERT_E_*, NTE_*) as text: windows
// words for these codes are vague, so the hex code always comes with them

#include <string>

namespace slotlog {

// "The certificate chain was issued by an authority that is not trusted (0x80090325)"
std::string status_text(unsigned long code);

// "0x80090325"
std::string hex_code(unsigned long code);

} // namespace slotlog
