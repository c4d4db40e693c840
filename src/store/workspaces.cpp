#include "switchboard/store/workspaces.hpp"

namespace switchboard::store::workspaces {

std::int64_t count(database& db) {
  auto& q = db.prepare("SELECT COUNT(*) FROM workspaces");
  q.step();
  auto n = q.column_int(0);
  q.reset();
  return n;
}

std::optional<id_t> create_with_owner(database& db, const std::string& name, const std::string& owner_email,
                                      const std::string& owner_name, const std::string& password_hash,
                                      const std::string& now) {
  if (count(db) > 0) return std::nullopt;
  db.prepare("INSERT INTO workspaces(name, created_at) VALUES (?1, ?2)").bind_all(name, now).run();
  auto ws = db.last_insert_rowid();
  db.prepare(
        "INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
        " VALUES (?1, ?2, ?3, 'owner', ?4, ?5)")
      .bind_all(ws, owner_email, owner_name, password_hash, now)
      .run();
  return ws;
}

std::optional<id_t> first(database& db) {
  auto& q = db.prepare("SELECT id FROM workspaces ORDER BY id LIMIT 1");
  std::optional<id_t> id;
  if (q.step()) id = q.column_int(0);
  q.reset();
  return id;
}

std::optional<std::string> name_of(database& db, id_t workspace_id) {
  auto& q = db.prepare("SELECT name FROM workspaces WHERE id = ?1");
  q.bind(1, workspace_id);
  std::optional<std::string> name;
  if (q.step()) name = q.column_text(0);
  q.reset();
  return name;
}

bool answers(database& db) {
  auto& q = db.prepare("SELECT 1");
  bool ok = q.step() && q.column_int(0) == 1;
  q.reset();
  return ok;
}

}  // namespace switchboard::store::workspaces
