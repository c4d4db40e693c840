// SQLite: CSAT surveys (repositories.hpp, migrations/0024_csat.sql; the PostgreSQL
// twin is src/store/postgres/csat.cpp).
#include "switchboard/store/sqlite_unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* survey_columns =
    "s.id, s.workspace_id, s.conversation_id, s.contact_id, s.channel, s.token, s.teammate_id, s.number_id, s.phone,"
    " s.message_id, s.status, s.rating, s.comment, s.sent_at, s.answered_at, s.expires_at";

csat::survey survey_row(statement& q) {
  csat::survey s;
  s.id = q.column_int(0);
  s.workspace_id = q.column_int(1);
  s.conversation_id = q.column_int(2);
  s.contact_id = q.column_int(3);
  s.channel = q.column_text(4);
  s.token = q.column_text(5);
  s.teammate_id = q.column_opt_int(6);
  s.number_id = q.column_opt_int(7);
  s.phone = q.column_opt_text(8);
  s.message_id = q.column_opt_int(9);
  s.status = q.column_text(10);
  s.rating = q.column_opt_int(11);
  s.comment = q.column_opt_text(12);
  s.sent_at = q.column_text(13);
  s.answered_at = q.column_opt_text(14);
  s.expires_at = q.column_text(15);
  return s;
}

std::vector<csat::survey> surveys_of(statement& q) {
  std::vector<csat::survey> out;
  while (q.step()) out.push_back(survey_row(q));
  q.reset();
  return out;
}

std::optional<csat::survey> first_of(statement& q) {
  auto rows = surveys_of(q);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

}  // namespace

id_t sqlite_csat_repository::insert(const csat::survey& s) {
  db_.prepare(
         "INSERT INTO csat_surveys(workspace_id, conversation_id, contact_id, channel, token, teammate_id, number_id,"
         " phone, message_id, status, rating, comment, sent_at, answered_at, expires_at)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)")
      .bind_all(s.workspace_id, s.conversation_id, s.contact_id, s.channel, s.token, s.teammate_id, s.number_id,
                s.phone, s.message_id, s.status, s.rating, s.comment, s.sent_at, s.answered_at, s.expires_at)
      .run();
  return db_.last_insert_rowid();
}

std::optional<csat::survey> sqlite_csat_repository::find(id_t workspace_id, id_t id) {
  auto& q = db_.prepare(std::string("SELECT ") + survey_columns +
                        " FROM csat_surveys s WHERE s.workspace_id = ?1 AND s.id = ?2");
  q.bind_all(workspace_id, id);
  return first_of(q);
}

std::optional<csat::survey> sqlite_csat_repository::find_by_token(const std::string& token) {
  auto& q = db_.prepare(std::string("SELECT ") + survey_columns + " FROM csat_surveys s WHERE s.token = ?1");
  q.bind(1, token);
  return first_of(q);
}

std::optional<csat::survey> sqlite_csat_repository::find_open_sms(id_t workspace_id, const std::string& phone,
                                                                  id_t number_id, const std::string& now) {
  auto& q = db_.prepare(std::string("SELECT ") + survey_columns +
                        " FROM csat_surveys s WHERE s.phone = ?2 AND s.number_id = ?3 AND s.channel = 'sms'"
                        " AND s.status = 'sent' AND s.workspace_id = ?1 AND s.expires_at > ?4"
                        " ORDER BY s.id DESC LIMIT 1");
  q.bind_all(workspace_id, phone, number_id, now);
  return first_of(q);
}

bool sqlite_csat_repository::answer(id_t workspace_id, id_t id, std::int64_t rating,
                                    const std::optional<std::string>& comment, const std::string& answered_at) {
  db_.prepare(
         "UPDATE csat_surveys SET status = 'answered', rating = ?3, comment = ?4, answered_at = ?5"
         " WHERE workspace_id = ?1 AND id = ?2 AND status = 'sent'")
      .bind_all(workspace_id, id, rating, comment, answered_at)
      .run();
  return db_.changes() > 0;
}

std::optional<csat::survey> sqlite_csat_repository::latest_for_conversation(id_t workspace_id,
                                                                            id_t conversation_id) {
  auto& q = db_.prepare(std::string("SELECT ") + survey_columns +
                        " FROM csat_surveys s WHERE s.conversation_id = ?2 AND s.workspace_id = ?1"
                        " ORDER BY s.id DESC LIMIT 1");
  q.bind_all(workspace_id, conversation_id);
  return first_of(q);
}

std::vector<csat::survey> sqlite_csat_repository::answered_for_contact(id_t workspace_id, id_t contact_id,
                                                                       int limit) {
  auto& q = db_.prepare(std::string("SELECT ") + survey_columns +
                        " FROM csat_surveys s JOIN conversations c ON c.id = s.conversation_id"
                        " WHERE c.workspace_id = ?1 AND c.contact_id = ?2 AND s.status = 'answered'"
                        " ORDER BY s.answered_at DESC, s.id DESC LIMIT ?3");
  q.bind_all(workspace_id, contact_id, static_cast<std::int64_t>(limit));
  return surveys_of(q);
}

csat::summary sqlite_csat_repository::summary_of_contact(id_t workspace_id, id_t contact_id) {
  auto& q = db_.prepare(
      "SELECT count(*), COALESCE(SUM(s.rating), 0) FROM csat_surveys s JOIN conversations c"
      " ON c.id = s.conversation_id WHERE c.workspace_id = ?1 AND c.contact_id = ?2 AND s.status = 'answered'");
  q.bind_all(workspace_id, contact_id);
  csat::summary out;
  if (q.step()) {
    out.count = q.column_int(0);
    auto sum = q.column_int(1);
    if (out.count > 0) out.average = static_cast<double>(sum) / static_cast<double>(out.count);
  }
  q.reset();
  return out;
}

}  // namespace switchboard::store
