#pragma once

// the platform's cryptography (posix/crypto_posix.cpp: openssl's libcrypto;
// windows/crypto_windows.cpp: cng) and the key file's protection
// (posix/key_file_posix.cpp, windows/key_file_windows.cpp)

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace slotlog::detail {

using sha256_digest = std::array<unsigned char, 32>;

// throw std::runtime_error naming the call that failed
sha256_digest hmac_sha256(std::string_view key, std::string_view data);
void random_bytes(unsigned char* out, std::size_t size);

// why the collector must not trust the key file (posix: group or others may
// read it), or empty
std::string key_file_exposure(const std::filesystem::path& file);
// creates `file` exclusively with `contents`, readable only by whom the
// platform's rule names; false if it exists. throws std::runtime_error
bool create_private_file(const std::filesystem::path& file, std::string_view contents);

} // namespace slotlog::detail
