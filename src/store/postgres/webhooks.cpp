// PostgreSQL: outbound webhooks' endpoints and delivery log (repositories.hpp,
// migrations/postgres/0006_webhooks.sql; the SQLite twin is src/store/sqlite/webhooks.cpp).

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

#include "../webhook_rows.hpp"

namespace switchboard::store {

namespace {

using webhook_rows::delivery_columns;
using webhook_rows::endpoint_columns;
using webhook_rows::events_of;
using webhook_rows::events_text;


std::vector<webhooks::endpoint> endpoints_of(const pg::query_result& r) {
  std::vector<webhooks::endpoint> out;
  for (int i = 0; i < r.rows(); ++i) {
    webhooks::endpoint e;
    e.id = r.integer(i, 0);
    e.workspace_id = r.integer(i, 1);
    e.url = r.text(i, 2);
    e.description = r.text(i, 3);
    e.events = events_of(r.text(i, 4));
    e.secret = r.text(i, 5);
    e.previous_secret = r.opt_text(i, 6);
    e.previous_secret_expires_at = r.opt_text(i, 7);
    e.enabled = r.integer(i, 8) != 0;
    e.disabled_reason = r.opt_text(i, 9);
    e.failing_since = r.opt_text(i, 10);
    e.created_at = r.text(i, 11);
    e.updated_at = r.text(i, 12);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<webhooks::delivery> deliveries_of(const pg::query_result& r) {
  std::vector<webhooks::delivery> out;
  for (int i = 0; i < r.rows(); ++i) {
    webhooks::delivery d;
    d.id = r.integer(i, 0);
    d.workspace_id = r.integer(i, 1);
    d.endpoint_id = r.integer(i, 2);
    d.message_id = r.text(i, 3);
    d.event_type = r.text(i, 4);
    d.payload = r.text(i, 5);
    d.status = r.text(i, 6);
    d.attempts = static_cast<int>(r.integer(i, 7));
    d.response_status = r.opt_integer(i, 8);
    d.latency_ms = r.opt_integer(i, 9);
    d.response_excerpt = r.opt_text(i, 10);
    d.last_error = r.opt_text(i, 11);
    d.contact_id = r.opt_integer(i, 12);
    d.created_at = r.text(i, 13);
    d.updated_at = r.text(i, 14);
    d.last_attempt_at = r.opt_text(i, 15);
    d.next_attempt_at = r.opt_text(i, 16);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<webhooks::endpoint> pg_webhook_repository::endpoints(id_t workspace_id) {
  return endpoints_of(db_.run(std::string("SELECT ") + endpoint_columns +
                                  " FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY id",
                              workspace_id));
}

std::vector<webhooks::endpoint> pg_webhook_repository::enabled_endpoints(id_t workspace_id) {
  return endpoints_of(db_.run(std::string("SELECT ") + endpoint_columns +
                                  " FROM webhook_endpoints WHERE workspace_id = $1 AND enabled = 1 ORDER BY id",
                              workspace_id));
}

std::optional<webhooks::endpoint> pg_webhook_repository::find_endpoint(id_t workspace_id, id_t id) {
  auto rows = endpoints_of(db_.run(std::string("SELECT ") + endpoint_columns +
                                       " FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2",
                                   workspace_id, id));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

id_t pg_webhook_repository::insert_endpoint(const webhooks::endpoint& e) {
  return db_
      .run(
          "INSERT INTO webhook_endpoints(workspace_id, url, description, events, secret, previous_secret,"
          " previous_secret_expires_at, enabled, disabled_reason, failing_since, created_at, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
          e.workspace_id, e.url, e.description, events_text(e.events), e.secret, e.previous_secret,
          e.previous_secret_expires_at, e.enabled, e.disabled_reason, e.failing_since, e.created_at, e.updated_at)
      .integer(0, 0);
}

bool pg_webhook_repository::update_endpoint(const webhooks::endpoint& e) {
  return db_
             .run(
                 "UPDATE webhook_endpoints SET url = $3, description = $4, events = $5, secret = $6,"
                 " previous_secret = $7, previous_secret_expires_at = $8, enabled = $9, disabled_reason = $10,"
                 " failing_since = $11, updated_at = $12 WHERE workspace_id = $1 AND id = $2",
                 e.workspace_id, e.id, e.url, e.description, events_text(e.events), e.secret, e.previous_secret,
                 e.previous_secret_expires_at, e.enabled, e.disabled_reason, e.failing_since, e.updated_at)
             .affected() > 0;
}

bool pg_webhook_repository::delete_endpoint(id_t workspace_id, id_t id) {
  return db_.run("DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2", workspace_id, id).affected() >
         0;
}

id_t pg_webhook_repository::insert_delivery(const webhooks::delivery& d) {
  return db_
      .run(
          "INSERT INTO webhook_deliveries(workspace_id, endpoint_id, message_id, event_type, payload, status,"
          " attempts, response_status, latency_ms, response_excerpt, last_error, contact_id, created_at, updated_at,"
          " last_attempt_at, next_attempt_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
          d.workspace_id, d.endpoint_id, d.message_id, d.event_type, d.payload, d.status, d.attempts,
          d.response_status, d.latency_ms, d.response_excerpt, d.last_error, d.contact_id, d.created_at,
          d.updated_at, d.last_attempt_at, d.next_attempt_at)
      .integer(0, 0);
}

std::optional<webhooks::delivery> pg_webhook_repository::find_delivery(id_t workspace_id, id_t id) {
  auto rows = deliveries_of(db_.run(std::string("SELECT ") + delivery_columns +
                                        " FROM webhook_deliveries WHERE workspace_id = $1 AND id = $2",
                                    workspace_id, id));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool pg_webhook_repository::update_delivery(const webhooks::delivery& d) {
  return db_
             .run(
                 "UPDATE webhook_deliveries SET status = $3, attempts = $4, response_status = $5, latency_ms = $6,"
                 " response_excerpt = $7, last_error = $8, updated_at = $9, last_attempt_at = $10,"
                 " next_attempt_at = $11 WHERE workspace_id = $1 AND id = $2",
                 d.workspace_id, d.id, d.status, d.attempts, d.response_status, d.latency_ms, d.response_excerpt,
                 d.last_error, d.updated_at, d.last_attempt_at, d.next_attempt_at)
             .affected() > 0;
}

std::vector<webhooks::delivery> pg_webhook_repository::deliveries(id_t workspace_id, id_t endpoint_id,
                                                                  const webhooks::delivery_filter& f) {
  return deliveries_of(db_.run(std::string("SELECT ") + delivery_columns +
                                   " FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2"
                                   " AND ($3::text IS NULL OR status = $3::text)"
                                   " AND ($4::bigint IS NULL OR id < $4::bigint) ORDER BY id DESC LIMIT $5",
                               workspace_id, endpoint_id, f.status, f.before, f.limit));
}

std::vector<id_t> pg_webhook_repository::failed_since(id_t workspace_id, id_t endpoint_id,
                                                      const std::string& since, int limit) {
  auto r = db_.run(
      "SELECT id FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2 AND status = 'failed'"
      " AND created_at >= $3 ORDER BY id LIMIT $4",
      workspace_id, endpoint_id, since, limit);
  std::vector<id_t> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

int pg_webhook_repository::delete_deliveries_of_contact(id_t workspace_id, id_t contact_id) {
  return static_cast<int>(
      db_.run("DELETE FROM webhook_deliveries WHERE contact_id = $2 AND workspace_id = $1", workspace_id, contact_id)
          .affected());
}

void pg_webhook_repository::move_contact(id_t workspace_id, id_t from, id_t into) {
  db_.run("UPDATE webhook_deliveries SET contact_id = $3 WHERE contact_id = $2 AND workspace_id = $1", workspace_id,
          from, into);
}

std::vector<outbox::due_row> pg_webhook_repository::claim_due_deliveries(const std::string& now,
                                                                         const std::string& lease_until, int limit) {
  // As pg_outbox_repository::claim_due: SKIP LOCKED, so concurrent claimers never
  // return the same row; oldest first.
  auto r = db_.run(
      "WITH picked AS (SELECT id, next_attempt_at AS was FROM outbox"
      "  WHERE status = 'pending' AND kind = 'webhook.deliver' AND next_attempt_at <= $1"
      "  ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),"
      " leased AS (UPDATE outbox o SET next_attempt_at = $2, updated_at = $1 FROM picked WHERE o.id = picked.id"
      "  RETURNING o.id, o.workspace_id, o.kind, o.payload, o.attempts, o.conversation_id, picked.was)"
      " SELECT id, workspace_id, kind, payload, attempts, conversation_id FROM leased ORDER BY was, id",
      now, lease_until, limit);
  std::vector<outbox::due_row> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.text(i, 3), static_cast<int>(r.integer(i, 4)),
                   r.opt_integer(i, 5)});
  return out;
}

bool pg_webhook_repository::record_endpoint_outcome(id_t workspace_id, id_t endpoint_id, bool succeeded,
                                                    bool may_disable, const std::string& now,
                                                    const std::string& disable_cut, const std::string& reason) {
  if (succeeded) {
    db_.run(
        "UPDATE webhook_endpoints SET failing_since = NULL, updated_at = $3"
        " WHERE workspace_id = $1 AND id = $2 AND failing_since IS NOT NULL",
        workspace_id, endpoint_id, now);
    return false;
  }
  db_.run(
      "UPDATE webhook_endpoints SET failing_since = $3, updated_at = $3"
      " WHERE workspace_id = $1 AND id = $2 AND failing_since IS NULL",
      workspace_id, endpoint_id, now);
  if (!may_disable) return false;
  return db_
             .run(
                 "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = $4, updated_at = $5"
                 " WHERE workspace_id = $1 AND id = $2 AND enabled = 1 AND failing_since <= $3",
                 workspace_id, endpoint_id, disable_cut, reason, now)
             .affected() > 0;
}

int pg_webhook_repository::purge_deliveries(const std::string& before, int limit) {
  db_.run(
      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status <> 'pending'"
      " AND kind = 'webhook.deliver' AND updated_at < $1 LIMIT $2)",
      before, limit);
  return static_cast<int>(db_.run(
                                 "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries"
                                 " WHERE created_at < $1 AND status <> 'pending' ORDER BY created_at LIMIT $2)",
                                 before, limit)
                              .affected());
}

}  // namespace switchboard::store
