// PostgreSQL: auth (repositories.hpp; the SQLite twin is src/store/auth_data.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* api_key_select =
    "SELECT id, teammate_id, name, created_at, last_used_at, revoked_at, scope, manage_keys"
    " FROM api_keys";

auth_data::api_key_row api_key_row(const pg::query_result& r, int i) {
  auth_data::api_key_row k{r.integer(i, 0), r.integer(i, 1),  r.text(i, 2),
                           r.text(i, 3),    r.opt_text(i, 4), r.opt_text(i, 5)};
  k.scope = r.text(i, 6);
  k.manage_keys = r.integer(i, 7) != 0;
  return k;
}

}  // namespace

void pg_auth_repository::insert_session(id_t workspace_id, id_t teammate_id,
                                        const std::string& token_hash, const std::string& now,
                                        const std::string& expires_at) {
  db_.run(
      "INSERT INTO auth_sessions(workspace_id, teammate_id, token_hash, created_at, expires_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      workspace_id, teammate_id, token_hash, now, expires_at);
}

std::optional<id_t> pg_auth_repository::delete_session(const std::string& token_hash) {
  return db_.run("DELETE FROM auth_sessions WHERE token_hash = $1 RETURNING id", token_hash)
      .opt_integer_or_none();
}

void pg_auth_repository::delete_sessions_of(id_t workspace_id, id_t teammate_id) {
  db_.run("DELETE FROM auth_sessions WHERE workspace_id = $1 AND teammate_id = $2", workspace_id,
          teammate_id);
}

std::optional<auth_data::token_lookup> pg_auth_repository::find_token(
    const std::string& token_hash) {
  auto s = db_.run(
      "SELECT s.workspace_id, s.teammate_id, t.role, t.name, s.expires_at, s.id"
      " FROM auth_sessions s"
      " JOIN teammates t ON t.id = s.teammate_id AND t.workspace_id = s.workspace_id"
      " WHERE s.token_hash = $1",
      token_hash);
  if (!s.empty()) {
    principal p{s.integer(0, 0), s.integer(0, 1), s.text(0, 2), s.text(0, 3), false};
    p.credential_id = s.integer(0, 5);
    return auth_data::token_lookup{std::move(p), s.text(0, 4)};
  }
  auto k = db_.run(
      "SELECT k.workspace_id, k.teammate_id, t.role, t.name, k.id, k.scope, k.manage_keys"
      " FROM api_keys k"
      " JOIN teammates t ON t.id = k.teammate_id AND t.workspace_id = k.workspace_id"
      " WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
      token_hash);
  if (k.empty()) return std::nullopt;
  principal p{k.integer(0, 0), k.integer(0, 1), k.text(0, 2), k.text(0, 3), true};
  p.credential_id = k.integer(0, 4);
  p.key_scope = k.text(0, 5);
  p.key_manage = k.integer(0, 6) != 0;
  return auth_data::token_lookup{std::move(p), std::nullopt};
}

id_t pg_auth_repository::insert_api_key(id_t workspace_id, id_t teammate_id,
                                        const std::string& name, const std::string& key_hash,
                                        const std::string& now, const std::string& scope,
                                        bool manage_keys) {
  return db_
      .run(
          "INSERT INTO api_keys(workspace_id, teammate_id, name, key_hash, created_at, scope,"
          " manage_keys)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          workspace_id, teammate_id, name, key_hash, now, scope, manage_keys)
      .integer(0, 0);
}

std::vector<auth_data::api_key_row> pg_auth_repository::list_api_keys(id_t workspace_id) {
  auto r =
      db_.run(std::string(api_key_select) + " WHERE workspace_id = $1 ORDER BY id", workspace_id);
  std::vector<auth_data::api_key_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(api_key_row(r, i));
  return out;
}

std::optional<auth_data::api_key_row> pg_auth_repository::find_api_key(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string(api_key_select) + " WHERE workspace_id = $1 AND id = $2",
                   workspace_id, id);
  if (r.empty()) return std::nullopt;
  return api_key_row(r, 0);
}

bool pg_auth_repository::revoke_api_key(id_t workspace_id, id_t id, const std::string& now) {
  return db_.run(
                "UPDATE api_keys SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2"
                " AND revoked_at IS NULL",
                workspace_id, id, now)
             .affected() > 0;
}

void pg_auth_repository::audit(id_t workspace_id, std::optional<id_t> actor_id,
                               const std::string& action, const std::string& target_kind,
                               std::optional<id_t> target_id, const nlohmann::json& details,
                               const std::string& ip, const std::string& now) {
  db_.run(
      "INSERT INTO audit_log(workspace_id, actor_id, action, target_kind, target_id, details, ip,"
      " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      workspace_id, actor_id, action, target_kind, target_id, details.dump(), ip, now);
}

std::vector<nlohmann::json> pg_auth_repository::list_audit(id_t workspace_id,
                                                           std::optional<id_t> before, int limit) {
  auto r = db_.run(
      "SELECT id, actor_id, action, target_kind, target_id, details, ip, created_at FROM audit_log"
      " WHERE workspace_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
      workspace_id, before, limit);
  // The shape of SQLite's list_audit: ids as strings, absent ones null.
  auto id_or_null = [&](int i, int col) {
    return r.is_null(i, col) ? nlohmann::json() : nlohmann::json(std::to_string(r.integer(i, col)));
  };
  std::vector<nlohmann::json> out;
  for (int i = 0; i < r.rows(); ++i) {
    auto target_kind = r.opt_text(i, 3);
    out.push_back({{"id", std::to_string(r.integer(i, 0))},
                   {"actor_id", id_or_null(i, 1)},
                   {"action", r.text(i, 2)},
                   {"target_kind", target_kind ? nlohmann::json(*target_kind) : nlohmann::json()},
                   {"target_id", id_or_null(i, 4)},
                   {"details", nlohmann::json::parse(r.text(i, 5), nullptr, false)},
                   {"ip", r.text(i, 6)},
                   {"created_at", r.text(i, 7)}});
  }
  return out;
}

}  // namespace switchboard::store
