#pragma once
#include <cstddef>
#include <string>

namespace switchboard {
// Cryptographically secure random bytes (OpenSSL RAND_bytes).
std::string random_bytes(std::size_t n);
std::string random_hex(std::size_t bytes);
// Letters and digits only; for generated passwords shown to a person.
std::string random_alnum(std::size_t length);
std::string to_hex(const std::string& bytes);
std::string sha256_hex(const std::string& data);
}  // namespace switchboard
