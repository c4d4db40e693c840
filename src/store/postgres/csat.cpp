// PostgreSQL: CSAT surveys (repositories.hpp, migrations/postgres/0007_csat.sql; the
// SQLite twin is src/store/sqlite/csat.cpp).
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* survey_columns =
    "s.id, s.workspace_id, s.conversation_id, s.contact_id, s.channel, s.token, s.teammate_id, s.number_id, s.phone,"
    " s.message_id, s.status, s.rating, s.comment, s.sent_at, s.answered_at, s.expires_at";

std::vector<csat::survey> surveys_of(const pg::query_result& r) {
  std::vector<csat::survey> out;
  for (int i = 0; i < r.rows(); ++i) {
    csat::survey s;
    s.id = r.integer(i, 0);
    s.workspace_id = r.integer(i, 1);
    s.conversation_id = r.integer(i, 2);
    s.contact_id = r.integer(i, 3);
    s.channel = r.text(i, 4);
    s.token = r.text(i, 5);
    s.teammate_id = r.opt_integer(i, 6);
    s.number_id = r.opt_integer(i, 7);
    s.phone = r.opt_text(i, 8);
    s.message_id = r.opt_integer(i, 9);
    s.status = r.text(i, 10);
    s.rating = r.opt_integer(i, 11);
    s.comment = r.opt_text(i, 12);
    s.sent_at = r.text(i, 13);
    s.answered_at = r.opt_text(i, 14);
    s.expires_at = r.text(i, 15);
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<csat::survey> first_of(const pg::query_result& r) {
  auto rows = surveys_of(r);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

}  // namespace

id_t pg_csat_repository::insert(const csat::survey& s) {
  return db_
      .run(
          "INSERT INTO csat_surveys(workspace_id, conversation_id, contact_id, channel, token, teammate_id,"
          " number_id, phone, message_id, status, rating, comment, sent_at, answered_at, expires_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
          s.workspace_id, s.conversation_id, s.contact_id, s.channel, s.token, s.teammate_id, s.number_id, s.phone,
          s.message_id, s.status, s.rating, s.comment, s.sent_at, s.answered_at, s.expires_at)
      .integer(0, 0);
}

std::optional<csat::survey> pg_csat_repository::find(id_t workspace_id, id_t id) {
  return first_of(db_.run(std::string("SELECT ") + survey_columns +
                              " FROM csat_surveys s WHERE s.workspace_id = $1 AND s.id = $2",
                          workspace_id, id));
}

std::optional<csat::survey> pg_csat_repository::find_by_token(const std::string& token) {
  return first_of(
      db_.run(std::string("SELECT ") + survey_columns + " FROM csat_surveys s WHERE s.token = $1", token));
}

std::optional<csat::survey> pg_csat_repository::find_open_sms(id_t workspace_id, const std::string& phone,
                                                              id_t number_id, const std::string& now) {
  return first_of(db_.run(std::string("SELECT ") + survey_columns +
                              " FROM csat_surveys s WHERE s.phone = $2 AND s.number_id = $3 AND s.channel = 'sms'"
                              " AND s.status = 'sent' AND s.workspace_id = $1 AND s.expires_at > $4"
                              " ORDER BY s.id DESC LIMIT 1",
                          workspace_id, phone, number_id, now));
}

bool pg_csat_repository::answer(id_t workspace_id, id_t id, std::int64_t rating,
                                const std::optional<std::string>& comment, const std::string& answered_at) {
  return db_
             .run(
                 "UPDATE csat_surveys SET status = 'answered', rating = $3, comment = $4, answered_at = $5"
                 " WHERE workspace_id = $1 AND id = $2 AND status = 'sent'",
                 workspace_id, id, rating, comment, answered_at)
             .affected() > 0;
}

std::optional<csat::survey> pg_csat_repository::latest_for_conversation(id_t workspace_id, id_t conversation_id) {
  return first_of(db_.run(std::string("SELECT ") + survey_columns +
                              " FROM csat_surveys s WHERE s.conversation_id = $2 AND s.workspace_id = $1"
                              " ORDER BY s.id DESC LIMIT 1",
                          workspace_id, conversation_id));
}

std::vector<csat::survey> pg_csat_repository::answered_for_contact(id_t workspace_id, id_t contact_id, int limit) {
  return surveys_of(db_.run(std::string("SELECT ") + survey_columns +
                                " FROM csat_surveys s JOIN conversations c ON c.id = s.conversation_id"
                                " WHERE c.workspace_id = $1 AND c.contact_id = $2 AND s.status = 'answered'"
                                " ORDER BY s.answered_at DESC, s.id DESC LIMIT $3",
                            workspace_id, contact_id, limit));
}

csat::summary pg_csat_repository::summary_of_contact(id_t workspace_id, id_t contact_id) {
  auto r = db_.run(
      "SELECT count(*), COALESCE(SUM(s.rating), 0) FROM csat_surveys s JOIN conversations c"
      " ON c.id = s.conversation_id WHERE c.workspace_id = $1 AND c.contact_id = $2 AND s.status = 'answered'",
      workspace_id, contact_id);
  csat::summary out;
  if (r.rows() > 0) {
    out.count = r.integer(0, 0);
    auto sum = r.integer(0, 1);
    if (out.count > 0) out.average = static_cast<double>(sum) / static_cast<double>(out.count);
  }
  return out;
}

}  // namespace switchboard::store
