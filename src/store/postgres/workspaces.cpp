// PostgreSQL: workspaces (repositories.hpp; the SQLite twin is src/store/workspaces.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::int64_t pg_workspace_repository::count() {
  return db_.run("SELECT count(*) FROM workspaces").integer(0, 0);
}

std::optional<id_t> pg_workspace_repository::create_with_owner(const std::string& name,
                                                               const std::string& owner_email,
                                                               const std::string& owner_name,
                                                               const std::string& password_hash,
                                                               const std::string& now) {
  // Instances starting together on an empty database: the transaction's advisory
  // lock lets one create the workspace; the others then see it and create none.
  db_.run("SELECT pg_advisory_xact_lock(7161400645331214709)");
  if (count() > 0) return std::nullopt;
  id_t ws = db_.run("INSERT INTO workspaces(name, created_at) VALUES ($1, $2) RETURNING id", name, now)
                .integer(0, 0);
  db_.run(
      "INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
      " VALUES ($1, $2, $3, 'owner', $4, $5)",
      ws, owner_email, owner_name, password_hash, now);
  return ws;
}

std::optional<id_t> pg_workspace_repository::first() {
  return db_.run("SELECT id FROM workspaces ORDER BY id LIMIT 1").opt_integer_or_none();
}

std::optional<std::string> pg_workspace_repository::name_of(id_t workspace_id) {
  auto r = db_.run("SELECT name FROM workspaces WHERE id = $1", workspace_id);
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

std::optional<std::string> pg_workspace_repository::setting(id_t workspace_id, const std::string& name) {
  auto r = db_.run("SELECT value FROM workspace_settings WHERE workspace_id = $1 AND name = $2", workspace_id, name);
  if (r.empty()) return std::nullopt;
  return r.text(0, 0);
}

void pg_workspace_repository::put_setting(id_t workspace_id, const std::string& name, const std::string& value,
                                          const std::string& now) {
  db_.run(
      "INSERT INTO workspace_settings(workspace_id, name, value, updated_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (workspace_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
      workspace_id, name, value, now);
}

std::vector<std::pair<id_t, std::string>> pg_workspace_repository::settings_named(const std::string& name) {
  auto r = db_.run("SELECT workspace_id, value FROM workspace_settings WHERE name = $1 ORDER BY workspace_id", name);
  std::vector<std::pair<id_t, std::string>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.integer(i, 0), r.text(i, 1));
  return out;
}

bool pg_workspace_repository::answers() { return db_.run("SELECT 1").integer(0, 0) == 1; }

}  // namespace switchboard::store
