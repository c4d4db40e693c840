#include "switchboard/store/teams.hpp"

#include "switchboard/store/store.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::store::teams {

std::optional<teammate> teammate_by_user(database& db, const std::string& aad_object_id) {
  auto& q =
      db.prepare("SELECT workspace_id, teammate_id FROM teams_users WHERE aad_object_id = ?1");
  q.bind(1, aad_object_id);
  if (!q.step()) return std::nullopt;
  auto ws = q.column_int(0);
  auto id = q.column_int(1);
  q.reset();
  return teammates::find(db, ws, id);
}

std::optional<std::string> user_of(database& db, id_t workspace_id, id_t teammate_id) {
  auto& q = db.prepare(
      "SELECT aad_object_id FROM teams_users WHERE workspace_id = ?1 AND teammate_id = ?2");
  q.bind_all(workspace_id, teammate_id);
  if (!q.step()) return std::nullopt;
  auto out = q.column_text(0);
  q.reset();
  return out;
}

void set_user(database& db, id_t workspace_id, id_t teammate_id,
              const std::optional<std::string>& aad_object_id, const std::string& now) {
  db.prepare("DELETE FROM teams_users WHERE workspace_id = ?1 AND teammate_id = ?2")
      .bind_all(workspace_id, teammate_id)
      .run();
  if (!aad_object_id) return;
  // A unique violation here is another teammate's id: the store reports CONFLICT.
  db.prepare(
        "INSERT INTO teams_users(workspace_id, teammate_id, aad_object_id, updated_at) VALUES (?1, "
        "?2, ?3, ?4)")
      .bind_all(workspace_id, teammate_id, *aad_object_id, now)
      .run();
}

id_t link_channel(database& db, const channel_link& l, const std::string& now) {
  db.prepare(
        "INSERT INTO teams_channels(workspace_id, owner_kind, owner_id, service_url, channel_id, "
        "team_id, tenant_id,"
        " linked_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)"
        " ON CONFLICT (workspace_id, owner_kind, owner_id) DO UPDATE SET service_url = "
        "excluded.service_url,"
        " channel_id = excluded.channel_id, team_id = excluded.team_id, tenant_id = "
        "excluded.tenant_id,"
        " linked_by = excluded.linked_by, updated_at = excluded.updated_at")
      .bind_all(l.workspace_id, l.owner_kind, l.owner_id, l.service_url, l.channel_id, l.team_id,
                l.tenant_id, l.linked_by, now)
      .run();
  auto link = channel_of(db, l.workspace_id, l.owner_kind, l.owner_id);
  return link ? link->id : 0;
}

namespace {
struct linked_workspaces : bounded_memo<id_t, bool> {};
}  // namespace

bool any_channel_linked(database& db, id_t workspace_id) {
  if (auto* memo = db.memo<linked_workspaces>())
    if (auto* known = memo->find(workspace_id)) return *known;
  auto& q = db.prepare("SELECT 1 FROM teams_channels WHERE workspace_id = ?1 LIMIT 1");
  q.bind(1, workspace_id);
  bool any = q.step();
  q.reset();
  if (auto* memo = db.memo<linked_workspaces>()) memo->remember(workspace_id, any);
  return any;
}

std::optional<channel_link> channel_of(database& db, id_t workspace_id,
                                       const std::string& owner_kind, id_t owner_id) {
  auto& q = db.prepare(
      "SELECT id, service_url, channel_id, team_id, tenant_id, linked_by FROM teams_channels"
      " WHERE workspace_id = ?1 AND owner_kind = ?2 AND owner_id = ?3");
  q.bind_all(workspace_id, owner_kind, owner_id);
  if (!q.step()) return std::nullopt;
  channel_link l{q.column_int(0),  workspace_id,     owner_kind,
                 owner_id,         q.column_text(1), q.column_text(2),
                 q.column_text(3), q.column_text(4), q.column_opt_int(5)};
  q.reset();
  return l;
}

namespace {
constexpr const char* thread_columns =
    "SELECT id, workspace_id, conversation_id, channel_link_id, service_url, channel_id, "
    "tenant_id, thread_id, status"
    " FROM teams_threads ";

std::optional<thread> read_thread(statement& q) {
  if (!q.step()) return std::nullopt;
  thread t{q.column_int(0),  q.column_int(1),      q.column_int(2),
           q.column_int(3),  q.column_text(4),     q.column_text(5),
           q.column_text(6), q.column_opt_text(7), q.column_text(8)};
  q.reset();
  return t;
}
}  // namespace

std::optional<thread> thread_of_conversation(database& db, id_t workspace_id,
                                             id_t conversation_id) {
  auto& q =
      db.prepare(std::string(thread_columns) + "WHERE workspace_id = ?1 AND conversation_id = ?2");
  q.bind_all(workspace_id, conversation_id);
  return read_thread(q);
}

std::optional<thread> find_thread(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string(thread_columns) + "WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  return read_thread(q);
}

std::optional<thread> thread_by_teams_id(database& db, const std::string& thread_id) {
  auto& q = db.prepare(std::string(thread_columns) + "WHERE thread_id = ?1");
  q.bind(1, thread_id);
  return read_thread(q);
}

id_t insert_thread(database& db, const thread& t, const std::string& now) {
  db.prepare(
        "INSERT INTO teams_threads(workspace_id, conversation_id, channel_link_id, service_url, "
        "channel_id, tenant_id,"
        " status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)")
      .bind_all(t.workspace_id, t.conversation_id, t.channel_link_id, t.service_url, t.channel_id,
                t.tenant_id, now)
      .run();
  return db.last_insert_rowid();
}

void thread_created(database& db, id_t id, const std::string& thread_id, const std::string& now) {
  db.prepare(
        "UPDATE teams_threads SET thread_id = ?2, status = 'created', updated_at = ?3 WHERE id = "
        "?1")
      .bind_all(id, thread_id, now)
      .run();
}

void thread_failed(database& db, id_t id, const std::string& now) {
  db.prepare("UPDATE teams_threads SET status = 'failed', updated_at = ?2 WHERE id = ?1")
      .bind_all(id, now)
      .run();
}

void thread_retry(database& db, id_t id, const std::string& now) {
  db.prepare("UPDATE teams_threads SET status = 'pending', updated_at = ?2 WHERE id = ?1")
      .bind_all(id, now)
      .run();
}

std::optional<id_t> workspace_for_tenant(database& db, const std::string& tenant_id) {
  auto& q = db.prepare(
      "SELECT workspace_id FROM teams_channels WHERE tenant_id = ?1 AND tenant_id != ''"
      " UNION ALL SELECT MIN(id) FROM workspaces LIMIT 1");
  q.bind(1, tenant_id);
  if (!q.step()) return std::nullopt;
  auto ws = q.column_opt_int(0);
  q.reset();
  return ws;
}

std::optional<std::string> line_of_conversation(database& db, id_t workspace_id,
                                                id_t conversation_id) {
  auto& q = db.prepare(
      "SELECT n.number FROM conversations c JOIN numbers n ON n.id = c.number_id"
      " WHERE c.workspace_id = ?1 AND c.id = ?2");
  q.bind_all(workspace_id, conversation_id);
  if (!q.step()) return std::nullopt;
  auto out = q.column_text(0);
  q.reset();
  return out;
}

}  // namespace switchboard::store::teams
