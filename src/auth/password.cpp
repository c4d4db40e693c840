#include "switchboard/auth/password.hpp"

#include <argon2.h>

#include <stdexcept>
#include <vector>

#include "switchboard/core/random.hpp"

namespace switchboard::auth {
namespace {
// OWASP's recommended Argon2id floor: 19 MiB, 2 passes, 1 lane.
constexpr uint32_t t_cost = 2, m_cost_kib = 19 * 1024, lanes = 1;
constexpr size_t salt_len = 16, hash_len = 32;
}  // namespace

std::string hash_password(const std::string& password) {
  std::string salt = random_bytes(salt_len);
  size_t encoded_len = argon2_encodedlen(t_cost, m_cost_kib, lanes, salt_len, hash_len, Argon2_id);
  std::vector<char> encoded(encoded_len);
  int rc = argon2id_hash_encoded(t_cost, m_cost_kib, lanes, password.data(), password.size(),
                                 salt.data(), salt.size(), hash_len, encoded.data(), encoded_len);
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(const std::string& password, const std::string& encoded) {
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace switchboard::auth
