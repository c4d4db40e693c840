// PostgreSQL: contacts (repositories.hpp; the SQLite twin is src/store/contacts.cpp).
#include <cctype>
#include <unordered_map>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* columns = "id, workspace_id, name, email, attributes, created_at, updated_at";

contact contact_row(const pg::query_result& r, int i) {
  contact c;
  c.id = r.integer(i, 0);
  c.workspace_id = r.integer(i, 1);
  c.name = r.opt_text(i, 2);
  c.email = r.opt_text(i, 3);
  c.attributes = nlohmann::json::parse(r.text(i, 4), nullptr, false);
  if (!c.attributes.is_object()) c.attributes = nlohmann::json::object();
  c.created_at = r.text(i, 5);
  c.updated_at = r.text(i, 6);
  return c;
}

// Phones (in id order) and the external id of the contacts, in one round trip.
void load_identities(pg::connection& db, id_t workspace_id, std::vector<contact>& cs) {
  if (cs.empty()) return;
  std::vector<std::int64_t> ids;
  std::unordered_map<id_t, contact*> by_id;
  for (auto& c : cs) {
    ids.push_back(c.id);
    by_id[c.id] = &c;
  }
  auto r = db.run(
      "SELECT contact_id, kind, value FROM contact_identities WHERE workspace_id = $1"
      " AND contact_id = ANY($2::bigint[]) AND kind IN ('phone', 'external') ORDER BY id",
      workspace_id, ids);
  for (int i = 0; i < r.rows(); ++i) {
    auto& c = *by_id.at(r.integer(i, 0));
    if (r.text(i, 1) == "phone")
      c.phones.push_back(r.text(i, 2));
    else
      c.external_id = r.text(i, 2);
  }
}

void add_identity(pg::connection& db, id_t workspace_id, id_t contact_id, const std::string& kind,
                  const std::string& value, const std::string& now) {
  db.run(
      "INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
      " VALUES ($1, $2, $3, $4, $5)",
      workspace_id, contact_id, kind, value, now);
}

void replace_identity(pg::connection& db, id_t workspace_id, id_t contact_id, const std::string& kind,
                      const std::optional<std::string>& value, const std::string& now) {
  db.run("DELETE FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2 AND kind = $3",
         workspace_id, contact_id, kind);
  if (value) add_identity(db, workspace_id, contact_id, kind, *value, now);
}

// Contacts' attributes are the store's own JSON (nlohmann's dump), so they parse;
// text that does not reads as {} (json_patch would fail the job on it).
nlohmann::json parse_object(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// Whether pg_trgm finds a trigram in a LIKE search for this text: it needs a run
// of three word characters (letters or digits; any non-ASCII character counts, as
// it may be a letter).
bool has_trigram(const std::string& text) {
  int run = 0;
  for (unsigned char ch : text) {
    if ((ch & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: same character
    run = (std::isalnum(ch) || ch >= 0x80) ? run + 1 : 0;
    if (run >= 3) return true;
  }
  return false;
}

}  // namespace

std::optional<contact> pg_contact_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string("SELECT ") + columns + " FROM contacts WHERE workspace_id = $1 AND id = $2",
                   workspace_id, id);
  if (r.empty()) return std::nullopt;
  std::vector<contact> out{contact_row(r, 0)};
  load_identities(db_, workspace_id, out);
  return std::move(out[0]);
}

std::optional<id_t> pg_contact_repository::find_by_identity(id_t workspace_id, const std::string& kind,
                                                            const std::string& value) {
  return db_
      .run("SELECT contact_id FROM contact_identities WHERE workspace_id = $1 AND kind = $2 AND value = $3",
           workspace_id, kind, value)
      .opt_integer_or_none();
}

