#include "switchboard/store/contacts.hpp"

namespace switchboard::store::contacts {
namespace {

void load_identities(database& db, contact& c) {
  auto& q = db.prepare(
      "SELECT kind, value FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2"
      " AND kind IN ('phone', 'external') ORDER BY id");
  q.bind_all(c.workspace_id, c.id);
  while (q.step()) {
    auto kind = q.column_text(0);
    if (kind == "phone")
      c.phones.push_back(q.column_text(1));
    else
      c.external_id = q.column_text(1);
  }
}

contact row(statement& q) {
  contact c;
  c.id = q.column_int(0);
  c.workspace_id = q.column_int(1);
  c.name = q.column_opt_text(2);
  c.email = q.column_opt_text(3);
  c.attributes = nlohmann::json::parse(q.column_text(4), nullptr, false);
  if (!c.attributes.is_object()) c.attributes = nlohmann::json::object();
  c.created_at = q.column_text(5);
  c.updated_at = q.column_text(6);
  return c;
}

void add_identity(database& db, id_t workspace_id, id_t contact_id, const std::string& kind,
                  const std::string& value, const std::string& now) {
  db.prepare(
        "INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(workspace_id, contact_id, kind, value, now)
      .run();
}

void replace_identity(database& db, id_t workspace_id, id_t contact_id, const std::string& kind,
                      const std::optional<std::string>& value, const std::string& now) {
  db.prepare("DELETE FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2 AND kind = ?3")
      .bind_all(workspace_id, contact_id, kind)
      .run();
  if (value) add_identity(db, workspace_id, contact_id, kind, *value, now);
}

constexpr const char* columns = "id, workspace_id, name, email, attributes, created_at, updated_at";

}  // namespace

std::optional<contact> find(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM contacts WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  auto c = row(q);
  q.reset();
  load_identities(db, c);
  return c;
}

std::optional<id_t> find_by_identity(database& db, id_t workspace_id, const std::string& kind,
                                     const std::string& value) {
  auto& q = db.prepare(
      "SELECT contact_id FROM contact_identities WHERE workspace_id = ?1 AND kind = ?2 AND value = ?3");
  q.bind_all(workspace_id, kind, value);
  if (!q.step()) return std::nullopt;
  return q.column_int(0);
}

std::vector<contact> list(database& db, id_t workspace_id, std::optional<id_t> before, int limit,
                          const std::optional<std::string>& search) {
  std::vector<contact> out;
  {
    std::optional<std::string> like;
    if (search) {
      // LIKE wildcards in the search text are literal.
      std::string escaped;
      for (char c : *search) {
        if (c == '%' || c == '_' || c == '\\') escaped += '\\';
        escaped += c;
      }
      like = "%" + escaped + "%";
    }
    auto& q = db.prepare(std::string("SELECT ") + columns +
                         " FROM contacts WHERE workspace_id = ?1 AND (?2 IS NULL OR id < ?2)"
                         " AND (?4 IS NULL OR name LIKE ?4 ESCAPE '\\' OR email LIKE ?4 ESCAPE '\\'"
                         "  OR id IN (SELECT contact_id FROM contact_identities WHERE workspace_id = ?1"
                         "   AND value LIKE ?4 ESCAPE '\\'))"
                         " ORDER BY id DESC LIMIT ?3");
    q.bind_all(workspace_id, before, static_cast<std::int64_t>(limit), like);
    while (q.step()) out.push_back(row(q));
    q.reset();
  }
  for (auto& c : out) load_identities(db, c);
  return out;
}

id_t insert(database& db, const contact& c) {
  db.prepare(
        "INSERT INTO contacts(workspace_id, name, email, attributes, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
      .bind_all(c.workspace_id, c.name, c.email, c.attributes.dump(), c.created_at)
      .run();
  id_t id = db.last_insert_rowid();
  if (c.email) add_identity(db, c.workspace_id, id, "email", *c.email, c.created_at);
  for (auto& p : c.phones) add_identity(db, c.workspace_id, id, "phone", p, c.created_at);
  if (c.external_id) add_identity(db, c.workspace_id, id, "external", *c.external_id, c.created_at);
  return id;
}

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now) {
  if (p.name)
    db.prepare("UPDATE contacts SET name = ?3 WHERE workspace_id = ?1 AND id = ?2")
        .bind_all(workspace_id, id, *p.name)
        .run();
  if (p.email) {
    db.prepare("UPDATE contacts SET email = ?3 WHERE workspace_id = ?1 AND id = ?2")
        .bind_all(workspace_id, id, *p.email)
        .run();
    replace_identity(db, workspace_id, id, "email", *p.email, now);
  }
  if (p.external_id) replace_identity(db, workspace_id, id, "external", *p.external_id, now);
  if (p.phones) {
    db.prepare("DELETE FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2 AND kind = 'phone'")
        .bind_all(workspace_id, id)
        .run();
    for (auto& ph : *p.phones) add_identity(db, workspace_id, id, "phone", ph, now);
  }
  if (p.attributes) {
    // json_patch (RFC 7396): null removes a key.
    db.prepare("UPDATE contacts SET attributes = json_patch(attributes, ?3) WHERE workspace_id = ?1 AND id = ?2")
        .bind_all(workspace_id, id, p.attributes->dump())
        .run();
  }
  db.prepare("UPDATE contacts SET updated_at = ?3 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, now)
      .run();
}

void merge(database& db, id_t workspace_id, id_t into, id_t from, const std::string& now) {
  db.prepare("UPDATE contact_identities SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3"
             " AND kind != 'external'")
      .bind_all(workspace_id, into, from)
      .run();
  // One external id per contact: keep the surviving contact's when both have one.
  db.prepare(
        "UPDATE contact_identities SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3"
        " AND kind = 'external' AND NOT EXISTS (SELECT 1 FROM contact_identities"
        "  WHERE workspace_id = ?1 AND contact_id = ?2 AND kind = 'external')")
      .bind_all(workspace_id, into, from)
      .run();
  db.prepare("UPDATE conversations SET contact_id = ?2 WHERE workspace_id = ?1 AND contact_id = ?3")
      .bind_all(workspace_id, into, from)
      .run();
  db.prepare(
        "UPDATE contacts SET"
        " name = COALESCE(name, (SELECT name FROM contacts WHERE id = ?3)),"
        " email = COALESCE(email, (SELECT email FROM contacts WHERE id = ?3)),"
        " attributes = json_patch((SELECT attributes FROM contacts WHERE id = ?3), attributes),"
        " updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, into, from, now)
      .run();
  db.prepare("DELETE FROM contacts WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, from).run();
}

void erase(database& db, id_t workspace_id, id_t id) {
  // ON DELETE CASCADE removes identities, conversations and messages (and the
  // FTS triggers remove the message text from the search index).
  db.prepare("DELETE FROM contacts WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
}

}  // namespace switchboard::store::contacts
