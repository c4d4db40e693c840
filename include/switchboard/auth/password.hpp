#pragma once
// Argon2id password hashing. Slow on purpose: never call on the io_context thread.
#include <string>

namespace switchboard::auth {
// Encoded PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash).
std::string hash_password(const std::string& password);
bool verify_password(const std::string& password, const std::string& encoded);
}  // namespace switchboard::auth