std::vector<contact> pg_contact_repository::list(id_t workspace_id, std::optional<id_t> before, int limit,
                                                 const std::optional<std::string>& q) {
  // SQLite matches with LIKE (ASCII case-insensitive), ILIKE here. Two shapes, the
  // same rows: a text with a run of three letters or digits has trigrams, so the
  // trigram GIN indexes find the few matching ids (each searched on its own index
  // and the ids united, which an OR across two tables could not do); a shorter one
  // has none, the indexes cannot narrow it, and reading contacts newest first until
  // the page is full is fastest (a one-letter search matches almost every contact).
  // Separate statement texts rather than `$n IS NULL OR …`, so each keeps its own plan.
  std::string sql = std::string("SELECT ") + columns + " FROM contacts c WHERE workspace_id = $1";
  pg::params p;
  p.add(workspace_id).add(limit);
  if (before) {
    p.add(*before);
    sql += " AND id < $" + std::to_string(p.size());
  }
  if (q) {
    // LIKE wildcards in the search text are literal.
    std::string escaped;
    for (char c : *q) {
      if (c == '%' || c == '_' || c == '\\') escaped += '\\';
      escaped += c;
    }
    p.add("%" + escaped + "%");
    auto like = " ILIKE $" + std::to_string(p.size()) + " ESCAPE '\\'";
    if (has_trigram(*q))
      sql += " AND id IN (SELECT id FROM contacts WHERE workspace_id = $1 AND (name" + like + " OR email::text" +
             like + ") UNION SELECT contact_id FROM contact_identities WHERE workspace_id = $1 AND value" + like +
             ")";
    else
      sql += " AND (name" + like + " OR email::text" + like +
             " OR EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = c.id AND i.workspace_id = $1"
             " AND i.value" + like + "))";
  }
  sql += " ORDER BY id DESC LIMIT $2";
  auto r = db_.query(sql, p);
  std::vector<contact> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(contact_row(r, i));
  load_identities(db_, workspace_id, out);
  return out;
}

