#pragma once
// The bot's configuration (teams.* keys) as the API and the outbox use it.
#include <chrono>
#include <string>

namespace switchboard::teams {

struct settings {
  std::string app_id, app_password, tenant_id, openid_metadata_url, token_url;
  std::chrono::seconds key_refresh_min{300};  // unknown kids refresh the keys at most this often
  std::chrono::hours key_max_age{24};         // keys are re-read at least this often
  bool enabled() const { return !app_id.empty(); }
};

}  // namespace switchboard::teams
