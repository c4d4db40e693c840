// PostgreSQL: outbox (repositories.hpp; the SQLite twin is src/store/outbox.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

// The kinds that have a sender (the kind names the channel): rows of the others
// (chat, email) are never due. Kept equal to SQLite's outbox::due.
constexpr const char* due_where =
    " WHERE status = 'pending' AND kind IN ('message.send.sms', 'sms.relay', 'call.create',"
    " 'teams.create_thread', 'teams.reply', 'media.fetch')"
    " AND next_attempt_at <= $1";

std::vector<outbox::due_row> due_rows(const pg::query_result& r) {
  std::vector<outbox::due_row> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.text(i, 3),
                   static_cast<int>(r.integer(i, 4)), r.opt_integer(i, 5)});
  return out;
}

}  // namespace

id_t pg_outbox_repository::enqueue(id_t workspace_id, const std::string& kind,
                                   const nlohmann::json& payload, const std::string& now) {
  // The conversation it came from, when the payload names one: an erased contact's
  // rows go with their conversations.
  std::optional<id_t> conversation_id;
  if (payload.is_object())
    if (auto it = payload.find("conversation_id"); it != payload.end() && it->is_number_integer())
      conversation_id = it->get<id_t>();
  return db_
      .run(
          "INSERT INTO outbox(workspace_id, kind, payload, next_attempt_at, created_at, updated_at,"
          " conversation_id) VALUES ($1, $2, $3, $4, $4, $4, $5) RETURNING id",
          workspace_id, kind, payload.dump(), now, conversation_id)
      .integer(0, 0);
}

std::vector<outbox::due_row> pg_outbox_repository::due(const std::string& now, int limit) {
  return due_rows(db_.run(
      std::string("SELECT id, workspace_id, kind, payload, attempts, conversation_id FROM outbox") +
          due_where + " ORDER BY next_attempt_at, id LIMIT $2",
      now, limit));
}

std::vector<outbox::due_row> pg_outbox_repository::claim_due(const std::string& now,
                                                             const std::string& lease_until,
                                                             int limit) {
  // FOR UPDATE SKIP LOCKED: a row another claimer has locked (its transaction is
  // leasing it) is passed over, not waited for; a row whose lease committed after
  // this statement's snapshot is rechecked on its new version when locked, and is
  // no longer due. So concurrent claimers never return the same row, and a leased
  // row comes back only once `lease_until` has passed. Oldest first, as due().
  return due_rows(db_.run(
      std::string("WITH picked AS (SELECT id, next_attempt_at AS was FROM outbox") + due_where +
          " ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),"
          " leased AS (UPDATE outbox o SET next_attempt_at = $2, updated_at = $1 FROM picked"
          "  WHERE o.id = picked.id"
          "  RETURNING o.id, o.workspace_id, o.kind, o.payload, o.attempts, o.conversation_id,"
          "  picked.was)"
          " SELECT id, workspace_id, kind, payload, attempts, conversation_id FROM leased"
          " ORDER BY was, id",
      now, lease_until, limit));
}

void pg_outbox_repository::lease(id_t id, const std::string& until, const std::string& now) {
  db_.run("UPDATE outbox SET next_attempt_at = $2, updated_at = $3 WHERE id = $1", id, until, now);
}

void pg_outbox_repository::settle(id_t id, const std::string& status,
                                  const std::optional<std::string>& error,
                                  const std::string& next_attempt_at, const std::string& now,
                                  bool count_attempt) {
  db_.run(
      "UPDATE outbox SET status = $2, attempts = attempts + $6, last_error = $3,"
      " next_attempt_at = $4, updated_at = $5 WHERE id = $1",
      id, status, error, next_attempt_at, now, count_attempt);
}

int pg_outbox_repository::attempts(id_t id) {
  return static_cast<int>(
      db_.run("SELECT attempts FROM outbox WHERE id = $1", id).opt_integer_or_none().value_or(0));
}

std::optional<outbox::sms_send_facts> pg_outbox_repository::sms_send(id_t message_id) {
  auto r = db_.run(
      "SELECT m.workspace_id, m.body, c.number_id,"
      // An E.164 phone only: a short code or sender id is kept as an opaque sender.
      " (SELECT value FROM contact_identities i"
      "  WHERE i.contact_id = c.contact_id AND i.kind = 'phone' AND i.value LIKE '+%'"
      "  ORDER BY i.id LIMIT 1)"
      " FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = $1",
      message_id);
  if (r.empty()) return std::nullopt;
  return outbox::sms_send_facts{r.integer(0, 0), r.text(0, 1), r.opt_integer(0, 2),
                                r.opt_text(0, 3)};
}

int pg_outbox_repository::fail_channels_without_sender(const std::string& why,
                                                       const std::string& now) {
  const std::string stale =
      "status = 'pending' AND kind LIKE 'message.send.%' AND kind != 'message.send.sms'";
  // SQLite compares json_extract's value with the id; a message_id that is no
  // integer (never written so) matches nothing here either instead of failing the cast.
  db_.run(
      "UPDATE messages SET status = 'failed', error = $1 WHERE status = 'queued' AND id IN"
      " (SELECT (payload::jsonb ->> 'message_id')::bigint FROM outbox WHERE " +
          stale + " AND payload::jsonb ->> 'message_id' ~ '^-?[0-9]{1,18}$')",
      why);
  return static_cast<int>(
      db_.run(
             "UPDATE outbox SET status = 'failed', last_error = $1, updated_at = $2 WHERE " + stale,
             why, now)
          .affected());
}

}  // namespace switchboard::store
