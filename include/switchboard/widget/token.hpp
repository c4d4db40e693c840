#pragma once
// Widget session tokens (wst_…): 32 random bytes in hex, stored only as their
// SHA-256. Lifetime, expiry and refresh are decisions on times passed in.
#include <chrono>
#include <optional>
#include <string>

#include "switchboard/core/clock.hpp"

namespace switchboard::widget {

constexpr std::string_view token_prefix = "wst_";
constexpr std::chrono::hours min_token_ttl{1};
constexpr std::chrono::hours max_token_ttl{7 * 24};

// The configured lifetime clamped to 1 h … 7 d.
std::chrono::hours clamp_ttl(std::chrono::hours configured);

struct issued_token {
  std::string token;  // shown once to the visitor
  std::string hash;   // what the store keeps
  sys_time issued_at, expires_at;
};
issued_token issue_token(sys_time now, std::chrono::hours ttl);

// True for "wst_" + 64 lower-case hex digits; anything else is not looked up.
bool looks_like_token(std::string_view token);
std::string hash_token(std::string_view token);

enum class token_state { valid, expired, revoked };
token_state check_token(sys_time expires_at, bool revoked, sys_time now);

// A valid token is replaced once less than a quarter of its lifetime remains.
bool needs_refresh(sys_time issued_at, sys_time expires_at, sys_time now);

}  // namespace switchboard::widget
