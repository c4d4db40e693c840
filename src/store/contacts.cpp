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

void erase(database& db, id_t workspace_id, id_t id, const std::vector<std::string>& also_written_as) {
  using json = nlohmann::json;
  // Who they are (every identity, name and email) and what their conversations hold.
  json phones = json::array(), terms = json::array(), conversations = json::array(),
       messages = json::array(), carrier_ids = json::array();
  auto term = [&](const std::string& v) {
    // Found inside free text (payloads, logs) only when long enough to be theirs alone.
    if (v.size() >= 4) terms.push_back(v);
  };
  {
    auto& q = db.prepare("SELECT kind, value FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2");
    q.bind_all(workspace_id, id);
    while (q.step()) {
      if (q.column_text(0) == "phone") phones.push_back(q.column_text(1));
      term(q.column_text(1));
    }
    q.reset();
  }
  {
    auto& q = db.prepare("SELECT name, email FROM contacts WHERE workspace_id = ?1 AND id = ?2");
    q.bind_all(workspace_id, id);
    if (q.step()) {
      if (auto v = q.column_opt_text(0)) term(*v);
      if (auto v = q.column_opt_text(1)) term(*v);
    }
    q.reset();
  }
  for (auto& v : also_written_as) term(v);
  {
    auto& q = db.prepare("SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2");
    q.bind_all(workspace_id, id);
    while (q.step()) conversations.push_back(q.column_int(0));
    q.reset();
  }
  {
    auto& q = db.prepare(
        "SELECT id, external_id FROM messages WHERE workspace_id = ?1"
        " AND conversation_id IN (SELECT value FROM json_each(?2))");
    q.bind_all(workspace_id, conversations.dump());
    while (q.step()) {
      messages.push_back(q.column_int(0));
      if (auto sid = q.column_opt_text(1)) carrier_ids.push_back(*sid);
    }
    q.reset();
  }
  auto run = [&](const char* sql, const json& list) {
    db.prepare(sql).bind_all(workspace_id, list.dump()).run();
  };
  // The outbox: rows of their conversations go with them (ON DELETE CASCADE, schema
  // 14); older rows and texts about them to a teammate's phone are found by what
  // they hold.
  run("DELETE FROM outbox WHERE workspace_id = ?1 AND json_valid(payload)"
      " AND json_extract(payload, '$.conversation_id') IN (SELECT value FROM json_each(?2))",
      conversations);
  run("DELETE FROM outbox WHERE workspace_id = ?1 AND json_valid(payload)"
      " AND json_extract(payload, '$.message_id') IN (SELECT value FROM json_each(?2))",
      messages);
  run("DELETE FROM outbox WHERE workspace_id = ?1 AND conversation_id IS NULL"
      " AND EXISTS (SELECT 1 FROM json_each(?2) t WHERE instr(payload, t.value) > 0)",
      terms);
  // The sandbox carrier's log: texts from and to them, and what the log names them in.
  run("DELETE FROM sandbox_messages WHERE workspace_id = ?1 AND (from_number IN (SELECT value FROM json_each(?2))"
      " OR to_number IN (SELECT value FROM json_each(?2)))",
      phones);
  run("DELETE FROM sandbox_messages WHERE workspace_id = ?1 AND sid IN (SELECT value FROM json_each(?2))",
      carrier_ids);
  run("DELETE FROM sandbox_messages WHERE workspace_id = ?1"
      " AND EXISTS (SELECT 1 FROM json_each(?2) t WHERE instr(body, t.value) > 0)",
      terms);
  // Texts and calls nobody could take, and carriers' webhook answers kept for their
  // retries (a click-to-call's <Dial> names their phone): theirs, or of no workspace.
  run("DELETE FROM undeliverable_events WHERE (workspace_id = ?1 OR workspace_id IS NULL)"
      " AND (from_number IN (SELECT value FROM json_each(?2)) OR to_number IN (SELECT value FROM json_each(?2)))",
      phones);
  run("DELETE FROM webhook_events WHERE (workspace_id = ?1 OR workspace_id IS NULL)"
      " AND sid IN (SELECT value FROM json_each(?2))",
      carrier_ids);
  run("DELETE FROM webhook_events WHERE (workspace_id = ?1 OR workspace_id IS NULL)"
      " AND EXISTS (SELECT 1 FROM json_each(?2) t WHERE instr(response, t.value) > 0)",
      terms);
  // Widget visits of their browsers (the visitor ids of their sessions and chats)
  // still without a contact: a first message ties a visitor's rows to the new contact,
  // so this is a safety net for rows written around that moment.
  json visitors = json::array();
  {
    auto& q = db.prepare(
        "SELECT visitor_id FROM widget_sessions WHERE workspace_id = ?1 AND contact_id = ?2"
        " UNION SELECT visitor_id FROM widget_conversations WHERE workspace_id = ?1"
        "  AND conversation_id IN (SELECT value FROM json_each(?3))"
        " UNION SELECT value FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2"
        "  AND kind = 'visitor'");
    q.bind_all(workspace_id, id, conversations.dump());
    while (q.step()) visitors.push_back(q.column_text(0));
    q.reset();
  }
  run("DELETE FROM widget_events WHERE workspace_id = ?1 AND contact_id IS NULL"
      " AND visitor_id IN (SELECT value FROM json_each(?2))",
      visitors);
  run("DELETE FROM widget_sessions WHERE workspace_id = ?1 AND contact_id IS NULL"
      " AND visitor_id IN (SELECT value FROM json_each(?2))",
      visitors);
  // The reports keep their events and rollups (no personal data: the figures stay
  // true); a conversation's reporting state and history listing go with it.
  run("DELETE FROM report_conversation_state WHERE workspace_id = ?1"
      " AND conversation_id IN (SELECT value FROM json_each(?2))",
      conversations);
  run("DELETE FROM report_backfill WHERE workspace_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2))",
      conversations);
  // The audit log keeps that things happened to this contact id, not what they held.
  db.prepare(
        "UPDATE audit_log SET details = '{}' WHERE workspace_id = ?1 AND details != '{}'"
        " AND ((target_kind = 'contact' AND target_id = ?2) OR json_extract(details, '$.merged_from') = ?3)")
      .bind_all(workspace_id, id, std::to_string(id))
      .run();
  // ON DELETE CASCADE removes identities, conversations, messages (their search
  // entries through search_changes), widget sessions and events, routing state,
  // Teams threads, and the outbox and sandbox rows of schema 14.
  db.prepare("DELETE FROM contacts WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  // Their consent history is about their phone: erased with them (schema 17).
  db.prepare("DELETE FROM consent_ledger WHERE workspace_id = ?1 AND phone IN (SELECT value FROM json_each(?2))")
      .bind_all(workspace_id, phones.dump())
      .run();
  // The triggers of schema 16 deleted their rows from the trigram index, but FTS5
  // keeps a deleted row's trigrams in older segments until they are merged: merge
  // them all now (it rewrites the index: seconds at a million contacts, for a rare act).
  db.prepare("INSERT INTO contact_search(contact_search) VALUES ('optimize')").run();
}

}  // namespace switchboard::store::contacts
