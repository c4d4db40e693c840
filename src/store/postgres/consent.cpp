// PostgreSQL: consent (repositories.hpp; the SQLite twin is src/store/consent.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

id_t pg_consent_repository::record(const consent_entry& e) {
  return db_
      .run(
          "INSERT INTO consent_ledger(workspace_id, phone, number_id, state, source, message_id, teammate_id, note,"
          " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
          e.workspace_id, e.phone, e.number_id, e.state, e.source, e.message_id, e.teammate_id, e.note,
          e.created_at)
      .integer(0, 0);
}

bool pg_consent_repository::opted_out(id_t workspace_id, const std::string& phone, std::optional<id_t> number_id) {
  // The newest entry that applies: this line's, or one for every line; without a
  // line (a conversation not yet on one), the newest on any.
  auto state = db_.run(
                      "SELECT state FROM consent_ledger WHERE workspace_id = $1 AND phone = $2"
                      " AND ($3::bigint IS NULL OR number_id IS NULL OR number_id = $3::bigint)"
                      " ORDER BY id DESC LIMIT 1",
                      workspace_id, phone, number_id)
                   .opt_text_or_none();
  return state == "opted_out";
}

std::vector<consent_entry> pg_consent_repository::history(id_t workspace_id, const std::vector<std::string>& phones) {
  // Joined to the list (not `= ANY`) so that a phone named twice lists its entries
  // twice, as SQLite's one query per phone does.
  auto r = db_.run(
      "SELECT c.id, c.workspace_id, c.phone, c.number_id, c.state, c.source, c.message_id, c.teammate_id, c.note,"
      " c.created_at FROM unnest($2::text[]) p(phone)"
      " JOIN consent_ledger c ON c.workspace_id = $1 AND c.phone = p.phone ORDER BY c.id DESC",
      workspace_id, phones);
  std::vector<consent_entry> out;
  for (int i = 0; i < r.rows(); ++i) {
    consent_entry e;
    e.id = r.integer(i, 0);
    e.workspace_id = r.integer(i, 1);
    e.phone = r.text(i, 2);
    e.number_id = r.opt_integer(i, 3);
    e.state = r.text(i, 4);
    e.source = r.text(i, 5);
    e.message_id = r.opt_integer(i, 6);
    e.teammate_id = r.opt_integer(i, 7);
    e.note = r.opt_text(i, 8);
    e.created_at = r.text(i, 9);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace switchboard::store
