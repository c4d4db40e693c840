// PostgreSQL: teams of teammates (repositories.hpp; the SQLite twin is the team
// half of src/store/teammates.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

std::vector<id_t> members(pg::connection& db, id_t team_id) {
  auto r = db.run("SELECT teammate_id FROM team_members WHERE team_id = $1 ORDER BY teammate_id", team_id);
  std::vector<id_t> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

team team_row(const pg::query_result& r, int i) {
  return team{r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.integer(i, 3) != 0, {}, r.text(i, 4)};
}

}  // namespace

std::optional<team> pg_team_repository::find(id_t workspace_id, id_t team_id) {
  auto r = db_.run(
      "SELECT id, workspace_id, name, round_robin, created_at FROM teams WHERE workspace_id = $1 AND id = $2",
      workspace_id, team_id);
  if (r.empty()) return std::nullopt;
  auto t = team_row(r, 0);
  t.member_ids = members(db_, t.id);
  return t;
}

std::vector<team> pg_team_repository::list(id_t workspace_id) {
  auto r = db_.run(
      "SELECT id, workspace_id, name, round_robin, created_at FROM teams WHERE workspace_id = $1 ORDER BY id",
      workspace_id);
  std::vector<team> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(team_row(r, i));
  for (auto& t : out) t.member_ids = members(db_, t.id);
  return out;
}

id_t pg_team_repository::insert(id_t workspace_id, const std::string& name, bool round_robin,
                                const std::string& now) {
  return db_
      .run("INSERT INTO teams(workspace_id, name, round_robin, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
           workspace_id, name, round_robin, now)
      .integer(0, 0);
}

void pg_team_repository::update(id_t workspace_id, id_t team_id, std::optional<std::string> name,
                                std::optional<bool> round_robin) {
  db_.run(
      "UPDATE teams SET name = COALESCE($3, name), round_robin = COALESCE($4::integer, round_robin)"
      " WHERE workspace_id = $1 AND id = $2",
      workspace_id, team_id, name, round_robin);
}

void pg_team_repository::add_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  db_.run(
      "INSERT INTO team_members(workspace_id, team_id, teammate_id) VALUES ($1, $2, $3)"
      " ON CONFLICT DO NOTHING",
      workspace_id, team_id, teammate_id);
}

void pg_team_repository::remove_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  db_.run("DELETE FROM team_members WHERE workspace_id = $1 AND team_id = $2 AND teammate_id = $3",
          workspace_id, team_id, teammate_id);
}

std::optional<id_t> pg_team_repository::next_round_robin(id_t workspace_id, id_t team_id,
                                                         const std::string& now) {
  // The team's row lock serializes picks for the team across instances; the pick
  // that waited then reads (a new snapshot, READ COMMITTED) the assignment before it.
  auto team = db_.run("SELECT id FROM teams WHERE workspace_id = $1 AND id = $2 FOR UPDATE", workspace_id, team_id);
  if (team.empty()) return std::nullopt;
  auto r = db_.run(
      "SELECT t.id FROM team_members m JOIN teammates t ON t.id = m.teammate_id"
      " WHERE m.workspace_id = $1 AND m.team_id = $2 AND t.availability = 'available'"
      "   AND t.role <> 'viewer'"
      " ORDER BY t.assigned_seq, t.id LIMIT 1",
      workspace_id, team_id);
  if (r.empty()) return std::nullopt;
  id_t pick = r.integer(0, 0);
  db_.run(
      "UPDATE teammates SET last_assigned_at = $2, assigned_seq ="
      " (SELECT MAX(assigned_seq) FROM teammates WHERE workspace_id = $3) + 1 WHERE id = $1",
      pick, now, workspace_id);
  return pick;
}

}  // namespace switchboard::store
