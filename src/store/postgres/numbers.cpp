// PostgreSQL: numbers (repositories.hpp; the SQLite twin is src/store/numbers.cpp).
#include <algorithm>
#include <random>
#include <set>

#include "switchboard/core/random.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* number_select =
    "SELECT id, workspace_id, number, carrier, carrier_sid, capabilities, owner_teammate_id,"
    " owner_team_id, status, created_at FROM numbers";

numbers::number_row number_row(const pg::query_result& r, int i) {
  numbers::number_row n;
  n.id = r.integer(i, 0);
  n.workspace_id = r.integer(i, 1);
  n.number = r.text(i, 2);
  n.carrier = r.text(i, 3);
  n.carrier_sid = r.opt_text(i, 4);
  n.capabilities = nlohmann::json::parse(r.text(i, 5), nullptr, false);
  n.owner_teammate_id = r.opt_integer(i, 6);
  n.owner_team_id = r.opt_integer(i, 7);
  n.status = r.text(i, 8);
  n.created_at = r.text(i, 9);
  return n;
}

}  // namespace

std::optional<numbers::number_row> pg_number_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string(number_select) + " WHERE workspace_id = $1 AND id = $2",
                   workspace_id, id);
  if (r.empty()) return std::nullopt;
  return number_row(r, 0);
}

// SQLite memoizes this per connection; here the partial unique index numbers_active
// answers it, and several instances share the table, so there is nothing to cache.
std::optional<numbers::number_row> pg_number_repository::find_active(const std::string& e164) {
  auto r = db_.run(std::string(number_select) + " WHERE number = $1 AND status = 'active'", e164);
  if (r.empty()) return std::nullopt;
  return number_row(r, 0);
}

std::vector<numbers::number_row> pg_number_repository::list(id_t workspace_id) {
  auto r = db_.run(
      std::string(number_select) + " WHERE workspace_id = $1 AND status = 'active' ORDER BY id",
      workspace_id);
  std::vector<numbers::number_row> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(number_row(r, i));
  return out;
}

id_t pg_number_repository::insert(const numbers::number_row& n) {
  // numbers_active makes a number active elsewhere a unique violation: CONFLICT.
  return db_
      .run(
          "INSERT INTO numbers(workspace_id, number, carrier, carrier_sid, capabilities,"
          " owner_teammate_id, owner_team_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
          " RETURNING id",
          n.workspace_id, n.number, n.carrier, n.carrier_sid, n.capabilities.dump(),
          n.owner_teammate_id, n.owner_team_id, n.created_at)
      .integer(0, 0);
}

void pg_number_repository::set_owner(id_t workspace_id, id_t id, std::optional<id_t> teammate,
                                     std::optional<id_t> team) {
  db_.run(
      "UPDATE numbers SET owner_teammate_id = $3, owner_team_id = $4"
      " WHERE workspace_id = $1 AND id = $2",
      workspace_id, id, teammate, team);
}

void pg_number_repository::release(id_t workspace_id, id_t id) {
  db_.run("UPDATE numbers SET status = 'released' WHERE workspace_id = $1 AND id = $2",
          workspace_id, id);
}

void pg_number_repository::set_carrier_sid(id_t workspace_id, id_t id, const std::string& sid) {
  db_.run("UPDATE numbers SET carrier_sid = $3 WHERE workspace_id = $1 AND id = $2", workspace_id,
          id, sid);
}

std::vector<std::string> pg_number_repository::sandbox_available(const std::string& area_code,
                                                                 int limit) {
  // The same candidates as SQLite's (numbers.hpp says which), checked the same way.
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
    if (!find_active(n) && !is_physical_number(n)) out.push_back(n);
  }
  return out;
}

bool pg_number_repository::is_physical_number(const std::string& e164) {
  return !db_.run("SELECT 1 FROM teammates WHERE physical_number = $1 LIMIT 1", e164).empty();
}

numbers::sender_facts pg_number_repository::classify_sender(const std::string& e164) {
  auto r = db_.run(
      "SELECT EXISTS (SELECT 1 FROM numbers WHERE number = $1 AND status = 'active'),"
      " EXISTS (SELECT 1 FROM teammates WHERE physical_number = $1)",
      e164);
  return numbers::sender_facts{r.boolean(0, 0), r.boolean(0, 1)};
}

