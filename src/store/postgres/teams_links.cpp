// PostgreSQL: teams_links (repositories.hpp; the SQLite twin is src/store/teams.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* thread_select =
    "SELECT id, workspace_id, conversation_id, channel_link_id, service_url, channel_id, tenant_id,"
    " thread_id, status FROM teams_threads ";

std::optional<teams::thread> thread_row(const pg::query_result& r) {
  if (r.empty()) return std::nullopt;
  return teams::thread{r.integer(0, 0), r.integer(0, 1),  r.integer(0, 2),
                       r.integer(0, 3), r.text(0, 4),     r.text(0, 5),
                       r.text(0, 6),    r.opt_text(0, 7), r.text(0, 8)};
}

}  // namespace

std::optional<teammate> pg_teams_link_repository::teammate_by_user(
    const std::string& aad_object_id) {
  auto r = db_.run("SELECT workspace_id, teammate_id FROM teams_users WHERE aad_object_id = $1",
                   aad_object_id);
  if (r.empty()) return std::nullopt;
  return pg_teammate_repository(db_).find(r.integer(0, 0), r.integer(0, 1));
}

std::optional<std::string> pg_teams_link_repository::user_of(id_t workspace_id, id_t teammate_id) {
  return db_
      .run("SELECT aad_object_id FROM teams_users WHERE workspace_id = $1 AND teammate_id = $2",
           workspace_id, teammate_id)
      .opt_text_or_none();
}

void pg_teams_link_repository::set_user(id_t workspace_id, id_t teammate_id,
                                        const std::optional<std::string>& aad_object_id,
                                        const std::string& now) {
  db_.run("DELETE FROM teams_users WHERE workspace_id = $1 AND teammate_id = $2", workspace_id,
          teammate_id);
  if (!aad_object_id) return;
  // A unique violation here is another teammate's id: the store reports CONFLICT.
  db_.run(
      "INSERT INTO teams_users(workspace_id, teammate_id, aad_object_id, updated_at)"
      " VALUES ($1, $2, $3, $4)",
      workspace_id, teammate_id, *aad_object_id, now);
}

id_t pg_teams_link_repository::link_channel(const teams::channel_link& l, const std::string& now) {
  // Inserted or updated, the row comes back: its id either way.
  return db_
      .run(
          "INSERT INTO teams_channels(workspace_id, owner_kind, owner_id, service_url,"
          " channel_id, team_id, tenant_id, linked_by, created_at, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
          " ON CONFLICT (workspace_id, owner_kind, owner_id) DO UPDATE SET"
          " service_url = excluded.service_url, channel_id = excluded.channel_id,"
          " team_id = excluded.team_id, tenant_id = excluded.tenant_id,"
          " linked_by = excluded.linked_by, updated_at = excluded.updated_at RETURNING id",
          l.workspace_id, l.owner_kind, l.owner_id, l.service_url, l.channel_id, l.team_id,
          l.tenant_id, l.linked_by, now)
      .integer(0, 0);
}

std::optional<teams::channel_link> pg_teams_link_repository::channel_of(
    id_t workspace_id, const std::string& owner_kind, id_t owner_id) {
  auto r = db_.run(
      "SELECT id, service_url, channel_id, team_id, tenant_id, linked_by FROM teams_channels"
      " WHERE workspace_id = $1 AND owner_kind = $2 AND owner_id = $3",
      workspace_id, owner_kind, owner_id);
  if (r.empty()) return std::nullopt;
  return teams::channel_link{r.integer(0, 0), workspace_id, owner_kind,
                             owner_id,        r.text(0, 1), r.text(0, 2),
                             r.text(0, 3),    r.text(0, 4), r.opt_integer(0, 5)};
}

// SQLite memoizes this per connection; one indexed probe here (several instances
// share the table, so a cache would need invalidating across them).
bool pg_teams_link_repository::any_channel_linked(id_t workspace_id) {
  return !db_.run("SELECT 1 FROM teams_channels WHERE workspace_id = $1 LIMIT 1", workspace_id)
              .empty();
}

std::optional<teams::thread> pg_teams_link_repository::thread_of_conversation(
    id_t workspace_id, id_t conversation_id) {
  return thread_row(
      db_.run(std::string(thread_select) + "WHERE workspace_id = $1 AND conversation_id = $2",
              workspace_id, conversation_id));
}

std::optional<teams::thread> pg_teams_link_repository::find_thread(id_t workspace_id, id_t id) {
  return thread_row(db_.run(std::string(thread_select) + "WHERE workspace_id = $1 AND id = $2",
                            workspace_id, id));
}

std::optional<teams::thread> pg_teams_link_repository::thread_by_teams_id(
    const std::string& thread_id) {
  return thread_row(db_.run(std::string(thread_select) + "WHERE thread_id = $1", thread_id));
}

id_t pg_teams_link_repository::insert_thread(const teams::thread& t, const std::string& now) {
  return db_
      .run(
          "INSERT INTO teams_threads(workspace_id, conversation_id, channel_link_id, service_url,"
          " channel_id, tenant_id, status, created_at, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) RETURNING id",
          t.workspace_id, t.conversation_id, t.channel_link_id, t.service_url, t.channel_id,
          t.tenant_id, now)
      .integer(0, 0);
}

void pg_teams_link_repository::thread_created(id_t id, const std::string& thread_id,
                                              const std::string& now) {
  db_.run(
      "UPDATE teams_threads SET thread_id = $2, status = 'created', updated_at = $3 WHERE id = $1",
      id, thread_id, now);
}

void pg_teams_link_repository::thread_failed(id_t id, const std::string& now) {
  db_.run("UPDATE teams_threads SET status = 'failed', updated_at = $2 WHERE id = $1", id, now);
}

void pg_teams_link_repository::thread_retry(id_t id, const std::string& now) {
  db_.run("UPDATE teams_threads SET status = 'pending', updated_at = $2 WHERE id = $1", id, now);
}

std::optional<id_t> pg_teams_link_repository::workspace_for_tenant(const std::string& tenant_id) {
  // The tenant's linked workspace (the oldest link, as SQLite's scan finds it), else
  // the first workspace; nullopt only without any workspace.
  return db_
      .run(
          "SELECT COALESCE((SELECT workspace_id FROM teams_channels"
          "  WHERE tenant_id = $1 AND tenant_id != '' ORDER BY id LIMIT 1),"
          " (SELECT MIN(id) FROM workspaces))",
          tenant_id)
      .opt_integer_or_none();
}

std::optional<std::string> pg_teams_link_repository::line_of_conversation(id_t workspace_id,
                                                                          id_t conversation_id) {
  return db_
      .run(
          "SELECT n.number FROM conversations c JOIN numbers n ON n.id = c.number_id"
          " WHERE c.workspace_id = $1 AND c.id = $2",
          workspace_id, conversation_id)
      .opt_text_or_none();
}

}  // namespace switchboard::store
