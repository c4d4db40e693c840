#include "switchboard/store/outbox.hpp"

namespace switchboard::store::outbox {

std::vector<due_row> due(database& db, const std::string& now, int limit) {
  auto& q = db.prepare(
      // The kind names the channel, so rows of channels without a sender yet
      // (chat, email) are never scanned: outbox_due covers this query.
      "SELECT id, workspace_id, kind, payload, attempts, conversation_id FROM outbox"
      " WHERE status = 'pending' AND kind IN ('message.send.sms', 'sms.relay', 'call.create',"
      " 'teams.create_thread', 'teams.reply', 'media.fetch')"
      " AND next_attempt_at <= ?1"
      " ORDER BY next_attempt_at, id LIMIT ?2");
  q.bind_all(now, static_cast<std::int64_t>(limit));
  std::vector<due_row> out;
  while (q.step())
    out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                   static_cast<int>(q.column_int(4)), q.column_opt_int(5)});
  q.reset();
  return out;
}

void settle(database& db, id_t id, const std::string& status, const std::optional<std::string>& error,
            const std::string& next_attempt_at, const std::string& now, bool count_attempt) {
  db.prepare("UPDATE outbox SET status = ?2, attempts = attempts + ?6, last_error = ?3,"
             " next_attempt_at = ?4, updated_at = ?5 WHERE id = ?1")
      .bind_all(id, status, error, next_attempt_at, now, static_cast<std::int64_t>(count_attempt ? 1 : 0))
      .run();
}

void lease(database& db, id_t id, const std::string& until, const std::string& now) {
  db.prepare("UPDATE outbox SET next_attempt_at = ?2, updated_at = ?3 WHERE id = ?1").bind_all(id, until, now).run();
}

int attempts(database& db, id_t id) {
  auto& q = db.prepare("SELECT attempts FROM outbox WHERE id = ?1");
  q.bind(1, id);
  int n = q.step() ? static_cast<int>(q.column_int(0)) : 0;
  q.reset();
  return n;
}

std::optional<sms_send_facts> sms_send(database& db, id_t message_id) {
  auto& q = db.prepare(
      "SELECT m.workspace_id, m.body, c.number_id,"
      // An E.164 phone only: a short code or sender id is kept as an opaque sender.
      " (SELECT value FROM contact_identities i WHERE i.contact_id = c.contact_id AND i.kind = 'phone'"
      "  AND i.value LIKE '+%' ORDER BY i.id LIMIT 1)"
      " FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1");
  q.bind(1, message_id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  sms_send_facts f{q.column_int(0), q.column_text(1), q.column_opt_int(2), q.column_opt_text(3)};
  q.reset();
  return f;
}

int fail_channels_without_sender(database& db, const std::string& why, const std::string& now) {
  const std::string stale = "status = 'pending' AND kind LIKE 'message.send.%' AND kind != 'message.send.sms'";
  db.prepare("UPDATE messages SET status = 'failed', error = ?1 WHERE status = 'queued' AND id IN"
             " (SELECT json_extract(payload, '$.message_id') FROM outbox WHERE " + stale + ")")
      .bind(1, why)
      .run();
  db.prepare("UPDATE outbox SET status = 'failed', last_error = ?1, updated_at = ?2 WHERE " + stale)
      .bind_all(why, now)
      .run();
  return db.changes();
}

}  // namespace switchboard::store::outbox
