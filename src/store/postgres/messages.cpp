// PostgreSQL: messages (repositories.hpp; the SQLite twin is src/store/conversations.cpp,
// the functions on messages). A conversation's thread is read through the index
// messages_thread (workspace, conversation, id): SQLite's message_threads table and
// its merge are not needed here.
#include <string>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

// The usual empty media list and metadata without serializing them (as on SQLite).
std::string json_text(const nlohmann::json& j) {
  if (j.is_array() && j.empty()) return "[]";
  if (j.is_object() && j.empty()) return "{}";
  return j.dump();
}

constexpr const char* msg_select =
    "SELECT m.id, m.workspace_id, m.conversation_id, m.direction, m.sender_kind, m.sender_id,"
    " CASE m.sender_kind WHEN 'teammate' THEN (SELECT name FROM teammates WHERE id = m.sender_id)"
    "  WHEN 'contact' THEN (SELECT name FROM contacts WHERE id = m.sender_id) END,"
    " m.private, m.channel, m.body, m.status, m.error, m.external_id, m.kind, m.media, m.metadata,"
    " m.created_at FROM messages m";

message msg_row(const pg::query_result& r, int i) {
  message m;
  m.id = r.integer(i, 0);
  m.workspace_id = r.integer(i, 1);
  m.conversation_id = r.integer(i, 2);
  m.direction = r.text(i, 3);
  m.sender_kind = r.text(i, 4);
  m.sender_id = r.opt_integer(i, 5);
  m.sender_name = r.text(i, 6);  // "" when NULL, as on SQLite
  m.is_private = r.integer(i, 7) != 0;
  m.channel = r.text(i, 8);
  m.body = r.text(i, 9);
  m.status = r.text(i, 10);
  m.error = r.opt_text(i, 11);
  m.external_id = r.opt_text(i, 12);
  m.kind = r.text(i, 13);
  m.media = nlohmann::json::parse(r.text(i, 14), nullptr, false);
  m.metadata = nlohmann::json::parse(r.text(i, 15), nullptr, false);
  m.created_at = r.text(i, 16);
  return m;
}

std::optional<message> first_message(const pg::query_result& r) {
  if (r.empty()) return std::nullopt;
  return msg_row(r, 0);
}

// The message and its conversation's counters in one statement. The conversation
// is changed only when the message was inserted (with `once`, a carrier's retry
// inserts nothing and changes nothing). A customer's message also reopens a
// resolved or snoozed conversation when may_reopen. The row lock the UPDATE takes
// serializes concurrent inserts into one conversation, so unread_count counts each.
//   $1 workspace  $2 conversation  $3 direction  $4 sender_kind  $5 sender_id
//   $6 private  $7 channel  $8 body  $9 status  $10 error  $11 external_id  $12 kind
//   $13 media  $14 metadata  $15 created_at  $16 from contact  $17 public reply
//   $18 reopen
std::string add_message_sql(bool once) {
  std::string sql =
      "WITH ins AS (INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind,"
      " sender_id, private, channel, body, status, error, external_id, kind, media, metadata, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
  // The unique index's own terms, partial clause included: Atomic, as ON CONFLICT
  // waits for a concurrent insert of the same key and then does nothing.
  if (once) sql += " ON CONFLICT (workspace_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING";
  sql +=
      " RETURNING id),"
      " upd AS (UPDATE conversations SET last_message_at = $15, updated_at = $15,"
      "  unread_count = unread_count + $16::int,"
      "  preview_id = CASE WHEN $6::int <> 0 THEN preview_id ELSE (SELECT id FROM ins) END,"
      "  channel = CASE WHEN $16::int = 1 THEN $7 ELSE channel END,"
      "  first_response_at = CASE WHEN $17::int = 1 AND first_response_at IS NULL THEN $15"
      "   ELSE first_response_at END,"
      "  status = CASE WHEN $18::int = 1 AND status IN ('resolved', 'snoozed') THEN 'open' ELSE status END,"
      "  snoozed_until = CASE WHEN $18::int = 1 AND status IN ('resolved', 'snoozed') THEN NULL"
      "   ELSE snoozed_until END"
      "  WHERE workspace_id = $1 AND id = $2 AND EXISTS (SELECT 1 FROM ins))"
      " SELECT id FROM ins";
  return sql;
}

std::optional<id_t> add_message(pg::connection& db, const message& m, bool may_reopen, bool once) {
  static const std::string plain = add_message_sql(false), idempotent = add_message_sql(true);
  const bool from_contact = m.sender_kind == "contact";
  const bool public_reply = m.sender_kind == "teammate" && !m.is_private;
  auto r = db.run(once ? idempotent : plain, m.workspace_id, m.conversation_id, m.direction,
                  m.sender_kind, m.sender_id, m.is_private, m.channel, m.body, m.status, m.error,
                  m.external_id, m.kind, json_text(m.media), json_text(m.metadata), m.created_at,
                  from_contact, public_reply, from_contact && may_reopen);
  if (r.empty()) return std::nullopt;
  return r.integer(0, 0);
}

}  // namespace

