#include "switchboard/store/teammates.hpp"

namespace switchboard::store::teammates {
namespace {

constexpr const char* columns =
    "id, workspace_id, email, name, role, physical_number, availability, sms_forwarding,"
    " created_at, COALESCE(password_hash, '')";

teammate row(statement& q) {
  teammate t;
  t.id = q.column_int(0);
  t.workspace_id = q.column_int(1);
  t.email = q.column_text(2);
  t.name = q.column_text(3);
  t.role = q.column_text(4);
  t.physical_number = q.column_opt_text(5);
  t.availability = q.column_text(6);
  t.sms_forwarding = q.column_text(7);
  t.created_at = q.column_text(8);
  t.password_hash = q.column_text(9);
  return t;
}

std::vector<id_t> members(database& db, id_t team_id) {
  std::vector<id_t> out;
  auto& q = db.prepare("SELECT teammate_id FROM team_members WHERE team_id = ?1 ORDER BY teammate_id");
  q.bind(1, team_id);
  while (q.step()) out.push_back(q.column_int(0));
  return out;
}

}  // namespace

std::optional<teammate> find(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM teammates WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  return row(q);
}

std::optional<teammate> find_by_email(database& db, const std::string& email) {
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM teammates WHERE email = ?1 ORDER BY id LIMIT 1");
  q.bind(1, email);
  if (!q.step()) return std::nullopt;
  return row(q);
}

std::vector<teammate> list(database& db, id_t workspace_id) {
  std::vector<teammate> out;
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM teammates WHERE workspace_id = ?1 ORDER BY id");
  q.bind(1, workspace_id);
  while (q.step()) out.push_back(row(q));
  return out;
}

id_t insert(database& db, const teammate& t) {
  db.prepare(
        "INSERT INTO teammates(workspace_id, email, name, role, password_hash, physical_number,"
        " availability, sms_forwarding, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")
      .bind_all(t.workspace_id, t.email, t.name, t.role,
                t.password_hash.empty() ? std::optional<std::string>() : t.password_hash,
                t.physical_number, t.availability, t.sms_forwarding, t.created_at)
      .run();
  return db.last_insert_rowid();
}

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now) {
  // COALESCE keeps a column when its patch field is absent.
  db.prepare(
        "UPDATE teammates SET name = COALESCE(?3, name), role = COALESCE(?4, role),"
        " availability = COALESCE(?5, availability), sms_forwarding = COALESCE(?6, sms_forwarding),"
        " physical_number = CASE WHEN ?7 THEN ?8 ELSE physical_number END, updated_at = ?9"
        " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, p.name, p.role, p.availability, p.sms_forwarding,
                static_cast<std::int64_t>(p.physical_number.has_value()),
                p.physical_number ? *p.physical_number : std::optional<std::string>(), now)
      .run();
}

std::optional<id_t> next_round_robin(database& db, id_t workspace_id, id_t team_id,
                                     const std::string& now) {
  auto& q = db.prepare(
      "SELECT t.id FROM team_members m JOIN teammates t ON t.id = m.teammate_id"
      " WHERE m.workspace_id = ?1 AND m.team_id = ?2 AND t.availability = 'available'"
      "   AND t.role != 'viewer'"
      " ORDER BY t.assigned_seq, t.id LIMIT 1");
  q.bind_all(workspace_id, team_id);
  if (!q.step()) return std::nullopt;
  id_t pick = q.column_int(0);
  q.reset();
  db.prepare(
        "UPDATE teammates SET last_assigned_at = ?2, assigned_seq ="
        " (SELECT MAX(assigned_seq) FROM teammates WHERE workspace_id = ?3) + 1 WHERE id = ?1")
      .bind_all(pick, now, workspace_id)
      .run();
  return pick;
}

std::optional<team> find_team(database& db, id_t workspace_id, id_t team_id) {
  auto& q = db.prepare(
      "SELECT id, workspace_id, name, round_robin, created_at FROM teams"
      " WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, team_id);
  if (!q.step()) return std::nullopt;
  team t{q.column_int(0), q.column_int(1), q.column_text(2), q.column_int(3) != 0, {},
         q.column_text(4)};
  q.reset();
  t.member_ids = members(db, t.id);
  return t;
}

std::vector<team> list_teams(database& db, id_t workspace_id) {
  std::vector<team> out;
  {
    auto& q = db.prepare(
        "SELECT id, workspace_id, name, round_robin, created_at FROM teams WHERE workspace_id = ?1"
        " ORDER BY id");
    q.bind(1, workspace_id);
    while (q.step())
      out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_int(3) != 0, {},
                     q.column_text(4)});
    q.reset();
  }
  for (auto& t : out) t.member_ids = members(db, t.id);
  return out;
}

id_t insert_team(database& db, id_t workspace_id, const std::string& name, bool round_robin,
                 const std::string& now) {
  db.prepare("INSERT INTO teams(workspace_id, name, round_robin, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(workspace_id, name, static_cast<std::int64_t>(round_robin), now)
      .run();
  return db.last_insert_rowid();
}

void update_team(database& db, id_t workspace_id, id_t team_id, std::optional<std::string> name,
                 std::optional<bool> round_robin) {
  std::optional<std::int64_t> rr;
  if (round_robin) rr = *round_robin ? 1 : 0;
  db.prepare(
        "UPDATE teams SET name = COALESCE(?3, name), round_robin = COALESCE(?4, round_robin)"
        " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, team_id, name, rr)
      .run();
}

void add_member(database& db, id_t workspace_id, id_t team_id, id_t teammate_id) {
  db.prepare(
        "INSERT OR IGNORE INTO team_members(workspace_id, team_id, teammate_id) VALUES (?1, ?2, ?3)")
      .bind_all(workspace_id, team_id, teammate_id)
      .run();
}

void remove_member(database& db, id_t workspace_id, id_t team_id, id_t teammate_id) {
  db.prepare("DELETE FROM team_members WHERE workspace_id = ?1 AND team_id = ?2 AND teammate_id = ?3")
      .bind_all(workspace_id, team_id, teammate_id)
      .run();
}

std::int64_t count_owners(database& db, id_t workspace_id) {
  auto& q = db.prepare("SELECT COUNT(*) FROM teammates WHERE workspace_id = ?1 AND role = 'owner'");
  q.bind(1, workspace_id);
  q.step();
  auto n = q.column_int(0);
  q.reset();
  return n;
}

}  // namespace switchboard::store::teammates
