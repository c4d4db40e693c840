#include "switchboard/store/numbers.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "switchboard/core/random.hpp"

namespace switchboard::store::numbers {
namespace {

constexpr const char* columns =
    "id, workspace_id, number, carrier, carrier_sid, capabilities, owner_teammate_id,"
    " owner_team_id, status, created_at";

number_row row(statement& q) {
  number_row n;
  n.id = q.column_int(0);
  n.workspace_id = q.column_int(1);
  n.number = q.column_text(2);
  n.carrier = q.column_text(3);
  n.carrier_sid = q.column_opt_text(4);
  n.capabilities = nlohmann::json::parse(q.column_text(5), nullptr, false);
  n.owner_teammate_id = q.column_opt_int(6);
  n.owner_team_id = q.column_opt_int(7);
  n.status = q.column_text(8);
  n.created_at = q.column_text(9);
  return n;
}

}  // namespace

std::optional<number_row> find(database& db, id_t workspace_id, id_t id) {
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM numbers WHERE workspace_id = ?1 AND id = ?2";
  auto& q = db.prepare(sql);
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  return row(q);
}

namespace {
struct active_numbers : bounded_memo<std::string, std::optional<number_row>> {};
struct senders : bounded_memo<std::string, sender_facts> {};
}  // namespace

std::optional<number_row> find_active(database& db, const std::string& e164) {
  if (auto* memo = db.memo<active_numbers>())
    if (auto* known = memo->find(e164)) return *known;
  // Built once: this runs for every webhook.
  static const std::string sql =
      std::string("SELECT ") + columns + " FROM numbers WHERE number = ?1 AND status = 'active'";
  auto& q = db.prepare(sql);
  q.bind(1, e164);
  std::optional<number_row> found;
  if (q.step()) found = row(q);
  q.reset();
  if (auto* memo = db.memo<active_numbers>()) memo->remember(e164, found);
  return found;
}

std::vector<number_row> list(database& db, id_t workspace_id) {
  std::vector<number_row> out;
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM numbers WHERE workspace_id = ?1 AND status = 'active' ORDER BY id");
  q.bind(1, workspace_id);
  while (q.step()) out.push_back(row(q));
  return out;
}

id_t insert(database& db, const number_row& n) {
  db.prepare(
        "INSERT INTO numbers(workspace_id, number, carrier, carrier_sid, capabilities,"
        " owner_teammate_id, owner_team_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind_all(n.workspace_id, n.number, n.carrier, n.carrier_sid, n.capabilities.dump(),
                n.owner_teammate_id, n.owner_team_id, n.created_at)
      .run();
  return db.last_insert_rowid();
}

void set_owner(database& db, id_t workspace_id, id_t id, std::optional<id_t> teammate,
               std::optional<id_t> team) {
  db.prepare("UPDATE numbers SET owner_teammate_id = ?3, owner_team_id = ?4 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, teammate, team)
      .run();
}

void release(database& db, id_t workspace_id, id_t id) {
  db.prepare("UPDATE numbers SET status = 'released' WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id)
      .run();
}

void set_carrier_sid(database& db, id_t workspace_id, id_t id, const std::string& sid) {
  db.prepare("UPDATE numbers SET carrier_sid = ?3 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, sid)
      .run();
}

std::vector<std::string> sandbox_available(database& db, const std::string& area_code, int limit) {
  std::vector<std::string> candidates;
  if (area_code.empty()) {
    // Exchange digits 2-9 first: NANP rules, so the normaliser accepts pool numbers.
    std::set<std::string> seen;
    for (int tries = 0; tries < 50 * limit && static_cast<int>(seen.size()) < limit; ++tries) {
      auto n = "+1555" + std::to_string(2000000 + std::stoul(random_hex(4), nullptr, 16) % 8000000);
      if (seen.insert(n).second) candidates.push_back(n);
    }
  } else {
    for (int i = 0; i < 100; ++i)
      candidates.push_back("+1" + area_code + "55501" + (i < 10 ? "0" : "") + std::to_string(i));
    std::mt19937_64 rng(std::stoull(random_hex(8), nullptr, 16));
    std::shuffle(candidates.begin(), candidates.end(), rng);
  }
  std::vector<std::string> out;
  for (auto& n : candidates) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (!find_active(db, n) && !is_physical_number(db, n)) out.push_back(n);
  }
  return out;
}

bool is_physical_number(database& db, const std::string& e164) {
  auto& q = db.prepare("SELECT 1 FROM teammates WHERE physical_number = ?1 LIMIT 1");
  q.bind(1, e164);
  return q.step();
}

sender_facts classify_sender(database& db, const std::string& e164) {
  if (auto* memo = db.memo<senders>())
    if (auto* known = memo->find(e164)) return *known;
  auto& q = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM numbers WHERE number = ?1 AND status = 'active'),"
      " EXISTS (SELECT 1 FROM teammates WHERE physical_number = ?1)");
  q.bind(1, e164);
  q.step();
  sender_facts facts{q.column_int(0) != 0, q.column_int(1) != 0};
  q.reset();
  if (auto* memo = db.memo<senders>()) memo->remember(e164, facts);
  return facts;
}

std::optional<std::string> webhook_response(database& db, const std::string& carrier,
                                            const std::string& sid, const std::string& step) {
  auto& q = db.prepare("SELECT response FROM webhook_events WHERE carrier = ?1 AND sid = ?2 AND step = ?3");
  q.bind_all(carrier, sid, step);
  if (!q.step()) return std::nullopt;
  return q.column_text(0);
}

void record_webhook(database& db, const std::string& carrier, const std::string& sid,
                    const std::string& step, std::optional<id_t> workspace_id,
                    const std::string& response, const std::string& now) {
  db.prepare(
        "INSERT INTO webhook_events(carrier, sid, step, workspace_id, response, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind_all(carrier, sid, step, workspace_id, response, now)
      .run();
}

std::optional<std::string> claim_webhook(database& db, const std::string& carrier, const std::string& sid,
                                         const std::string& step, std::optional<id_t> workspace_id,
                                         const std::string& response, const std::string& now) {
  db.prepare(
        "INSERT INTO webhook_events(carrier, sid, step, workspace_id, response, created_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (carrier, sid, step) DO NOTHING")
      .bind_all(carrier, sid, step, workspace_id, response, now)
      .run();
  if (db.changes() > 0) return std::nullopt;
  return webhook_response(db, carrier, sid, step).value_or(response);
}

std::optional<conversation_ref> latest_conversation(database& db, id_t workspace_id, id_t contact_id,
                                                    id_t number_id) {
  auto& q = db.prepare(
      "SELECT id, status FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2 AND number_id = ?3"
      " ORDER BY id DESC LIMIT 1");
  q.bind_all(workspace_id, contact_id, number_id);
  if (!q.step()) return std::nullopt;
  return conversation_ref{q.column_int(0), q.column_text(1)};
}

id_t record_sandbox_message(database& db, id_t workspace_id, const std::string& sid,
                            const std::string& from, const std::string& to,
                            const std::string& body, const std::string& now,
                            std::optional<id_t> conversation_id) {
  db.prepare(
        "INSERT INTO sandbox_messages(workspace_id, sid, from_number, to_number, body, created_at,"
        " conversation_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(workspace_id, sid, from, to, body, now, conversation_id)
      .run();
  return db.last_insert_rowid();
}

void delete_sandbox_message(database& db, id_t id) {
  db.prepare("DELETE FROM sandbox_messages WHERE id = ?1").bind_all(id).run();
}

std::vector<sandbox_message> sandbox_messages_to(database& db, std::optional<id_t> workspace_id,
                                                 const std::string& to,
                                                 const std::optional<std::string>& line,
                                                 std::optional<id_t> after, int limit) {
  std::vector<sandbox_message> out;
  // Both branches of the OR use the to_number index.
  auto& q = db.prepare(
      "SELECT id, sid, from_number, to_number, body, created_at FROM sandbox_messages"
      " WHERE (?1 IS NULL OR workspace_id = ?1) AND (?3 IS NULL OR id > ?3)"
      " AND ((to_number = ?2 AND (?4 IS NULL OR from_number = ?4))"
      "      OR (?4 IS NOT NULL AND to_number = ?4 AND from_number = ?2))"
      " ORDER BY id LIMIT ?5");
  q.bind_all(workspace_id, to, after, line, static_cast<std::int64_t>(limit));
  while (q.step())
    out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3),
                   q.column_text(4), q.column_text(5)});
  return out;
}

std::vector<sandbox_line> sandbox_lines(database& db, std::optional<id_t> workspace_id) {
  auto& q = db.prepare(
      "SELECT n.number, coalesce(t.name, g.name) FROM numbers n"
      " LEFT JOIN teammates t ON t.id = n.owner_teammate_id"
      " LEFT JOIN teams g ON g.id = n.owner_team_id"
      " WHERE n.carrier = 'sandbox' AND n.status = 'active' AND (?1 IS NULL OR n.workspace_id = ?1)"
      " ORDER BY n.id");
  q.bind_all(workspace_id);
  std::vector<sandbox_line> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_opt_text(1)});
  q.reset();
  return out;
}

}  // namespace switchboard::store::numbers
