// PostgreSQL: auth (repositories.hpp; the SQLite twin is src/store/auth.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

void pg_auth_repository::insert_session(id_t workspace_id, id_t teammate_id, const std::string& token_hash, const std::string& now, const std::string& expires_at) {
  throw std::logic_error("postgres: auth.insert_session is not written yet");
}

std::optional<id_t> pg_auth_repository::delete_session(const std::string& token_hash) {
  throw std::logic_error("postgres: auths.delete_session is not written yet");
}

void pg_auth_repository::delete_sessions_of(id_t workspace_id, id_t teammate_id) {
  throw std::logic_error("postgres: auths.delete_sessions_of is not written yet");
}

std::optional<auth_data::token_lookup> pg_auth_repository::find_token(const std::string& token_hash) {
  throw std::logic_error("postgres: auths.find_token is not written yet");
}

id_t pg_auth_repository::insert_api_key(id_t workspace_id, id_t teammate_id, const std::string& name, const std::string& key_hash, const std::string& now, const std::string& scope, bool manage_keys) {
  throw std::logic_error("postgres: auths.insert_api_key is not written yet");
}

std::vector<auth_data::api_key_row> pg_auth_repository::list_api_keys(id_t workspace_id) {
  throw std::logic_error("postgres: auths.list_api_keys is not written yet");
}

std::optional<auth_data::api_key_row> pg_auth_repository::find_api_key(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: auths.find_api_key is not written yet");
}

bool pg_auth_repository::revoke_api_key(id_t workspace_id, id_t id, const std::string& now) {
  throw std::logic_error("postgres: auths.revoke_api_key is not written yet");
}

void pg_auth_repository::audit(id_t workspace_id, std::optional<id_t> actor_id, const std::string& action, const std::string& target_kind, std::optional<id_t> target_id, const nlohmann::json& details, const std::string& ip, const std::string& now) {
  throw std::logic_error("postgres: auths.audit is not written yet");
}

std::vector<nlohmann::json> pg_auth_repository::list_audit(id_t workspace_id, std::optional<id_t> before, int limit) {
  throw std::logic_error("postgres: auths.list_audit is not written yet");
}

}  // namespace switchboard::store
