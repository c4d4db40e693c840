// PostgreSQL: routing (repositories.hpp; the SQLite twin is src/store/routing.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

int pg_routing_repository::selector_for(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                                        const std::string& now) {
  // Allocations for one teammate take turns: a transaction-scoped advisory lock on
  // the teammate (the two-int key space, first key naming routing selectors, so it
  // meets no other lock of the store; ids beyond int4 fold onto a shared key, which
  // only serializes more). Each statement below then runs after the previous
  // holder committed, and READ COMMITTED gives it a snapshot with that holder's
  // rows, so two allocations never pick the same free selector or LRU victim.
  db_.run("SELECT pg_advisory_xact_lock(1936483444, ($1::bigint % 2147483647)::int)", teammate_id);
  auto existing = db_.run(
      "UPDATE routing_selectors SET updated_at = $3"
      " WHERE teammate_id = $1 AND conversation_id = $2 RETURNING selector",
      teammate_id, conversation_id, now);
  if (!existing.empty()) return static_cast<int>(existing.integer(0, 0));
  auto free = db_.run(
      "SELECT s FROM generate_series(1, 99) s WHERE NOT EXISTS"
      " (SELECT 1 FROM routing_selectors WHERE teammate_id = $1 AND selector = s)"
      " ORDER BY s LIMIT 1",
      teammate_id);
  std::int64_t pick = 0;
  if (!free.empty()) {
    pick = free.integer(0, 0);
  } else {
    // All 99 taken: the least recently used one is taken over.
    pick = db_.run(
                  "DELETE FROM routing_selectors WHERE teammate_id = $1 AND selector ="
                  " (SELECT selector FROM routing_selectors WHERE teammate_id = $1"
                  "  ORDER BY updated_at, selector LIMIT 1) RETURNING selector",
                  teammate_id)
               .integer(0, 0);
  }
  db_.run(
      "INSERT INTO routing_selectors(workspace_id, teammate_id, selector, conversation_id,"
      " updated_at) VALUES ($1, $2, $3, $4, $5)",
      workspace_id, teammate_id, pick, conversation_id, now);
  return static_cast<int>(pick);
}

std::optional<id_t> pg_routing_repository::conversation_of(id_t teammate_id, int selector) {
  return db_
      .run("SELECT conversation_id FROM routing_selectors WHERE teammate_id = $1 AND selector = $2",
           teammate_id, selector)
      .opt_integer_or_none();
}

