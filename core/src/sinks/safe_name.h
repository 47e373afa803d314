#pragma once

// a host, app or slot name as one component of a file path, safe on every
// os whatever the sender put in it (SPEC "Routing and files")

#include <string>
#include <string_view>

namespace slotlog {

// longest value placed in a path, before a device name's leading '_'
inline constexpr std::size_t max_name_value = 64;

// appends `value` made safe: characters outside A-Z a-z 0-9 . _ - become '_'
// (one per character, invalid utf-8 one per byte), the text is cut at 64
// characters, empty becomes "-", "." and ".." become "_", a trailing '.'
// becomes '_' (windows drops it: "web." would be "web"), and a windows
// device name (CON, NUL, COM1, LPT9, any case, with or without an
// extension) gets a leading '_'
void append_safe_name(std::string& out, std::string_view value);

// true for a name windows opens as a device: CON, PRN, AUX, NUL, COM1..COM9,
// LPT1..LPT9, any case, also with an extension ("nul.txt", "CON.log.gz")
bool is_device_name(std::string_view name) noexcept;

} // namespace slotlog
