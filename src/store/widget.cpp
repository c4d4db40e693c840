#include "switchboard/store/widget.hpp"

namespace switchboard::store::widget {

std::optional<settings> get_settings(database& db, id_t workspace_id) {
  settings s;
  s.workspace_id = workspace_id;
  {
    auto& w = db.prepare("SELECT 1 FROM workspaces WHERE id = ?1");
    w.bind(1, workspace_id);
    if (!w.step()) return std::nullopt;
    w.reset();
  }
  auto& q = db.prepare(
      "SELECT allowed_origins, color, greeting, reply_time, office_hours, identity_mode, identity_secret,"
      " previous_secret, previous_secret_until FROM widget_settings WHERE workspace_id = ?1");
  q.bind(1, workspace_id);
  if (!q.step()) return s;
  auto origins = nlohmann::json::parse(q.column_text(0), nullptr, false);
  if (origins.is_array())
    for (auto& o : origins)
      if (o.is_string()) s.allowed_origins.push_back(o.get<std::string>());
  s.color = q.column_text(1);
  s.greeting = q.column_text(2);
  s.reply_time = q.column_text(3);
  s.office_hours = q.column_text(4);
  s.identity_mode = q.column_text(5);
  s.identity_secret = q.column_text(6);
  s.previous_secret = q.column_text(7);
  s.previous_secret_until = q.column_opt_text(8);
  q.reset();
  return s;
}

void save_settings(database& db, const settings& s, const std::string& now) {
  db.prepare(
        "INSERT INTO widget_settings(workspace_id, allowed_origins, color, greeting, reply_time, office_hours,"
        " identity_mode, identity_secret, previous_secret, previous_secret_until, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        " ON CONFLICT (workspace_id) DO UPDATE SET allowed_origins = excluded.allowed_origins,"
        " color = excluded.color, greeting = excluded.greeting, reply_time = excluded.reply_time,"
        " office_hours = excluded.office_hours, identity_mode = excluded.identity_mode,"
        " identity_secret = excluded.identity_secret, previous_secret = excluded.previous_secret,"
        " previous_secret_until = excluded.previous_secret_until, updated_at = excluded.updated_at")
      .bind_all(s.workspace_id, nlohmann::json(s.allowed_origins).dump(), s.color, s.greeting, s.reply_time,
                s.office_hours, s.identity_mode, s.identity_secret, s.previous_secret, s.previous_secret_until,
                now)
      .run();
}

std::vector<std::string> all_allowed_origins(database& db) {
  std::vector<std::string> out;
  auto& q = db.prepare("SELECT allowed_origins FROM widget_settings");
  while (q.step()) {
    auto a = nlohmann::json::parse(q.column_text(0), nullptr, false);
    if (a.is_array())
      for (auto& o : a)
        if (o.is_string()) out.push_back(o.get<std::string>());
  }
  return out;
}

std::vector<id_t> available_teammates(database& db, id_t workspace_id) {
  std::vector<id_t> out;
  auto& q = db.prepare(
      "SELECT id FROM teammates WHERE workspace_id = ?1 AND availability = 'available' AND role != 'viewer'");
  q.bind(1, workspace_id);
  while (q.step()) out.push_back(q.column_int(0));
  return out;
}

namespace {
std::optional<id_t> nonzero(id_t id) { return id ? std::optional<id_t>(id) : std::nullopt; }
}  // namespace

id_t insert_session(database& db, const session& s, const std::string& token_hash,
                    const std::optional<std::string>& origin) {
  db.prepare(
        "INSERT INTO widget_sessions(workspace_id, contact_id, token_hash, visitor_id, verified, origin,"
        " created_at, expires_at, name, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind_all(s.workspace_id, nonzero(s.contact_id), token_hash, s.visitor_id, s.verified ? 1 : 0, origin,
                s.created_at, s.expires_at, s.contact_id ? std::nullopt : s.name,
                s.contact_id ? std::nullopt : s.email)
      .run();
  return db.last_insert_rowid();
}

purge_counts purge_unused_visitors(database& db, const std::string& cutoff, const std::string& now, int limit) {
  purge_counts out;
  auto n = static_cast<std::int64_t>(limit);
  db.prepare(
        "DELETE FROM widget_sessions WHERE id IN (SELECT id FROM widget_sessions"
        " WHERE contact_id IS NULL AND created_at < ?1 LIMIT ?2)")
      .bind_all(cutoff, n)
      .run();
  out.sessions = db.changes();
  db.prepare(
        "DELETE FROM widget_events WHERE id IN (SELECT id FROM widget_events"
        " WHERE contact_id IS NULL AND created_at < ?1 LIMIT ?2)")
      .bind_all(cutoff, n)
      .run();
  out.events = db.changes();
  // Contacts made by a session before contacts waited for a first message (and any
  // left without a conversation): nothing an agent or a customer ever used.
  db.prepare(
        "DELETE FROM contacts WHERE id IN (SELECT c.id FROM contacts c"
        " WHERE c.updated_at < ?1 AND json_extract(c.attributes, '$.source') = 'widget'"
        " AND NOT EXISTS (SELECT 1 FROM conversations v WHERE v.workspace_id = c.workspace_id AND v.contact_id = c.id)"
        " AND NOT EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = c.id AND i.kind != 'visitor')"
        " AND NOT EXISTS (SELECT 1 FROM widget_sessions s WHERE s.workspace_id = c.workspace_id"
        "   AND s.contact_id = c.id AND s.expires_at >= ?2 AND s.revoked_at IS NULL)"
        " LIMIT ?3)")
      .bind_all(cutoff, now, n)
      .run();
  out.contacts = db.changes();
  return out;
}

bool visitor_known(database& db, id_t workspace_id, const std::string& visitor_id) {
  auto& q = db.prepare(
      "SELECT 1 FROM widget_sessions WHERE workspace_id = ?1 AND visitor_id = ?2 AND contact_id IS NULL LIMIT 1");
  q.bind_all(workspace_id, visitor_id);
  bool found = q.step();
  q.reset();
  return found;
}

std::pair<std::optional<std::string>, std::optional<std::string>> pending_profile(database& db, id_t workspace_id,
                                                                                  const std::string& visitor_id) {
  auto& q = db.prepare(
      "SELECT (SELECT name FROM widget_sessions WHERE workspace_id = ?1 AND visitor_id = ?2 AND contact_id IS NULL"
      "   AND name IS NOT NULL ORDER BY id DESC LIMIT 1),"
      " (SELECT email FROM widget_sessions WHERE workspace_id = ?1 AND visitor_id = ?2 AND contact_id IS NULL"
      "   AND email IS NOT NULL ORDER BY id DESC LIMIT 1)");
  q.bind_all(workspace_id, visitor_id);
  std::pair<std::optional<std::string>, std::optional<std::string>> out;
  if (q.step()) out = {q.column_opt_text(0), q.column_opt_text(1)};
  q.reset();
  return out;
}

void adopt_visitor_rows(database& db, id_t workspace_id, const std::string& visitor_id, id_t contact_id) {
  db.prepare(
        "UPDATE widget_sessions SET contact_id = ?3, name = NULL, email = NULL"
        " WHERE workspace_id = ?1 AND visitor_id = ?2 AND contact_id IS NULL")
      .bind_all(workspace_id, visitor_id, contact_id)
      .run();
  db.prepare(
        "UPDATE widget_events SET contact_id = ?3 WHERE workspace_id = ?1 AND visitor_id = ?2 AND contact_id IS NULL")
      .bind_all(workspace_id, visitor_id, contact_id)
      .run();
}

id_t contact_for_first_message(database& db, id_t workspace_id, const std::string& visitor_id, const std::string& now) {
  if (auto c = contact_of_visitor(db, workspace_id, visitor_id)) return *c;  // another tab got there first
  auto [name, email] = pending_profile(db, workspace_id, visitor_id);
  auto id = create_visitor(db, workspace_id, visitor_id, name, now);
  if (email) set_unverified_profile(db, workspace_id, id, std::nullopt, email, now);
  adopt_visitor_rows(db, workspace_id, visitor_id, id);
  return id;
}

void record_starter(database& db, id_t workspace_id, id_t conversation_id, const std::string& visitor_id,
                    const std::string& now) {
  db.prepare(
        "INSERT OR IGNORE INTO widget_conversations(conversation_id, workspace_id, visitor_id, created_at)"
        " VALUES (?1, ?2, ?3, ?4)")
      .bind_all(conversation_id, workspace_id, visitor_id, now)
      .run();
}

std::optional<std::string> starter_of(database& db, id_t workspace_id, id_t conversation_id) {
  auto& q = db.prepare("SELECT visitor_id FROM widget_conversations WHERE conversation_id = ?1 AND workspace_id = ?2");
  q.bind_all(conversation_id, workspace_id);
  std::optional<std::string> out;
  if (q.step()) out = q.column_text(0);
  q.reset();
  return out;
}

std::vector<id_t> conversations_started_by(database& db, id_t workspace_id, const std::string& visitor_id, int limit) {
  std::vector<id_t> out;
  auto& q = db.prepare(
      "SELECT conversation_id FROM widget_conversations WHERE workspace_id = ?1 AND visitor_id = ?2"
      " ORDER BY conversation_id DESC LIMIT ?3");
  q.bind_all(workspace_id, visitor_id, static_cast<std::int64_t>(limit));
  while (q.step()) out.push_back(q.column_int(0));
  return out;
}

int purge_expired_sessions(database& db, const std::string& now, int limit) {
  db.prepare(
        "DELETE FROM widget_sessions WHERE id IN"
        " (SELECT id FROM widget_sessions WHERE expires_at < ?1 LIMIT ?2)")
      .bind_all(now, static_cast<std::int64_t>(limit))
      .run();
  return db.changes();
}

std::optional<session> find_session(database& db, const std::string& token_hash) {
  auto& q = db.prepare(
      "SELECT id, workspace_id, COALESCE(contact_id, 0), visitor_id, verified, created_at, expires_at, revoked_at,"
      " name, email FROM widget_sessions WHERE token_hash = ?1");
  q.bind(1, token_hash);
  if (!q.step()) return std::nullopt;
  session s;
  s.id = q.column_int(0);
  s.workspace_id = q.column_int(1);
  s.contact_id = q.column_int(2);
  s.visitor_id = q.column_text(3);
  s.verified = q.column_int(4) != 0;
  s.created_at = q.column_text(5);
  s.expires_at = q.column_text(6);
  s.revoked_at = q.column_opt_text(7);
  s.name = q.column_opt_text(8);
  s.email = q.column_opt_text(9);
  q.reset();
  return s;
}

void revoke_session(database& db, id_t workspace_id, id_t id, const std::string& now) {
  db.prepare("UPDATE widget_sessions SET revoked_at = COALESCE(revoked_at, ?3) WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, now)
      .run();
}

std::optional<id_t> contact_of_visitor(database& db, id_t workspace_id, const std::string& visitor_id) {
  auto& q = db.prepare(
      "SELECT contact_id FROM contact_identities WHERE workspace_id = ?1 AND kind = 'visitor' AND value = ?2");
  q.bind_all(workspace_id, visitor_id);
  if (!q.step()) return std::nullopt;
  auto id = q.column_int(0);
  q.reset();
  return id;
}

std::optional<std::string> external_id_of(database& db, id_t workspace_id, id_t contact_id) {
  auto& q = db.prepare(
      "SELECT value FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2 AND kind = 'external'");
  q.bind_all(workspace_id, contact_id);
  if (!q.step()) return std::nullopt;
  auto v = q.column_text(0);
  q.reset();
  return v;
}

id_t create_visitor(database& db, id_t workspace_id, const std::string& visitor_id,
                    const std::optional<std::string>& name, const std::string& now) {
  db.prepare(
        "INSERT INTO contacts(workspace_id, name, attributes, created_at, updated_at)"
        " VALUES (?1, ?2, '{\"source\":\"widget\"}', ?3, ?3)")
      .bind_all(workspace_id, name, now)
      .run();
  auto id = db.last_insert_rowid();
  add_visitor_identity(db, workspace_id, id, visitor_id, now);
  return id;
}

void add_visitor_identity(database& db, id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                          const std::string& now) {
  db.prepare(
        "INSERT OR IGNORE INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
        " VALUES (?1, ?2, 'visitor', ?3, ?4)")
      .bind_all(workspace_id, contact_id, visitor_id, now)
      .run();
}

void set_unverified_profile(database& db, id_t workspace_id, id_t contact_id,
                            const std::optional<std::string>& name, const std::optional<std::string>& email,
                            const std::string& now) {
  db.prepare(
        "UPDATE contacts SET name = COALESCE(?3, name), email = COALESCE(email, ?4), updated_at = ?5"
        " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, contact_id, name, email, now)
      .run();
}

void move_visitor_rows(database& db, id_t workspace_id, id_t into, id_t from) {
  db.prepare("UPDATE widget_sessions SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3")
      .bind_all(workspace_id, into, from)
      .run();
  db.prepare("UPDATE widget_events SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3")
      .bind_all(workspace_id, into, from)
      .run();
}

void insert_event(database& db, id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                  const std::string& name, const nlohmann::json& props, const std::string& now) {
  db.prepare(
        "INSERT INTO widget_events(workspace_id, contact_id, visitor_id, name, props, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind_all(workspace_id, nonzero(contact_id), visitor_id, name, props.dump(), now)
      .run();
}

std::vector<event_row> events_of(database& db, id_t workspace_id, id_t contact_id, int limit) {
  std::vector<event_row> out;
  auto& q = db.prepare(
      "SELECT id, name, props, created_at FROM widget_events WHERE workspace_id = ?1 AND contact_id = ?2"
      " ORDER BY id DESC LIMIT ?3");
  q.bind_all(workspace_id, contact_id, static_cast<std::int64_t>(limit));
  while (q.step()) {
    event_row e;
    e.id = q.column_int(0);
    e.name = q.column_text(1);
    e.props = nlohmann::json::parse(q.column_text(2), nullptr, false);
    if (!e.props.is_object()) e.props = nlohmann::json::object();
    e.created_at = q.column_text(3);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<id_t> conversations_of(database& db, id_t workspace_id, id_t contact_id, int limit) {
  std::vector<id_t> out;
  auto& q = db.prepare(
      "SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2 ORDER BY id DESC LIMIT ?3");
  q.bind_all(workspace_id, contact_id, static_cast<std::int64_t>(limit));
  while (q.step()) out.push_back(q.column_int(0));
  return out;
}

}  // namespace switchboard::store::widget
