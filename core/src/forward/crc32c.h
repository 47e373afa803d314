#pragma once

// crc-32c (castagnoli), the checksum of the disk queue's records and ledger

#include <cstdint>
#include <string_view>

namespace slotlog {

// `crc` continues an earlier result: crc32c(b, crc32c(a)) == crc32c(a + b).
// the cpu's crc32 instruction where it has one (x86-64 with sse 4.2), tables otherwise
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0) noexcept;

} // namespace slotlog
