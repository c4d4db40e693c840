#pragma once
// SQL for session tokens, API keys and the audit log. Tokens are stored only as SHA-256.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::auth_data {

void insert_session(database& db, id_t workspace_id, id_t teammate_id,
                    const std::string& token_hash, const std::string& now,
                    const std::string& expires_at);
// The deleted session's id, if there was one.
std::optional<id_t> delete_session(database& db, const std::string& token_hash);
void delete_sessions_of(database& db, id_t workspace_id, id_t teammate_id);

// Finds a live session or unrevoked API key by token hash.
std::optional<token_lookup> find_token(database& db, const std::string& token_hash);

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