std::optional<message> pg_message_repository::find(id_t workspace_id, id_t id) {
  return first_message(
      db_.run(std::string(msg_select) + " WHERE m.workspace_id = $1 AND m.id = $2", workspace_id, id));
}

std::vector<message> pg_message_repository::thread(id_t workspace_id, id_t conversation_id,
                                                   std::optional<id_t> after, int limit,
                                                   bool include_private) {
  auto r = db_.run(std::string(msg_select) +
                       " WHERE m.workspace_id = $1 AND m.conversation_id = $2"
                       " AND m.id > coalesce($3::bigint, 0) AND ($5::int = 1 OR m.private = 0)"
                       " ORDER BY m.id LIMIT $4",
                   workspace_id, conversation_id, after, static_cast<std::int64_t>(limit),
                   include_private);
  std::vector<message> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(msg_row(r, i));
  return out;
}

std::optional<message> pg_message_repository::find_by_external(id_t workspace_id,
                                                               const std::string& channel,
                                                               const std::string& external_id) {
  return first_message(db_.run(std::string(msg_select) +
                                   " WHERE m.workspace_id = $1 AND m.channel = $2 AND m.external_id = $3",
                               workspace_id, channel, external_id));
}

std::optional<message> pg_message_repository::find_by_external_any(const std::string& channel,
                                                                   const std::string& external_id) {
  // messages_external_any: without a workspace, messages_external (workspace first)
  // would be read whole.
  return first_message(db_.run(std::string(msg_select) +
                                   " WHERE m.external_id = $2 AND m.channel = $1 ORDER BY m.id LIMIT 1",
                               channel, external_id));
}

std::optional<conversations::sms_ref> pg_message_repository::find_sms_by_external_id(
    const std::string& sid) {
  auto r = db_.run(
      "SELECT workspace_id, id, status FROM messages WHERE external_id = $1 AND channel = 'sms'"
      " ORDER BY id LIMIT 1",
      sid);
  if (r.empty()) return std::nullopt;
  return conversations::sms_ref{r.integer(0, 0), r.integer(0, 1), r.text(0, 2)};
}

id_t pg_message_repository::insert(const message& m, bool may_reopen) {
  return *add_message(db_, m, may_reopen, false);
}

std::optional<id_t> pg_message_repository::insert_once(const message& m, bool may_reopen) {
  return add_message(db_, m, may_reopen, true);
}

void pg_message_repository::update_item(id_t workspace_id, id_t id, const std::string& body,
                                        const std::string& status, const nlohmann::json& metadata) {
  // search_vector is generated from body: the search follows the edit.
  db_.run("UPDATE messages SET body = $3, status = $4, metadata = $5 WHERE workspace_id = $1 AND id = $2",
          workspace_id, id, body, status, metadata.dump());
}

void pg_message_repository::set_status(id_t message_id, const std::string& status,
                                       const std::optional<std::string>& error,
                                       const std::optional<std::string>& external_id) {
  db_.run(
      "UPDATE messages SET status = $2, error = COALESCE($3, error),"
      " external_id = COALESCE($4, external_id) WHERE id = $1",
      message_id, status, error, external_id);
}

bool pg_message_repository::requeue(id_t workspace_id, id_t message_id) {
  // metadata.retries + 1 (json_set on SQLite); metadata that is not an object is kept.
  return db_.run(
                "UPDATE messages SET status = 'queued', error = NULL, external_id = NULL,"
                " metadata = CASE WHEN jsonb_typeof(metadata::jsonb) = 'object' THEN"
                "  jsonb_set(metadata::jsonb, '{retries}',"
                "   to_jsonb(COALESCE((metadata::jsonb ->> 'retries')::numeric, 0) + 1))::text"
                "  ELSE metadata END"
                " WHERE workspace_id = $1 AND id = $2",
                workspace_id, message_id)
             .affected() > 0;
}

void pg_message_repository::set_call_sid(id_t message_id, const std::string& sid) {
  db_.run(
      "UPDATE messages SET status = 'sent', external_id = $2,"
      " metadata = CASE WHEN jsonb_typeof(metadata::jsonb) = 'object' THEN"
      "  jsonb_set(metadata::jsonb, '{call_sid}', to_jsonb($2::text))::text ELSE metadata END"
      " WHERE id = $1",
      message_id, sid);
}

void pg_message_repository::set_external_id(id_t workspace_id, id_t message_id,
                                            const std::string& external_id) {
  db_.run("UPDATE messages SET external_id = $3 WHERE workspace_id = $1 AND id = $2", workspace_id,
          message_id, external_id);
}

}  // namespace switchboard::store
