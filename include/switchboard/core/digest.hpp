#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL EVP): content addresses of stored media and
// the signatures of the media URLs carriers fetch.
#include <string>
#include <string_view>

namespace switchboard {

// Lower-case hex of any bytes.
std::string hex(std::string_view bytes);
// Lower-case hex of SHA-256(bytes).
std::string sha256_hex(std::string_view bytes);
// Raw 32-byte HMAC-SHA256(key, data).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Compares in time independent of where the strings differ.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace switchboard