std::vector<routing::phone_conversation> pg_routing_repository::active_on_number(id_t workspace_id,
                                                                                 id_t teammate_id,
                                                                                 id_t number_id,
                                                                                 int limit) {
  auto r = db_.run(
      "SELECT c.id, k.name,"
      " (SELECT value FROM contact_identities i"
      "  WHERE i.contact_id = c.contact_id AND i.kind = 'phone' ORDER BY i.id LIMIT 1),"
      " c.last_message_at"
      " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
      " WHERE c.workspace_id = $1 AND c.number_id = $3"
      " AND c.status IN ('open', 'pending', 'snoozed')"
      " AND (c.assignee_id = $2 OR c.assignee_id IS NULL)"
      " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT $4",
      workspace_id, teammate_id, number_id, limit);
  std::vector<routing::phone_conversation> out;
  for (int i = 0; i < r.rows(); ++i) {
    routing::phone_conversation p;
    p.conversation_id = r.integer(i, 0);
    auto name = r.opt_text(i, 1);
    p.phone = r.opt_text(i, 2).value_or("");
    p.who = name && !name->empty() ? *name : p.phone;
    p.last_message_at = r.opt_text(i, 3);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<routing::sticky> pg_routing_repository::sticky_of(id_t teammate_id) {
  auto r =
      db_.run("SELECT conversation_id, at FROM routing_sticky WHERE teammate_id = $1", teammate_id);
  if (r.empty()) return std::nullopt;
  return routing::sticky{r.integer(0, 0), r.text(0, 1)};
}

void pg_routing_repository::set_sticky(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                                       const std::string& now) {
  db_.run(
      "INSERT INTO routing_sticky(teammate_id, workspace_id, conversation_id, at)"
      " VALUES ($1, $2, $3, $4) ON CONFLICT (teammate_id)"
      " DO UPDATE SET conversation_id = excluded.conversation_id, at = excluded.at",
      teammate_id, workspace_id, conversation_id, now);
}

routing::line_settings pg_routing_repository::settings_of(id_t workspace_id,
                                                          const std::string& owner_kind,
                                                          id_t owner_id) {
  auto r = db_.run(
      "SELECT business_hours, voicemail_greeting, after_hours_reply FROM line_settings"
      " WHERE workspace_id = $1 AND owner_kind = $2 AND owner_id = $3",
      workspace_id, owner_kind, owner_id);
  routing::line_settings s;
  if (!r.empty()) {
    s.business_hours = r.opt_text(0, 0);
    s.voicemail_greeting = r.opt_text(0, 1);
    s.after_hours_reply = r.opt_text(0, 2);
  }
  return s;
}

void pg_routing_repository::update_settings(id_t workspace_id, const std::string& owner_kind,
                                            id_t owner_id, const routing::settings_patch& p,
                                            const std::string& now) {
  // SQLite reads the row (of this workspace) and writes it back with the patch; one
  // upsert does the same here without a window for a concurrent patch: a field not
  // patched keeps its value, or is unset when the row is another workspace's.
  auto value = [](const std::optional<std::optional<std::string>>& f) {
    return f ? *f : std::optional<std::string>();
  };
  db_.run(
      "INSERT INTO line_settings(workspace_id, owner_kind, owner_id, business_hours,"
      " voicemail_greeting, after_hours_reply, updated_at) VALUES ($1, $2, $3, $5, $7, $9, $10)"
      " ON CONFLICT (owner_kind, owner_id) DO UPDATE SET"
      " business_hours = CASE WHEN $4::int = 1 THEN excluded.business_hours"
      "   WHEN line_settings.workspace_id = $1 THEN line_settings.business_hours END,"
      " voicemail_greeting = CASE WHEN $6::int = 1 THEN excluded.voicemail_greeting"
      "   WHEN line_settings.workspace_id = $1 THEN line_settings.voicemail_greeting END,"
      " after_hours_reply = CASE WHEN $8::int = 1 THEN excluded.after_hours_reply"
      "   WHEN line_settings.workspace_id = $1 THEN line_settings.after_hours_reply END,"
      " updated_at = excluded.updated_at",
      workspace_id, owner_kind, owner_id, p.business_hours.has_value(), value(p.business_hours),
      p.voicemail_greeting.has_value(), value(p.voicemail_greeting),
      p.after_hours_reply.has_value(), value(p.after_hours_reply), now);
}

std::optional<std::string> pg_routing_repository::after_hours_replied_at(id_t workspace_id,
                                                                         id_t conversation_id) {
  return db_
      .run("SELECT after_hours_replied_at FROM conversations WHERE workspace_id = $1 AND id = $2",
           workspace_id, conversation_id)
      .opt_text_or_none();
}

void pg_routing_repository::set_after_hours_replied(id_t workspace_id, id_t conversation_id,
                                                    const std::string& now) {
  db_.run(
      "UPDATE conversations SET after_hours_replied_at = $3 WHERE workspace_id = $1 AND id = $2",
      workspace_id, conversation_id, now);
}

std::vector<std::string> pg_routing_repository::team_phones(id_t workspace_id, id_t team_id) {
  auto r = db_.run(
      "SELECT t.physical_number FROM team_members m JOIN teammates t ON t.id = m.teammate_id"
      " WHERE m.workspace_id = $1 AND m.team_id = $2 AND t.availability = 'available'"
      " AND t.role != 'viewer'"
      " AND t.physical_number IS NOT NULL ORDER BY t.id LIMIT 10",
      workspace_id, team_id);
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

std::optional<std::string> pg_routing_repository::last_caller(id_t workspace_id, id_t number_id) {
  return db_
      .run(
          "SELECT m.metadata::jsonb ->> 'from' FROM messages m"
          " JOIN conversations c ON c.id = m.conversation_id"
          " WHERE m.workspace_id = $1 AND c.number_id = $2 AND m.kind = 'call'"
          " AND m.direction = 'inbound'"
          " ORDER BY m.id DESC LIMIT 1",
          workspace_id, number_id)
      .opt_text_or_none();
}

void pg_routing_repository::record_undeliverable(const routing::undeliverable& u) {
  db_.run(
      "INSERT INTO undeliverable_events(workspace_id, carrier, kind, sid, from_number, to_number,"
      " reason, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      u.workspace_id, u.carrier, u.kind, u.sid, u.from, u.to, u.reason, u.body, u.created_at);
}

std::vector<routing::undeliverable> pg_routing_repository::list_undeliverable(
    id_t workspace_id, std::optional<id_t> before, int limit) {
  auto r = db_.run(
      "SELECT id, workspace_id, carrier, kind, sid, from_number, to_number, reason, body,"
      " created_at FROM undeliverable_events WHERE (workspace_id = $1 OR workspace_id IS NULL)"
      " AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3",
      workspace_id, before, limit);
  std::vector<routing::undeliverable> out;
  for (int i = 0; i < r.rows(); ++i) {
    routing::undeliverable u;
    u.id = r.integer(i, 0);
    u.workspace_id = r.opt_integer(i, 1);
    u.carrier = r.text(i, 2);
    u.kind = r.text(i, 3);
    u.sid = r.text(i, 4);
    u.from = r.text(i, 5);
    u.to = r.text(i, 6);
    u.reason = r.text(i, 7);
    u.body = r.text(i, 8);
    u.created_at = r.text(i, 9);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace switchboard::store
