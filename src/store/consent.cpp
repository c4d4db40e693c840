#include "switchboard/store/consent.hpp"

#include <algorithm>

namespace switchboard::store::consent {

id_t record(database& db, const consent_entry& e) {
  db.prepare(
        "INSERT INTO consent_ledger(workspace_id, phone, number_id, state, source, message_id, teammate_id, note,"
        " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind_all(e.workspace_id, e.phone, e.number_id, e.state, e.source, e.message_id, e.teammate_id, e.note,
                e.created_at)
      .run();
  return db.last_insert_rowid();
}

bool opted_out(database& db, id_t workspace_id, const std::string& phone, std::optional<id_t> number_id) {
  // The newest entry that applies: this line's, or one for every line; without a
  // line (a conversation not yet on one), the newest on any.
  auto& q = db.prepare(
      "SELECT state FROM consent_ledger WHERE workspace_id = ?1 AND phone = ?2"
      " AND (?3 IS NULL OR number_id IS NULL OR number_id = ?3) ORDER BY id DESC LIMIT 1");
  q.bind_all(workspace_id, phone, number_id);
  bool out = q.step() && q.column_text(0) == "opted_out";
  q.reset();
  return out;
}

std::vector<consent_entry> history(database& db, id_t workspace_id, const std::vector<std::string>& phones) {
  std::vector<consent_entry> out;
  auto& q = db.prepare(
      "SELECT id, workspace_id, phone, number_id, state, source, message_id, teammate_id, note, created_at"
      " FROM consent_ledger WHERE workspace_id = ?1 AND phone = ?2 ORDER BY id DESC");
  for (auto& phone : phones) {
    q.bind_all(workspace_id, phone);
    while (q.step()) {
      consent_entry e;
      e.id = q.column_int(0);
      e.workspace_id = q.column_int(1);
      e.phone = q.column_text(2);
      e.number_id = q.column_opt_int(3);
      e.state = q.column_text(4);
      e.source = q.column_text(5);
      e.message_id = q.column_opt_int(6);
      e.teammate_id = q.column_opt_int(7);
      e.note = q.column_opt_text(8);
      e.created_at = q.column_text(9);
      out.push_back(std::move(e));
    }
    q.reset();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  return out;
}

}  // namespace switchboard::store::consent
