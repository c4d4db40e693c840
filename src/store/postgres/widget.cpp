// PostgreSQL: widget (repositories.hpp; the SQLite twin is src/store/widget.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

std::optional<id_t> nonzero(id_t id) { return id ? std::optional<id_t>(id) : std::nullopt; }

void append_origins(const std::string& text, std::vector<std::string>& out) {
  auto a = nlohmann::json::parse(text, nullptr, false);
  if (a.is_array())
    for (auto& o : a)
      if (o.is_string()) out.push_back(o.get<std::string>());
}

}  // namespace

std::optional<widget::settings> pg_widget_repository::get_settings(id_t workspace_id) {
  // The workspace and its saved settings, if any, in one round trip.
  auto r = db_.run(
      "SELECT s.workspace_id, s.allowed_origins, s.color, s.greeting, s.reply_time, s.office_hours,"
      " s.identity_mode, s.identity_secret, s.previous_secret, s.previous_secret_until"
      " FROM workspaces w LEFT JOIN widget_settings s ON s.workspace_id = w.id WHERE w.id = $1",
      workspace_id);
  if (r.empty()) return std::nullopt;
  widget::settings s;
  s.workspace_id = workspace_id;
  if (r.is_null(0, 0)) return s;  // never saved: the defaults
  append_origins(r.text(0, 1), s.allowed_origins);
  s.color = r.text(0, 2);
  s.greeting = r.text(0, 3);
  s.reply_time = r.text(0, 4);
  s.office_hours = r.text(0, 5);
  s.identity_mode = r.text(0, 6);
  s.identity_secret = r.text(0, 7);
  s.previous_secret = r.text(0, 8);
  s.previous_secret_until = r.opt_text(0, 9);
  return s;
}

void pg_widget_repository::save_settings(const widget::settings& s, const std::string& now) {
  db_.run(
      "INSERT INTO widget_settings(workspace_id, allowed_origins, color, greeting, reply_time, office_hours,"
      " identity_mode, identity_secret, previous_secret, previous_secret_until, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      " ON CONFLICT (workspace_id) DO UPDATE SET allowed_origins = EXCLUDED.allowed_origins,"
      " color = EXCLUDED.color, greeting = EXCLUDED.greeting, reply_time = EXCLUDED.reply_time,"
      " office_hours = EXCLUDED.office_hours, identity_mode = EXCLUDED.identity_mode,"
      " identity_secret = EXCLUDED.identity_secret, previous_secret = EXCLUDED.previous_secret,"
      " previous_secret_until = EXCLUDED.previous_secret_until, updated_at = EXCLUDED.updated_at",
      s.workspace_id, nlohmann::json(s.allowed_origins).dump(), s.color, s.greeting, s.reply_time,
      s.office_hours, s.identity_mode, s.identity_secret, s.previous_secret, s.previous_secret_until, now);
}

std::vector<std::string> pg_widget_repository::all_allowed_origins() {
  std::vector<std::string> out;
  auto r = db_.run("SELECT allowed_origins FROM widget_settings ORDER BY workspace_id");
  for (int i = 0; i < r.rows(); ++i) append_origins(r.text(i, 0), out);
  return out;
}

