#include "switchboard/store/auth_data.hpp"

namespace switchboard::store::auth_data {

void insert_session(database& db, id_t workspace_id, id_t teammate_id,
                    const std::string& token_hash, const std::string& now,
                    const std::string& expires_at) {
  db.prepare(
        "INSERT INTO auth_sessions(workspace_id, teammate_id, token_hash, created_at, expires_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(workspace_id, teammate_id, token_hash, now, expires_at)
      .run();
}

std::optional<id_t> delete_session(database& db, const std::string& token_hash) {
  auto& q = db.prepare("DELETE FROM auth_sessions WHERE token_hash = ?1 RETURNING id");
  q.bind(1, token_hash);
  std::optional<id_t> id;
  if (q.step()) id = q.column_int(0);
  while (q.step()) {
  }
  return id;
}

void delete_sessions_of(database& db, id_t workspace_id, id_t teammate_id) {
  db.prepare("DELETE FROM auth_sessions WHERE workspace_id = ?1 AND teammate_id = ?2")
      .bind_all(workspace_id, teammate_id)
      .run();
}

std::optional<token_lookup> find_token(database& db, const std::string& token_hash) {
  {
    auto& q = db.prepare(
        "SELECT s.workspace_id, s.teammate_id, t.role, t.name, s.expires_at, s.id FROM auth_sessions s"
        " JOIN teammates t ON t.id = s.teammate_id AND t.workspace_id = s.workspace_id"
        " WHERE s.token_hash = ?1");
    q.bind(1, token_hash);
    if (q.step()) {
      principal p{q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3), false};
      p.credential_id = q.column_int(5);
      return token_lookup{std::move(p), q.column_text(4)};
    }
  }
  auto& k = db.prepare(
      "SELECT k.workspace_id, k.teammate_id, t.role, t.name, k.id, k.scope, k.manage_keys FROM api_keys k"
      " JOIN teammates t ON t.id = k.teammate_id AND t.workspace_id = k.workspace_id"
      " WHERE k.key_hash = ?1 AND k.revoked_at IS NULL");
  k.bind(1, token_hash);
  if (k.step()) {
    principal p{k.column_int(0), k.column_int(1), k.column_text(2), k.column_text(3), true};
    p.credential_id = k.column_int(4);
    p.key_scope = k.column_text(5);
    p.key_manage = k.column_int(6) != 0;
    return token_lookup{std::move(p), std::nullopt};
  }
  return std::nullopt;
}

id_t insert_api_key(database& db, id_t workspace_id, id_t teammate_id, const std::string& name,
                    const std::string& key_hash, const std::string& now, const std::string& scope,
                    bool manage_keys) {
  db.prepare(
        "INSERT INTO api_keys(workspace_id, teammate_id, name, key_hash, created_at, scope, manage_keys)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(workspace_id, teammate_id, name, key_hash, now, scope,
                static_cast<std::int64_t>(manage_keys ? 1 : 0))
      .run();
  return db.last_insert_rowid();
}

std::vector<api_key_row> list_api_keys(database& db, id_t workspace_id) {
  std::vector<api_key_row> out;
  auto& q = db.prepare(
      "SELECT id, teammate_id, name, created_at, last_used_at, revoked_at, scope, manage_keys FROM api_keys"
      " WHERE workspace_id = ?1 ORDER BY id");
  q.bind(1, workspace_id);
  while (q.step()) {
    api_key_row r{q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                  q.column_opt_text(4), q.column_opt_text(5)};
    r.scope = q.column_text(6);
    r.manage_keys = q.column_int(7) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

std::optional<api_key_row> find_api_key(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(
      "SELECT id, teammate_id, name, created_at, last_used_at, revoked_at, scope, manage_keys FROM api_keys"
      " WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  api_key_row r{q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                q.column_opt_text(4), q.column_opt_text(5)};
  r.scope = q.column_text(6);
  r.manage_keys = q.column_int(7) != 0;
  while (q.step()) {
  }
  return r;
}

bool revoke_api_key(database& db, id_t workspace_id, id_t id, const std::string& now) {
  db.prepare(
        "UPDATE api_keys SET revoked_at = ?3 WHERE workspace_id = ?1 AND id = ?2"
        " AND revoked_at IS NULL")
      .bind_all(workspace_id, id, now)
      .run();
  return db.changes() > 0;
}

void audit(database& db, id_t workspace_id, std::optional<id_t> actor_id, const std::string& action,
           const std::string& target_kind, std::optional<id_t> target_id,
           const nlohmann::json& details, const std::string& ip, const std::string& now) {
  db.prepare(
        "INSERT INTO audit_log(workspace_id, actor_id, action, target_kind, target_id, details, ip,"
        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind_all(workspace_id, actor_id, action, target_kind, target_id, details.dump(), ip, now)
      .run();
}

std::vector<nlohmann::json> list_audit(database& db, id_t workspace_id, std::optional<id_t> before,
                                       int limit) {
  std::vector<nlohmann::json> out;
  auto& q = db.prepare(
      "SELECT id, actor_id, action, target_kind, target_id, details, ip, created_at FROM audit_log"
      " WHERE workspace_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3");
  q.bind_all(workspace_id, before, static_cast<std::int64_t>(limit));
  while (q.step()) {
    nlohmann::json j = {
        {"id", std::to_string(q.column_int(0))},
        {"actor_id", q.column_is_null(1) ? nlohmann::json() : nlohmann::json(std::to_string(q.column_int(1)))},
        {"action", q.column_text(2)},
        {"target_kind", q.column_opt_text(3) ? nlohmann::json(*q.column_opt_text(3)) : nlohmann::json()},
        {"target_id", q.column_is_null(4) ? nlohmann::json() : nlohmann::json(std::to_string(q.column_int(4)))},
        {"details", nlohmann::json::parse(q.column_text(5), nullptr, false)},
        {"ip", q.column_text(6)},
        {"created_at", q.column_text(7)}};
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace switchboard::store::auth_data