id_t pg_contact_repository::insert(const contact& c) {
  id_t id = db_.run(
                   "INSERT INTO contacts(workspace_id, name, email, attributes, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                   c.workspace_id, c.name, c.email, c.attributes.dump(), c.created_at)
                .integer(0, 0);
  // A taken identity violates UNIQUE (workspace_id, kind, value): CONFLICT.
  if (c.email) add_identity(db_, c.workspace_id, id, "email", *c.email, c.created_at);
  for (auto& ph : c.phones) add_identity(db_, c.workspace_id, id, "phone", ph, c.created_at);
  if (c.external_id) add_identity(db_, c.workspace_id, id, "external", *c.external_id, c.created_at);
  return id;
}

void pg_contact_repository::update(id_t workspace_id, id_t id, const contacts::patch& p,
                                   const std::string& now) {
  // Attributes merge as SQLite's json_patch does (RFC 7396: null removes a key),
  // here with nlohmann's merge_patch over the row read FOR UPDATE, so a concurrent
  // patch of the same contact waits rather than being lost.
  std::optional<std::string> attributes;
  if (p.attributes) {
    auto r = db_.run("SELECT attributes FROM contacts WHERE workspace_id = $1 AND id = $2 FOR UPDATE",
                     workspace_id, id);
    if (!r.empty()) {
      auto merged = parse_object(r.text(0, 0));
      merged.merge_patch(*p.attributes);
      attributes = merged.dump();
    }
  }
  db_.run(
      "UPDATE contacts SET name = CASE WHEN $3::int = 1 THEN $4 ELSE name END,"
      " email = CASE WHEN $5::int = 1 THEN $6::citext ELSE email END,"
      " attributes = COALESCE($7, attributes), updated_at = $8 WHERE workspace_id = $1 AND id = $2",
      workspace_id, id, p.name.has_value(), p.name ? *p.name : std::optional<std::string>(),
      p.email.has_value(), p.email ? *p.email : std::optional<std::string>(), attributes, now);
  if (p.email) replace_identity(db_, workspace_id, id, "email", *p.email, now);
  if (p.external_id) replace_identity(db_, workspace_id, id, "external", *p.external_id, now);
  if (p.phones) {
    db_.run("DELETE FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2 AND kind = 'phone'",
            workspace_id, id);
    for (auto& ph : *p.phones) add_identity(db_, workspace_id, id, "phone", ph, now);
  }
}

void pg_contact_repository::merge(id_t workspace_id, id_t into, id_t from, const std::string& now) {
  // Both rows locked (in id order, so two merges of the pair cannot deadlock)
  // before their fields are combined.
  auto rows = db_.run(
      "SELECT id, name, email, attributes FROM contacts WHERE workspace_id = $1 AND id IN ($2, $3)"
      " ORDER BY id FOR UPDATE",
      workspace_id, into, from);
  db_.run(
      "UPDATE contact_identities SET contact_id = $2 WHERE workspace_id = $1 AND contact_id = $3"
      " AND kind <> 'external'",
      workspace_id, into, from);
  // One external id per contact: keep the surviving contact's when both have one.
  db_.run(
      "UPDATE contact_identities SET contact_id = $2 WHERE workspace_id = $1 AND contact_id = $3"
      " AND kind = 'external' AND NOT EXISTS (SELECT 1 FROM contact_identities"
      "  WHERE workspace_id = $1 AND contact_id = $2 AND kind = 'external')",
      workspace_id, into, from);
  db_.run("UPDATE conversations SET contact_id = $2 WHERE workspace_id = $1 AND contact_id = $3",
          workspace_id, into, from);
  int i_into = -1, i_from = -1;
  for (int i = 0; i < rows.rows(); ++i) (rows.integer(i, 0) == into ? i_into : i_from) = i;
  if (i_into >= 0 && i_from >= 0) {
    // json_patch(from's attributes, into's): into's values win, its nulls remove keys.
    auto attributes = parse_object(rows.text(i_from, 3));
    attributes.merge_patch(parse_object(rows.text(i_into, 3)));
    db_.run(
        "UPDATE contacts SET name = COALESCE(name, $3), email = COALESCE(email, $4::citext), attributes = $5,"
        " updated_at = $6 WHERE workspace_id = $1 AND id = $2",
        workspace_id, into, rows.opt_text(i_from, 1), rows.opt_text(i_from, 2), attributes.dump(), now);
  } else {
    db_.run("UPDATE contacts SET updated_at = $3 WHERE workspace_id = $1 AND id = $2", workspace_id, into, now);
  }
  db_.run("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2", workspace_id, from);
}

void pg_contact_repository::erase(id_t workspace_id, id_t id, const std::vector<std::string>& also_written_as) {
  // Who they are (every identity, name and email): their phones, and the terms that
  // find them inside free text (payloads, logs), only when long enough to be theirs alone.
  std::vector<std::string> phones, terms;
  auto term = [&](const std::string& v) {
    if (v.size() >= 4) terms.push_back(v);
  };
  {
    auto r = db_.run("SELECT kind, value FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2",
                     workspace_id, id);
    for (int i = 0; i < r.rows(); ++i) {
      if (r.text(i, 0) == "phone") phones.push_back(r.text(i, 1));
      term(r.text(i, 1));
    }
  }
  {
    auto r = db_.run("SELECT name, email FROM contacts WHERE workspace_id = $1 AND id = $2", workspace_id, id);
    if (!r.empty()) {
      if (auto v = r.opt_text(0, 0)) term(*v);
      if (auto v = r.opt_text(0, 1)) term(*v);
    }
  }
  for (auto& v : also_written_as) term(v);

  // Their conversations and messages, and the carriers' ids of those messages, as
  // subqueries the statements below share ($1 workspace, $2 contact).
  const std::string conversations =
      "(SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2)";
  const std::string messages =
      "(SELECT m.id FROM messages m WHERE m.workspace_id = $1 AND m.conversation_id IN " + conversations + ")";
  const std::string carrier_ids =
      "(SELECT m.external_id FROM messages m WHERE m.workspace_id = $1 AND m.external_id IS NOT NULL"
      " AND m.conversation_id IN " + conversations + ")";
  // A JSON number at `key` of the document j, else NULL (SQLite's json_extract
  // compared with integer ids: only numbers match).
  auto number_at = [](const char* key) {
    return std::string("(CASE WHEN json_typeof(j -> '") + key + "') = 'number' THEN (j ->> '" + key +
           "')::numeric END)";
  };

  // The outbox: rows of their conversations go with them (ON DELETE CASCADE); older
  // rows and texts about them to a teammate's phone are found by what they hold.
  // Payloads are the store's JSON (enqueue dumps nlohmann::json), so the cast
  // succeeds; `\u0000` (valid JSON, but not text PostgreSQL can de-escape) is
  // neutralised first, as only numeric keys are read.
  db_.run("DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o,"
          " LATERAL (SELECT replace(o.payload, '\\u0000', '\\u0001')::json AS j) p"
          " WHERE o.workspace_id = $1 AND (" + number_at("conversation_id") + " IN " + conversations +
          "  OR " + number_at("message_id") + " IN " + messages +
          "  OR (o.conversation_id IS NULL AND EXISTS (SELECT 1 FROM unnest($3::text[]) t(v)"
          "   WHERE strpos(o.payload, t.v) > 0))))",
          workspace_id, id, terms);
  // The sandbox carrier's log: texts from and to them, and what the log names them in.
  db_.run("DELETE FROM sandbox_messages WHERE workspace_id = $1 AND (from_number = ANY($3::text[])"
          " OR to_number = ANY($3::text[]) OR sid IN " + carrier_ids +
          " OR EXISTS (SELECT 1 FROM unnest($4::text[]) t(v) WHERE strpos(body, t.v) > 0))",
          workspace_id, id, phones, terms);
  // Texts and calls nobody could take, and carriers' webhook answers kept for their
  // retries (a click-to-call's <Dial> names their phone): theirs, or of no workspace.
  db_.run("DELETE FROM undeliverable_events WHERE (workspace_id = $1 OR workspace_id IS NULL)"
          " AND (from_number = ANY($2::text[]) OR to_number = ANY($2::text[]))",
          workspace_id, phones);
  db_.run("DELETE FROM webhook_events WHERE (workspace_id = $1 OR workspace_id IS NULL)"
          " AND (sid IN " + carrier_ids +
          "  OR EXISTS (SELECT 1 FROM unnest($3::text[]) t(v) WHERE strpos(response, t.v) > 0))",
          workspace_id, id, terms);
  // Widget visits of their browsers (the visitor ids of their sessions and chats)
  // still without a contact: a first message ties a visitor's rows to the new contact,
  // so this is a safety net for rows written around that moment.
  const std::string visitors =
      "(SELECT visitor_id FROM widget_sessions WHERE workspace_id = $1 AND contact_id = $2"
      " UNION SELECT visitor_id FROM widget_conversations WHERE workspace_id = $1"
      "  AND conversation_id IN " + conversations +
      " UNION SELECT value FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2"
      "  AND kind = 'visitor')";
  db_.run("DELETE FROM widget_events WHERE workspace_id = $1 AND contact_id IS NULL AND visitor_id IN " + visitors,
          workspace_id, id);
  db_.run("DELETE FROM widget_sessions WHERE workspace_id = $1 AND contact_id IS NULL AND visitor_id IN " + visitors,
          workspace_id, id);
  // The audit log keeps that things happened to this contact id, not what they held
  // (merged_from is written as a string id, which is all json_extract matched).
  db_.run("UPDATE audit_log SET details = '{}' WHERE id IN (SELECT a.id FROM audit_log a,"
          " LATERAL (SELECT replace(a.details, '\\u0000', '\\u0001')::json AS j) d"
          " WHERE a.workspace_id = $1 AND a.details <> '{}' AND ((a.target_kind = 'contact' AND a.target_id = $2)"
          "  OR (CASE WHEN json_typeof(j -> 'merged_from') = 'string' THEN j ->> 'merged_from' END) = $3))",
          workspace_id, id, std::to_string(id));
  // The reports keep their events and rollups (no personal data: the figures stay
  // true); a conversation's reporting state and history listing go with it.
  db_.run("DELETE FROM report_conversation_state WHERE workspace_id = $1 AND conversation_id IN " + conversations,
          workspace_id, id);
  db_.run("DELETE FROM report_backfill WHERE workspace_id = $1 AND conversation_id IN " + conversations, workspace_id,
          id);
  // ON DELETE CASCADE removes identities, conversations, messages (their search
  // vectors with them), widget sessions and events, routing state, Teams threads,
  // media rows, and the outbox and sandbox rows that name a conversation.
  db_.run("DELETE FROM contacts WHERE workspace_id = $1 AND id = $2", workspace_id, id);
  // Their consent history is about their phone: erased with them.
  db_.run("DELETE FROM consent_ledger WHERE workspace_id = $1 AND phone = ANY($2::text[])", workspace_id, phones);
  // Nothing like FTS5's 'optimize': a deleted row's index entries are gone for
  // every query at once; VACUUM reclaims the pages in time.
}

}  // namespace switchboard::store