std::vector<id_t> pg_widget_repository::available_teammates(id_t workspace_id) {
  std::vector<id_t> out;
  auto r = db_.run(
      "SELECT id FROM teammates WHERE workspace_id = $1 AND availability = 'available' AND role <> 'viewer'"
      " ORDER BY id",
      workspace_id);
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

id_t pg_widget_repository::insert_session(const widget::session& s, const std::string& token_hash,
                                          const std::optional<std::string>& origin) {
  return db_
      .run(
          "INSERT INTO widget_sessions(workspace_id, contact_id, token_hash, visitor_id, verified, origin,"
          " created_at, expires_at, name, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          s.workspace_id, nonzero(s.contact_id), token_hash, s.visitor_id, s.verified, origin, s.created_at,
          s.expires_at, s.contact_id ? std::nullopt : s.name, s.contact_id ? std::nullopt : s.email)
      .integer(0, 0);
}

std::optional<widget::session> pg_widget_repository::find_session(const std::string& token_hash) {
  auto r = db_.run(
      "SELECT id, workspace_id, COALESCE(contact_id, 0), visitor_id, verified, created_at, expires_at, revoked_at,"
      " name, email FROM widget_sessions WHERE token_hash = $1",
      token_hash);
  if (r.empty()) return std::nullopt;
  widget::session s;
  s.id = r.integer(0, 0);
  s.workspace_id = r.integer(0, 1);
  s.contact_id = r.integer(0, 2);
  s.visitor_id = r.text(0, 3);
  s.verified = r.integer(0, 4) != 0;
  s.created_at = r.text(0, 5);
  s.expires_at = r.text(0, 6);
  s.revoked_at = r.opt_text(0, 7);
  s.name = r.opt_text(0, 8);
  s.email = r.opt_text(0, 9);
  return s;
}

void pg_widget_repository::revoke_session(id_t workspace_id, id_t id, const std::string& now) {
  db_.run("UPDATE widget_sessions SET revoked_at = COALESCE(revoked_at, $3) WHERE workspace_id = $1 AND id = $2",
          workspace_id, id, now);
}

// Housekeeping may run on several instances at once: each batch locks its rows
// with SKIP LOCKED, so two purges take different rows and a row a live request is
// writing (or referencing, which locks it FOR KEY SHARE) is left for a later pass.
int pg_widget_repository::purge_expired_sessions(const std::string& now, int limit) {
  return static_cast<int>(
      db_.run("DELETE FROM widget_sessions WHERE id IN (SELECT id FROM widget_sessions WHERE expires_at < $1"
              " LIMIT $2 FOR UPDATE SKIP LOCKED)",
              now, limit)
          .affected());
}

widget::purge_counts pg_widget_repository::purge_unused_visitors(const std::string& cutoff, const std::string& now,
                                                                 int limit) {
  widget::purge_counts out;
  // FOR UPDATE rechecks `contact_id IS NULL` on a row a first message adopted meanwhile.
  out.sessions = static_cast<int>(
      db_.run("DELETE FROM widget_sessions WHERE id IN (SELECT id FROM widget_sessions"
              " WHERE contact_id IS NULL AND created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
              cutoff, limit)
          .affected());
  out.events = static_cast<int>(
      db_.run("DELETE FROM widget_events WHERE id IN (SELECT id FROM widget_events"
              " WHERE contact_id IS NULL AND created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
              cutoff, limit)
          .affected());
  // Contacts made by a session before contacts waited for a first message (and any
  // left without a conversation): nothing an agent or a customer ever used. A
  // contact a concurrent job is giving a session or a conversation is locked by
  // that row's foreign key check, and skipped. Attributes are the store's JSON;
  // `\u0000` is neutralised as only `source` is read.
  out.contacts = static_cast<int>(
      db_.run("DELETE FROM contacts WHERE id IN (SELECT c.id FROM contacts c"
              " WHERE c.updated_at < $1"
              " AND replace(c.attributes, '\\u0000', '\\u0001')::json ->> 'source' = 'widget'"
              " AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.workspace_id = c.workspace_id"
              "   AND v.contact_id = c.id)"
              " AND NOT EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = c.id AND i.kind <> 'visitor')"
              " AND NOT EXISTS (SELECT 1 FROM widget_sessions s WHERE s.workspace_id = c.workspace_id"
              "   AND s.contact_id = c.id AND s.expires_at >= $2 AND s.revoked_at IS NULL)"
              " LIMIT $3 FOR UPDATE SKIP LOCKED)",
              cutoff, now, limit)
          .affected());
  return out;
}

bool pg_widget_repository::visitor_known(id_t workspace_id, const std::string& visitor_id) {
  return !db_.run("SELECT 1 FROM widget_sessions WHERE workspace_id = $1 AND visitor_id = $2"
                  " AND contact_id IS NULL LIMIT 1",
                  workspace_id, visitor_id)
              .empty();
}

std::pair<std::optional<std::string>, std::optional<std::string>> pg_widget_repository::pending_profile(
    id_t workspace_id, const std::string& visitor_id) {
  auto r = db_.run(
      "SELECT (SELECT name FROM widget_sessions WHERE workspace_id = $1 AND visitor_id = $2 AND contact_id IS NULL"
      "   AND name IS NOT NULL ORDER BY id DESC LIMIT 1),"
      " (SELECT email FROM widget_sessions WHERE workspace_id = $1 AND visitor_id = $2 AND contact_id IS NULL"
      "   AND email IS NOT NULL ORDER BY id DESC LIMIT 1)",
      workspace_id, visitor_id);
  return {r.opt_text(0, 0), r.opt_text(0, 1)};
}

void pg_widget_repository::adopt_visitor_rows(id_t workspace_id, const std::string& visitor_id, id_t contact_id) {
  db_.run(
      "UPDATE widget_sessions SET contact_id = $3, name = NULL, email = NULL"
      " WHERE workspace_id = $1 AND visitor_id = $2 AND contact_id IS NULL",
      workspace_id, visitor_id, contact_id);
  db_.run("UPDATE widget_events SET contact_id = $3 WHERE workspace_id = $1 AND visitor_id = $2 AND contact_id IS NULL",
          workspace_id, visitor_id, contact_id);
}

id_t pg_widget_repository::contact_for_first_message(id_t workspace_id, const std::string& visitor_id,
                                                     const std::string& now) {
  if (auto c = contact_of_visitor(workspace_id, visitor_id)) return *c;  // another tab got there first
  auto [name, email] = pending_profile(workspace_id, visitor_id);
  // Two tabs of one visitor may write at once, each on its own connection: the
  // UNIQUE (workspace_id, kind, value) of the visitor identity decides. The loser's
  // INSERT waits for the winner's commit, inserts nothing, and hands its own new
  // contact back for the winner's.
  id_t id = db_.run(
                   "INSERT INTO contacts(workspace_id, name, attributes, created_at, updated_at)"
                   " VALUES ($1, $2, '{\"source\":\"widget\"}', $3, $3) RETURNING id",
                   workspace_id, name, now)
                .integer(0, 0);
  bool claimed = !db_.run(
                         "INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
                         " VALUES ($1, $2, 'visitor', $3, $4) ON CONFLICT DO NOTHING RETURNING id",
                         workspace_id, id, visitor_id, now)
                      .empty();
  if (!claimed) {
    db_.run("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2", workspace_id, id);
    if (auto c = contact_of_visitor(workspace_id, visitor_id)) return *c;
    throw std::runtime_error("widget: the visitor's identity is taken but names no contact");
  }
  if (email) set_unverified_profile(workspace_id, id, std::nullopt, email, now);
  adopt_visitor_rows(workspace_id, visitor_id, id);
  return id;
}

void pg_widget_repository::record_starter(id_t workspace_id, id_t conversation_id, const std::string& visitor_id,
                                          const std::string& now) {
  db_.run(
      "INSERT INTO widget_conversations(conversation_id, workspace_id, visitor_id, created_at)"
      " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      conversation_id, workspace_id, visitor_id, now);
}

std::optional<std::string> pg_widget_repository::starter_of(id_t workspace_id, id_t conversation_id) {
  return db_
      .run("SELECT visitor_id FROM widget_conversations WHERE conversation_id = $1 AND workspace_id = $2",
           conversation_id, workspace_id)
      .opt_text_or_none();
}

std::vector<id_t> pg_widget_repository::conversations_started_by(id_t workspace_id, const std::string& visitor_id,
                                                                 int limit) {
  std::vector<id_t> out;
  auto r = db_.run(
      "SELECT conversation_id FROM widget_conversations WHERE workspace_id = $1 AND visitor_id = $2"
      " ORDER BY conversation_id DESC LIMIT $3",
      workspace_id, visitor_id, limit);
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

std::optional<id_t> pg_widget_repository::contact_of_visitor(id_t workspace_id, const std::string& visitor_id) {
  return db_
      .run("SELECT contact_id FROM contact_identities WHERE workspace_id = $1 AND kind = 'visitor' AND value = $2",
           workspace_id, visitor_id)
      .opt_integer_or_none();
}

std::optional<std::string> pg_widget_repository::external_id_of(id_t workspace_id, id_t contact_id) {
  return db_
      .run("SELECT value FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2 AND kind = 'external'"
           " ORDER BY id LIMIT 1",
           workspace_id, contact_id)
      .opt_text_or_none();
}

id_t pg_widget_repository::create_visitor(id_t workspace_id, const std::string& visitor_id,
                                          const std::optional<std::string>& name, const std::string& now) {
  id_t id = db_.run(
                   "INSERT INTO contacts(workspace_id, name, attributes, created_at, updated_at)"
                   " VALUES ($1, $2, '{\"source\":\"widget\"}', $3, $3) RETURNING id",
                   workspace_id, name, now)
                .integer(0, 0);
  add_visitor_identity(workspace_id, id, visitor_id, now);
  return id;
}

void pg_widget_repository::add_visitor_identity(id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                                                const std::string& now) {
  db_.run(
      "INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
      " VALUES ($1, $2, 'visitor', $3, $4) ON CONFLICT DO NOTHING",
      workspace_id, contact_id, visitor_id, now);
}

void pg_widget_repository::set_unverified_profile(id_t workspace_id, id_t contact_id,
                                                  const std::optional<std::string>& name,
                                                  const std::optional<std::string>& email, const std::string& now) {
  db_.run(
      "UPDATE contacts SET name = COALESCE($3, name), email = COALESCE(email, $4::citext), updated_at = $5"
      " WHERE workspace_id = $1 AND id = $2",
      workspace_id, contact_id, name, email, now);
}

void pg_widget_repository::move_visitor_rows(id_t workspace_id, id_t into, id_t from) {
  db_.run("UPDATE widget_sessions SET contact_id = $2 WHERE workspace_id = $1 AND contact_id = $3", workspace_id,
          into, from);
  db_.run("UPDATE widget_events SET contact_id = $2 WHERE workspace_id = $1 AND contact_id = $3", workspace_id,
          into, from);
}

void pg_widget_repository::insert_event(id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                                        const std::string& name, const nlohmann::json& props,
                                        const std::string& now) {
  db_.run(
      "INSERT INTO widget_events(workspace_id, contact_id, visitor_id, name, props, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      workspace_id, nonzero(contact_id), visitor_id, name, props.dump(), now);
}

std::vector<widget::event_row> pg_widget_repository::events_of(id_t workspace_id, id_t contact_id, int limit) {
  std::vector<widget::event_row> out;
  auto r = db_.run(
      "SELECT id, name, props, created_at FROM widget_events WHERE workspace_id = $1 AND contact_id = $2"
      " ORDER BY id DESC LIMIT $3",
      workspace_id, contact_id, limit);
  for (int i = 0; i < r.rows(); ++i) {
    widget::event_row e;
    e.id = r.integer(i, 0);
    e.name = r.text(i, 1);
    e.props = nlohmann::json::parse(r.text(i, 2), nullptr, false);
    if (!e.props.is_object()) e.props = nlohmann::json::object();
    e.created_at = r.text(i, 3);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<id_t> pg_widget_repository::conversations_of(id_t workspace_id, id_t contact_id, int limit) {
  std::vector<id_t> out;
  auto r = db_.run("SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT $3",
                   workspace_id, contact_id, limit);
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
  return out;
}

}  // namespace switchboard::store
