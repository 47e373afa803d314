#pragma once

// the windows firewall rule that lets the slotlog broadcast port in, made with
// netsh (what an admin would type, and what the msi's BROADCAST_PORT asks for)

#include <cstdint>
#include <filesystem>
#include <string>

namespace slotlog::firewall {

inline constexpr const wchar_t* rule_name = L"slotlog broadcast port";

// replaces the rule: inbound udp on `port` for `program`. false and `why` on failure
bool allow_udp(std::uint16_t port, const std::filesystem::path& program, std::string& why);
// removes the rule if there is one (best effort: at uninstall, nothing to report to)
void remove();

} // namespace slotlog::firewall