std::optional<numbers::conversation_ref> pg_number_repository::latest_conversation(
    id_t workspace_id, id_t contact_id, id_t number_id) {
  // The contact's row is locked first, until the job commits: two first texts of one
  // contact on one line, taken by two instances at once, would otherwise both find
  // no conversation and open one each. The second waits here, and under READ
  // COMMITTED its next statement sees the conversation the first one opened.
  db_.run("SELECT 1 FROM contacts WHERE workspace_id = $1 AND id = $2 FOR UPDATE", workspace_id,
          contact_id);
  auto r = db_.run(
      "SELECT id, status FROM conversations"
      " WHERE workspace_id = $1 AND contact_id = $2 AND number_id = $3 ORDER BY id DESC LIMIT 1",
      workspace_id, contact_id, number_id);
  if (r.empty()) return std::nullopt;
  return numbers::conversation_ref{r.integer(0, 0), r.text(0, 1)};
}

std::optional<std::string> pg_number_repository::webhook_response(const std::string& carrier,
                                                                  const std::string& sid,
                                                                  const std::string& step) {
  return db_
      .run("SELECT response FROM webhook_events WHERE carrier = $1 AND sid = $2 AND step = $3",
           carrier, sid, step)
      .opt_text_or_none();
}

void pg_number_repository::record_webhook(const std::string& carrier, const std::string& sid,
                                          const std::string& step, std::optional<id_t> workspace_id,
                                          const std::string& response, const std::string& now) {
  db_.run(
      "INSERT INTO webhook_events(carrier, sid, step, workspace_id, response, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6)",
      carrier, sid, step, workspace_id, response, now);
}

std::optional<std::string> pg_number_repository::claim_webhook(
    const std::string& carrier, const std::string& sid, const std::string& step,
    std::optional<id_t> workspace_id, const std::string& response, const std::string& now) {
  // The UNIQUE (carrier, sid, step) decides: a concurrent claim's INSERT waits for
  // the first one's transaction, then inserts nothing once it commits (or inserts,
  // when it rolled back). Only the statement that inserted gets a row back.
  auto claimed = db_.run(
      "INSERT INTO webhook_events(carrier, sid, step, workspace_id, response, created_at)"
      " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (carrier, sid, step) DO NOTHING RETURNING id",
      carrier, sid, step, workspace_id, response, now);
  if (!claimed.empty()) return std::nullopt;
  // READ COMMITTED: this statement's snapshot sees the winner's committed row.
  return webhook_response(carrier, sid, step).value_or(response);
}

id_t pg_number_repository::record_sandbox_message(id_t workspace_id, const std::string& sid,
                                                  const std::string& from, const std::string& to,
                                                  const std::string& body, const std::string& now,
                                                  std::optional<id_t> conversation_id) {
  return db_
      .run(
          "INSERT INTO sandbox_messages(workspace_id, sid, from_number, to_number, body,"
          " created_at, conversation_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          workspace_id, sid, from, to, body, now, conversation_id)
      .integer(0, 0);
}

void pg_number_repository::delete_sandbox_message(id_t id) {
  db_.run("DELETE FROM sandbox_messages WHERE id = $1", id);
}

std::vector<numbers::sandbox_line> pg_number_repository::sandbox_lines(
    std::optional<id_t> workspace_id) {
  auto r = db_.run(
      "SELECT n.number, coalesce(t.name, g.name) FROM numbers n"
      " LEFT JOIN teammates t ON t.id = n.owner_teammate_id"
      " LEFT JOIN teams g ON g.id = n.owner_team_id"
      " WHERE n.carrier = 'sandbox' AND n.status = 'active'"
      " AND ($1::bigint IS NULL OR n.workspace_id = $1)"
      " ORDER BY n.id",
      workspace_id);
  std::vector<numbers::sandbox_line> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.opt_text(i, 1)});
  return out;
}

std::vector<numbers::sandbox_message> pg_number_repository::sandbox_messages_to(
    std::optional<id_t> workspace_id, const std::string& to, const std::optional<std::string>& line,
    std::optional<id_t> after, int limit) {
  auto r = db_.run(
      "SELECT id, sid, from_number, to_number, body, created_at FROM sandbox_messages"
      " WHERE ($1::bigint IS NULL OR workspace_id = $1) AND ($3::bigint IS NULL OR id > $3)"
      " AND ((to_number = $2 AND ($4::text IS NULL OR from_number = $4))"
      "      OR ($4::text IS NOT NULL AND to_number = $4 AND from_number = $2))"
      " ORDER BY id LIMIT $5",
      workspace_id, to, after, line, limit);
  std::vector<numbers::sandbox_message> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(
        {r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
  return out;
}

}  // namespace switchboard::store
