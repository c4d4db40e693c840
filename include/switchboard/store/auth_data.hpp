#pragma once
// SQL for session tokens, API keys and the audit log. Tokens are stored only as SHA-256.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::auth_data {

void insert_session(database& db, id_t workspace_id, id_t teammate_id,
                    const std::string& token_hash, const std::string& now,
                    const std::string& expires_at);
// The deleted session's id, if there was one.
std::optional<id_t> delete_session(database& db, const std::string& token_hash);
void delete_sessions_of(database& db, id_t workspace_id, id_t teammate_id);

struct token_lookup {
  principal who;
  std::optional<std::string> expires_at;  // sessions expire; API keys do not
};
// Finds a live session or unrevoked API key by token hash.
std::optional<token_lookup> find_token(database& db, const std::string& token_hash);

struct api_key_row {
  id_t id = 0;
  id_t teammate_id = 0;
  std::string name, created_at;
  std::optional<std::string> last_used_at, revoked_at;
  std::string scope = "write";  // "read" or "write"
  bool manage_keys = false;
};
id_t insert_api_key(database& db, id_t workspace_id, id_t teammate_id, const std::string& name,
                    const std::string& key_hash, const std::string& now, const std::string& scope,
                    bool manage_keys);
std::vector<api_key_row> list_api_keys(database& db, id_t workspace_id);
std::optional<api_key_row> find_api_key(database& db, id_t workspace_id, id_t id);
bool revoke_api_key(database& db, id_t workspace_id, id_t id, const std::string& now);

void audit(database& db, id_t workspace_id, std::optional<id_t> actor_id, const std::string& action,
           const std::string& target_kind, std::optional<id_t> target_id,
           const nlohmann::json& details, const std::string& ip, const std::string& now);
std::vector<nlohmann::json> list_audit(database& db, id_t workspace_id, std::optional<id_t> before,
                                       int limit);

}  // namespace switchboard::store::auth_data
