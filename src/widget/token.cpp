#include "switchboard/widget/token.hpp"

#include <algorithm>

#include "switchboard/core/random.hpp"

namespace switchboard::widget {

std::chrono::hours clamp_ttl(std::chrono::hours configured) {
  return std::clamp(configured, min_token_ttl, max_token_ttl);
}

issued_token issue_token(sys_time now, std::chrono::hours ttl) {
  issued_token t;
  t.token = std::string(token_prefix) + random_hex(32);
  t.hash = hash_token(t.token);
  t.issued_at = now;
  t.expires_at = now + clamp_ttl(ttl);
  return t;
}

bool looks_like_token(std::string_view token) {
  if (token.size() != token_prefix.size() + 64 || token.substr(0, token_prefix.size()) != token_prefix)
    return false;
  return std::all_of(token.begin() + static_cast<long>(token_prefix.size()), token.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string hash_token(std::string_view token) { return sha256_hex(std::string(token)); }

token_state check_token(sys_time expires_at, bool revoked, sys_time now) {
  if (revoked) return token_state::revoked;
  if (now >= expires_at) return token_state::expired;
  return token_state::valid;
}

bool needs_refresh(sys_time issued_at, sys_time expires_at, sys_time now) {
  if (now >= expires_at) return false;  // expired: a new session, not a refresh
  auto lifetime = expires_at - issued_at;
  return (expires_at - now) * 4 < lifetime;
}

}  // namespace switchboard::widget
