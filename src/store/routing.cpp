#include "switchboard/store/routing.hpp"

namespace switchboard::store::routing {

int selector_for(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id,
                 const std::string& now) {
  auto& existing = db.prepare("SELECT selector FROM routing_selectors WHERE teammate_id = ?1 AND conversation_id = ?2");
  existing.bind_all(teammate_id, conversation_id);
  if (existing.step()) {
    int s = static_cast<int>(existing.column_int(0));
    existing.reset();
    db.prepare("UPDATE routing_selectors SET updated_at = ?3 WHERE teammate_id = ?1 AND selector = ?2")
        .bind_all(teammate_id, static_cast<std::int64_t>(s), now)
        .run();
    return s;
  }
  existing.reset();
  std::vector<bool> used(100, false);
  {
    auto& q = db.prepare("SELECT selector FROM routing_selectors WHERE teammate_id = ?1");
    q.bind(1, teammate_id);
    while (q.step()) used[static_cast<std::size_t>(q.column_int(0))] = true;
  }
  int pick = 0;
  for (int s = 1; s <= 99 && !pick; ++s)
    if (!used[static_cast<std::size_t>(s)]) pick = s;
  if (!pick) {
    auto& q = db.prepare("SELECT selector FROM routing_selectors WHERE teammate_id = ?1 ORDER BY updated_at, selector LIMIT 1");
    q.bind(1, teammate_id);
    q.step();
    pick = static_cast<int>(q.column_int(0));
    q.reset();
    db.prepare("DELETE FROM routing_selectors WHERE teammate_id = ?1 AND selector = ?2")
        .bind_all(teammate_id, static_cast<std::int64_t>(pick))
        .run();
  }
  db.prepare("INSERT INTO routing_selectors(workspace_id, teammate_id, selector, conversation_id, updated_at)"
             " VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(workspace_id, teammate_id, static_cast<std::int64_t>(pick), conversation_id, now)
      .run();
  return pick;
}

std::optional<id_t> conversation_of(database& db, id_t teammate_id, int selector) {
  auto& q = db.prepare("SELECT conversation_id FROM routing_selectors WHERE teammate_id = ?1 AND selector = ?2");
  q.bind_all(teammate_id, static_cast<std::int64_t>(selector));
  if (!q.step()) return std::nullopt;
  auto id = q.column_int(0);
  q.reset();
  return id;
}

std::vector<phone_conversation> active_on_number(database& db, id_t workspace_id, id_t teammate_id,
                                                 id_t number_id, int limit) {
  auto& q = db.prepare(
      "SELECT c.id, k.name,"
      " (SELECT value FROM contact_identities i WHERE i.contact_id = c.contact_id AND i.kind = 'phone'"
      "  ORDER BY i.id LIMIT 1),"
      " c.last_message_at"
      " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
      " WHERE c.workspace_id = ?1 AND c.number_id = ?3 AND c.status IN ('open', 'pending', 'snoozed')"
      " AND (c.assignee_id = ?2 OR c.assignee_id IS NULL)"
      " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ?4");
  q.bind_all(workspace_id, teammate_id, number_id, static_cast<std::int64_t>(limit));
  std::vector<phone_conversation> out;
  while (q.step()) {
    phone_conversation p;
    p.conversation_id = q.column_int(0);
    auto name = q.column_opt_text(1);
    p.phone = q.column_opt_text(2).value_or("");
    p.who = name && !name->empty() ? *name : p.phone;
    p.last_message_at = q.column_opt_text(3);
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<sticky> sticky_of(database& db, id_t teammate_id) {
  auto& q = db.prepare("SELECT conversation_id, at FROM routing_sticky WHERE teammate_id = ?1");
  q.bind(1, teammate_id);
  if (!q.step()) return std::nullopt;
  sticky s{q.column_int(0), q.column_text(1)};
  q.reset();
  return s;
}

void set_sticky(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id, const std::string& now) {
  db.prepare("INSERT INTO routing_sticky(teammate_id, workspace_id, conversation_id, at) VALUES (?1, ?2, ?3, ?4)"
             " ON CONFLICT(teammate_id) DO UPDATE SET conversation_id = excluded.conversation_id, at = excluded.at")
      .bind_all(teammate_id, workspace_id, conversation_id, now)
      .run();
}

line_settings settings_of(database& db, id_t workspace_id, const std::string& owner_kind, id_t owner_id) {
  auto& q = db.prepare(
      "SELECT business_hours, voicemail_greeting, after_hours_reply FROM line_settings"
      " WHERE workspace_id = ?1 AND owner_kind = ?2 AND owner_id = ?3");
  q.bind_all(workspace_id, owner_kind, owner_id);
  line_settings s;
  if (q.step()) {
    s.business_hours = q.column_opt_text(0);
    s.voicemail_greeting = q.column_opt_text(1);
    s.after_hours_reply = q.column_opt_text(2);
  }
  q.reset();
  return s;
}

void update_settings(database& db, id_t workspace_id, const std::string& owner_kind, id_t owner_id,
                     const settings_patch& p, const std::string& now) {
  auto s = settings_of(db, workspace_id, owner_kind, owner_id);
  if (p.business_hours) s.business_hours = *p.business_hours;
  if (p.voicemail_greeting) s.voicemail_greeting = *p.voicemail_greeting;
  if (p.after_hours_reply) s.after_hours_reply = *p.after_hours_reply;
  db.prepare(
        "INSERT INTO line_settings(workspace_id, owner_kind, owner_id, business_hours, voicemail_greeting,"
        " after_hours_reply, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        " ON CONFLICT(owner_kind, owner_id) DO UPDATE SET business_hours = excluded.business_hours,"
        " voicemail_greeting = excluded.voicemail_greeting, after_hours_reply = excluded.after_hours_reply,"
        " updated_at = excluded.updated_at")
      .bind_all(workspace_id, owner_kind, owner_id, s.business_hours, s.voicemail_greeting, s.after_hours_reply, now)
      .run();
}

std::optional<std::string> after_hours_replied_at(database& db, id_t workspace_id, id_t conversation_id) {
  auto& q = db.prepare("SELECT after_hours_replied_at FROM conversations WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, conversation_id);
  std::optional<std::string> out;
  if (q.step()) out = q.column_opt_text(0);
  q.reset();
  return out;
}

void set_after_hours_replied(database& db, id_t workspace_id, id_t conversation_id, const std::string& now) {
  db.prepare("UPDATE conversations SET after_hours_replied_at = ?3 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, conversation_id, now)
      .run();
}

std::vector<std::string> team_phones(database& db, id_t workspace_id, id_t team_id) {
  auto& q = db.prepare(
      "SELECT t.physical_number FROM team_members m JOIN teammates t ON t.id = m.teammate_id"
      " WHERE m.workspace_id = ?1 AND m.team_id = ?2 AND t.availability = 'available' AND t.role != 'viewer'"
      " AND t.physical_number IS NOT NULL ORDER BY t.id LIMIT 10");
  q.bind_all(workspace_id, team_id);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.column_text(0));
  return out;
}

std::optional<std::string> last_caller(database& db, id_t workspace_id, id_t number_id) {
  auto& q = db.prepare(
      "SELECT json_extract(m.metadata, '$.from') FROM messages m JOIN conversations c ON c.id = m.conversation_id"
      " WHERE m.workspace_id = ?1 AND c.number_id = ?2 AND m.kind = 'call' AND m.direction = 'inbound'"
      " ORDER BY m.id DESC LIMIT 1");
  q.bind_all(workspace_id, number_id);
  std::optional<std::string> out;
  if (q.step()) out = q.column_opt_text(0);
  q.reset();
  return out;
}

void record_undeliverable(database& db, const undeliverable& u) {
  db.prepare("INSERT INTO undeliverable_events(workspace_id, carrier, kind, sid, from_number, to_number, reason,"
             " body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind_all(u.workspace_id, u.carrier, u.kind, u.sid, u.from, u.to, u.reason, u.body, u.created_at)
      .run();
}

std::vector<undeliverable> list_undeliverable(database& db, id_t workspace_id, std::optional<id_t> before, int limit) {
  auto& q = db.prepare(
      "SELECT id, workspace_id, carrier, kind, sid, from_number, to_number, reason, body, created_at"
      " FROM undeliverable_events WHERE (workspace_id = ?1 OR workspace_id IS NULL)"
      " AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3");
  q.bind_all(workspace_id, before, static_cast<std::int64_t>(limit));
  std::vector<undeliverable> out;
  while (q.step()) {
    undeliverable u;
    u.id = q.column_int(0);
    u.workspace_id = q.column_opt_int(1);
    u.carrier = q.column_text(2);
    u.kind = q.column_text(3);
    u.sid = q.column_text(4);
    u.from = q.column_text(5);
    u.to = q.column_text(6);
    u.reason = q.column_text(7);
    u.body = q.column_text(8);
    u.created_at = q.column_text(9);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace switchboard::store::routing
