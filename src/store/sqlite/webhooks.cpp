// SQLite: outbound webhooks' endpoints and delivery log (repositories.hpp,
// migrations/0023_webhooks.sql; the PostgreSQL twin is src/store/postgres/webhooks.cpp).

#include "switchboard/store/sqlite_unit_of_work.hpp"

#include "../webhook_rows.hpp"

namespace switchboard::store {

namespace {

using webhook_rows::delivery_columns;
using webhook_rows::endpoint_columns;
using webhook_rows::events_of;
using webhook_rows::events_text;


webhooks::endpoint endpoint_row(statement& q) {
  webhooks::endpoint e;
  e.id = q.column_int(0);
  e.workspace_id = q.column_int(1);
  e.url = q.column_text(2);
  e.description = q.column_text(3);
  e.events = events_of(q.column_text(4));
  e.secret = q.column_text(5);
  e.previous_secret = q.column_opt_text(6);
  e.previous_secret_expires_at = q.column_opt_text(7);
  e.enabled = q.column_int(8) != 0;
  e.disabled_reason = q.column_opt_text(9);
  e.failing_since = q.column_opt_text(10);
  e.created_at = q.column_text(11);
  e.updated_at = q.column_text(12);
  return e;
}

std::vector<webhooks::endpoint> endpoints_of(statement& q) {
  std::vector<webhooks::endpoint> out;
  while (q.step()) out.push_back(endpoint_row(q));
  q.reset();
  return out;
}

webhooks::delivery delivery_row(statement& q) {
  webhooks::delivery d;
  d.id = q.column_int(0);
  d.workspace_id = q.column_int(1);
  d.endpoint_id = q.column_int(2);
  d.message_id = q.column_text(3);
  d.event_type = q.column_text(4);
  d.payload = q.column_text(5);
  d.status = q.column_text(6);
  d.attempts = static_cast<int>(q.column_int(7));
  d.response_status = q.column_opt_int(8);
  d.latency_ms = q.column_opt_int(9);
  d.response_excerpt = q.column_opt_text(10);
  d.last_error = q.column_opt_text(11);
  d.contact_id = q.column_opt_int(12);
  d.created_at = q.column_text(13);
  d.updated_at = q.column_text(14);
  d.last_attempt_at = q.column_opt_text(15);
  d.next_attempt_at = q.column_opt_text(16);
  return d;
}

}  // namespace

std::vector<webhooks::endpoint> sqlite_webhook_repository::endpoints(id_t workspace_id) {
  auto& q = db_.prepare(std::string("SELECT ") + endpoint_columns +
                        " FROM webhook_endpoints WHERE workspace_id = ?1 ORDER BY id");
  q.bind(1, workspace_id);
  return endpoints_of(q);
}

std::vector<webhooks::endpoint> sqlite_webhook_repository::enabled_endpoints(id_t workspace_id) {
  auto& q = db_.prepare(std::string("SELECT ") + endpoint_columns +
                        " FROM webhook_endpoints WHERE workspace_id = ?1 AND enabled = 1 ORDER BY id");
  q.bind(1, workspace_id);
  return endpoints_of(q);
}

std::optional<webhooks::endpoint> sqlite_webhook_repository::find_endpoint(id_t workspace_id, id_t id) {
  auto& q = db_.prepare(std::string("SELECT ") + endpoint_columns +
                        " FROM webhook_endpoints WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  auto rows = endpoints_of(q);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

id_t sqlite_webhook_repository::insert_endpoint(const webhooks::endpoint& e) {
  db_.prepare(
         "INSERT INTO webhook_endpoints(workspace_id, url, description, events, secret, previous_secret,"
         " previous_secret_expires_at, enabled, disabled_reason, failing_since, created_at, updated_at)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
      .bind_all(e.workspace_id, e.url, e.description, events_text(e.events), e.secret, e.previous_secret,
                e.previous_secret_expires_at, static_cast<std::int64_t>(e.enabled ? 1 : 0), e.disabled_reason,
                e.failing_since, e.created_at, e.updated_at)
      .run();
  return db_.last_insert_rowid();
}

bool sqlite_webhook_repository::update_endpoint(const webhooks::endpoint& e) {
  db_.prepare(
         "UPDATE webhook_endpoints SET url = ?3, description = ?4, events = ?5, secret = ?6, previous_secret = ?7,"
         " previous_secret_expires_at = ?8, enabled = ?9, disabled_reason = ?10, failing_since = ?11,"
         " updated_at = ?12 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(e.workspace_id, e.id, e.url, e.description, events_text(e.events), e.secret, e.previous_secret,
                e.previous_secret_expires_at, static_cast<std::int64_t>(e.enabled ? 1 : 0), e.disabled_reason,
                e.failing_since, e.updated_at)
      .run();
  return db_.changes() > 0;
}

bool sqlite_webhook_repository::delete_endpoint(id_t workspace_id, id_t id) {
  db_.prepare("DELETE FROM webhook_endpoints WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  return db_.changes() > 0;
}

id_t sqlite_webhook_repository::insert_delivery(const webhooks::delivery& d) {
  db_.prepare(
         "INSERT INTO webhook_deliveries(workspace_id, endpoint_id, message_id, event_type, payload, status,"
         " attempts, response_status, latency_ms, response_excerpt, last_error, contact_id, created_at, updated_at,"
         " last_attempt_at, next_attempt_at)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
      .bind_all(d.workspace_id, d.endpoint_id, d.message_id, d.event_type, d.payload, d.status,
                static_cast<std::int64_t>(d.attempts), d.response_status, d.latency_ms, d.response_excerpt,
                d.last_error, d.contact_id, d.created_at, d.updated_at, d.last_attempt_at, d.next_attempt_at)
      .run();
  return db_.last_insert_rowid();
}

std::optional<webhooks::delivery> sqlite_webhook_repository::find_delivery(id_t workspace_id, id_t id) {
  auto& q = db_.prepare(std::string("SELECT ") + delivery_columns +
                        " FROM webhook_deliveries WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  std::optional<webhooks::delivery> out;
  if (q.step()) out = delivery_row(q);
  q.reset();
  return out;
}

bool sqlite_webhook_repository::update_delivery(const webhooks::delivery& d) {
  db_.prepare(
         "UPDATE webhook_deliveries SET status = ?3, attempts = ?4, response_status = ?5, latency_ms = ?6,"
         " response_excerpt = ?7, last_error = ?8, updated_at = ?9, last_attempt_at = ?10, next_attempt_at = ?11"
         " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(d.workspace_id, d.id, d.status, static_cast<std::int64_t>(d.attempts), d.response_status,
                d.latency_ms, d.response_excerpt, d.last_error, d.updated_at, d.last_attempt_at, d.next_attempt_at)
      .run();
  return db_.changes() > 0;
}

std::vector<webhooks::delivery> sqlite_webhook_repository::deliveries(id_t workspace_id, id_t endpoint_id,
                                                                      const webhooks::delivery_filter& f) {
  auto& q = db_.prepare(std::string("SELECT ") + delivery_columns +
                        " FROM webhook_deliveries WHERE workspace_id = ?1 AND endpoint_id = ?2"
                        " AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?5");
  q.bind_all(workspace_id, endpoint_id, f.status, f.before, static_cast<std::int64_t>(f.limit));
  std::vector<webhooks::delivery> out;
  while (q.step()) out.push_back(delivery_row(q));
  q.reset();
  return out;
}

std::vector<id_t> sqlite_webhook_repository::failed_since(id_t workspace_id, id_t endpoint_id,
                                                          const std::string& since, int limit) {
  auto& q = db_.prepare(
      "SELECT id FROM webhook_deliveries WHERE workspace_id = ?1 AND endpoint_id = ?2 AND status = 'failed'"
      " AND created_at >= ?3 ORDER BY id LIMIT ?4");
  q.bind_all(workspace_id, endpoint_id, since, static_cast<std::int64_t>(limit));
  std::vector<id_t> out;
  while (q.step()) out.push_back(q.column_int(0));
  q.reset();
  return out;
}

int sqlite_webhook_repository::delete_deliveries_of_contact(id_t workspace_id, id_t contact_id) {
  db_.prepare("DELETE FROM webhook_deliveries WHERE contact_id = ?2 AND workspace_id = ?1")
      .bind_all(workspace_id, contact_id)
      .run();
  return db_.changes();
}

int sqlite_webhook_repository::purge_deliveries(const std::string& before, int limit) {
  db_.prepare(
         "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < ?1"
         " AND status != 'pending' ORDER BY created_at LIMIT ?2)")
      .bind_all(before, static_cast<std::int64_t>(limit))
      .run();
  int purged = db_.changes();
  // Their outbox rows, settled long ago (outbox_due covers status, kind).
  db_.prepare(
         "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status != 'pending'"
         " AND kind = 'webhook.deliver' AND updated_at < ?1 LIMIT ?2)")
      .bind_all(before, static_cast<std::int64_t>(limit))
      .run();
  return purged;
}

void sqlite_webhook_repository::move_contact(id_t workspace_id, id_t from, id_t into) {
  db_.prepare("UPDATE webhook_deliveries SET contact_id = ?3 WHERE contact_id = ?2 AND workspace_id = ?1")
      .bind_all(workspace_id, from, into)
      .run();
}

// One writer: reading the due rows and leasing them in one job is the claim.
std::vector<outbox::due_row> sqlite_webhook_repository::claim_due_deliveries(const std::string& now,
                                                                             const std::string& lease_until,
                                                                             int limit) {
  auto& q = db_.prepare(
      "SELECT id, workspace_id, kind, payload, attempts, conversation_id FROM outbox"
      " WHERE status = 'pending' AND kind = 'webhook.deliver' AND next_attempt_at <= ?1"
      " ORDER BY next_attempt_at, id LIMIT ?2");
  q.bind_all(now, static_cast<std::int64_t>(limit));
  std::vector<outbox::due_row> out;
  while (q.step())
    out.push_back({q.column_int(0), q.column_int(1), q.column_text(2), q.column_text(3),
                   static_cast<int>(q.column_int(4)), q.column_opt_int(5)});
  q.reset();
  for (auto& r : out)
    db_.prepare("UPDATE outbox SET next_attempt_at = ?2, updated_at = ?3 WHERE id = ?1")
        .bind_all(r.id, lease_until, now)
        .run();
  return out;
}

bool sqlite_webhook_repository::record_endpoint_outcome(id_t workspace_id, id_t endpoint_id, bool succeeded,
                                                        bool may_disable, const std::string& now,
                                                        const std::string& disable_cut, const std::string& reason) {
  if (succeeded) {
    db_.prepare(
           "UPDATE webhook_endpoints SET failing_since = NULL, updated_at = ?3"
           " WHERE workspace_id = ?1 AND id = ?2 AND failing_since IS NOT NULL")
        .bind_all(workspace_id, endpoint_id, now)
        .run();
    return false;
  }
  db_.prepare(
         "UPDATE webhook_endpoints SET failing_since = ?3, updated_at = ?3"
         " WHERE workspace_id = ?1 AND id = ?2 AND failing_since IS NULL")
      .bind_all(workspace_id, endpoint_id, now)
      .run();
  if (!may_disable) return false;
  db_.prepare(
         "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?4, updated_at = ?5"
         " WHERE workspace_id = ?1 AND id = ?2 AND enabled = 1 AND failing_since <= ?3")
      .bind_all(workspace_id, endpoint_id, disable_cut, reason, now)
      .run();
  return db_.changes() > 0;
}

}  // namespace switchboard::store
