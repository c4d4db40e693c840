#pragma once
// Verification of the Bot Framework's JWTs on incoming activities, as a pure
// function of the token, the signing keys (JWKS) and what the activity says.
// Fetching and caching the keys is elsewhere (teams/connector.hpp).
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/core/encoding.hpp"

namespace switchboard::teams {

inline constexpr const char* bot_framework_issuer = "https://api.botframework.com";

struct jwt_expectations {
  std::string audience;  // the bot's app id
  std::string issuer = bot_framework_issuer;
  std::string channel_id;   // activity.channelId: must be among the key's endorsements
  std::string service_url;  // activity.serviceUrl: must equal the serviceurl claim
  std::chrono::system_clock::time_point now;
  std::chrono::seconds skew{300};  // allowed clock difference for exp and nbf
};

struct jwt_verdict {
  bool ok = false;
  bool unknown_kid = false;  // the key set has no such key: worth one refresh
  std::string reason;        // why not, for the log
  std::string kid;
  nlohmann::json claims;  // the payload, when ok
};

jwt_verdict verify_jwt(std::string_view token, const nlohmann::json& jwks,
                       const jwt_expectations& e);

// The kid of a token's header, if it has one (to decide whether to refresh keys).
std::optional<std::string> jwt_kid(std::string_view token);

// In core/encoding.hpp; named here too for the bot's callers and tests.
using switchboard::base64url_decode;
using switchboard::base64url_encode;

}  // namespace switchboard::teams
