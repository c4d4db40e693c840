// SQLite: the reporting event log, its rollups and each conversation's reporting
// state (repositories.hpp, migrations/0025_reports.sql; the PostgreSQL twin is
// src/store/postgres/reports.cpp, the statements both build are report_rows.hpp).
#include "../report_rows.hpp"
#include "switchboard/store/sqlite_unit_of_work.hpp"

namespace switchboard::store {

namespace {

statement& prepared(database& db, const report_rows::statement_text& s) {
  auto& q = db.prepare(s.sql);
  int i = 0;
  for (auto& v : s.params) {
    ++i;
    if (auto n = std::get_if<std::int64_t>(&v)) {
      q.bind(i, *n);
    } else {
      q.bind(i, std::get<std::string>(v));
    }
  }
  return q;
}

}  // namespace

std::optional<reports::conversation_state> sqlite_report_repository::state_of(id_t workspace_id,
                                                                              id_t conversation_id) {
  auto& q = db_.prepare(
      "SELECT waiting_since, opened_at, responded FROM report_conversation_state"
      " WHERE workspace_id = ?1 AND conversation_id = ?2");
  q.bind_all(workspace_id, conversation_id);
  std::optional<reports::conversation_state> out;
  if (q.step()) {
    out.emplace();
    out->workspace_id = workspace_id;
    out->conversation_id = conversation_id;
    out->waiting_since = q.column_opt_text(0);
    out->opened_at = q.column_opt_text(1);
    out->responded = q.column_int(2) != 0;
  }
  q.reset();
  return out;
}

void sqlite_report_repository::save_state(const reports::conversation_state& s) {
  db_.prepare(
         "INSERT INTO report_conversation_state(workspace_id, conversation_id, waiting_since, opened_at, responded)"
         " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET"
         " waiting_since = excluded.waiting_since, opened_at = excluded.opened_at, responded = excluded.responded")
      .bind_all(s.workspace_id, s.conversation_id, s.waiting_since, s.opened_at, static_cast<std::int64_t>(s.responded))
      .run();
}

void sqlite_report_repository::add_event(const reports::event& e) {
  db_.prepare(
         "INSERT INTO report_events(workspace_id, conversation_id, kind, at, team_id, teammate_id, channel, number_id,"
         " wall_seconds, business_seconds, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
      .bind_all(e.workspace_id, e.conversation_id, e.kind, e.at, e.team_id, e.teammate_id, e.channel, e.number_id,
                e.wall_seconds, e.business_seconds, e.value)
      .run();
}

void sqlite_report_repository::add_rollups(id_t workspace_id, const std::vector<reports::rollup_change>& changes) {
  for (auto& c : changes)
    db_.prepare(
           "INSERT INTO report_rollups(workspace_id, dim, dim_value, period, metric, bucket, n, total)"
           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (workspace_id, dim, dim_value, period, metric, bucket)"
           " DO UPDATE SET n = n + excluded.n, total = total + excluded.total")
        .bind_all(workspace_id, c.dim, c.dim_value, c.period, c.metric, c.bucket, c.n, c.total)
        .run();
}

std::vector<reports::rollup_sum> sqlite_report_repository::rollups(id_t workspace_id, const std::string& dim,
                                                                   const std::string& dim_value,
                                                                   const std::string& from, const std::string& to,
                                                                   bool by_period,
                                                                   const std::vector<std::string>& metrics) {
  auto& q = prepared(db_, report_rows::rollups_sql('?', workspace_id, dim, dim_value, from, to, by_period, metrics));
  std::vector<reports::rollup_sum> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1), q.column_int(2), q.column_int(3), q.column_int(4)});
  q.reset();
  return out;
}

std::vector<reports::event> sqlite_report_repository::events(id_t workspace_id, const reports::event_filter& f,
                                                             const std::string& from, const std::string& to,
                                                             const std::vector<std::string>& kinds) {
  auto& q = prepared(db_, report_rows::events_sql('?', workspace_id, f, from, to, kinds));
  std::vector<reports::event> out;
  while (q.step()) {
    reports::event e;
    e.id = q.column_int(0);
    e.workspace_id = q.column_int(1);
    e.conversation_id = q.column_int(2);
    e.kind = q.column_text(3);
    e.at = q.column_text(4);
    e.team_id = q.column_opt_int(5);
    e.teammate_id = q.column_opt_int(6);
    e.number_id = q.column_opt_int(7);
    e.channel = q.column_text(8);
    e.wall_seconds = q.column_opt_int(9);
    e.business_seconds = q.column_opt_int(10);
    e.value = q.column_opt_int(11);
    out.push_back(std::move(e));
  }
  q.reset();
  return out;
}

std::vector<reports::message_tick> sqlite_report_repository::messages(id_t workspace_id,
                                                                      const reports::event_filter& f,
                                                                      const std::string& from, const std::string& to) {
  auto& q = prepared(db_, report_rows::messages_sql('?', workspace_id, f, from, to));
  std::vector<reports::message_tick> out;
  while (q.step()) out.push_back({q.column_text(0), q.column_text(1) == "contact"});
  q.reset();
  return out;
}

std::vector<reports::conversation_row> sqlite_report_repository::conversations(
    id_t workspace_id, const reports::event_filter& f, const std::string& kind, const std::string& from,
    const std::string& to, const std::optional<std::pair<std::string, id_t>>& after, int limit) {
  auto labels = std::string(
      "(SELECT group_concat(label, char(31)) FROM (SELECT l.label FROM conversation_labels l"
      " WHERE l.workspace_id = c.workspace_id AND l.conversation_id = c.id ORDER BY l.label))");
  auto& q = prepared(db_, report_rows::conversations_sql('?', workspace_id, f, kind, from, to, after, limit, labels));
  std::vector<reports::conversation_row> out;
  while (q.step()) {
    reports::conversation_row r;
    r.event_id = q.column_int(0);
    r.event_at = q.column_text(1);
    r.id = q.column_int(2);
    r.status = q.column_text(3);
    r.channel = q.column_text(4);
    r.created_at = q.column_text(5);
    r.contact_name = q.column_opt_text(6);
    r.first_response_at = q.column_opt_text(7);
    r.resolved_at = q.column_opt_text(8);
    r.assignee_name = q.column_opt_text(9);
    r.team_name = q.column_opt_text(10);
    r.assignee_id = q.column_opt_int(11);
    r.team_id = q.column_opt_int(12);
    r.labels = report_rows::split_labels(q.column_opt_text(13));
    r.first_response_wall = q.column_opt_int(14);
    r.first_response_business = q.column_opt_int(15);
    r.resolution_wall = q.column_opt_int(16);
    r.resolution_business = q.column_opt_int(17);
    r.csat_rating = q.column_opt_int(18);
    out.push_back(std::move(r));
  }
  q.reset();
  return out;
}

std::vector<reports::total_row> sqlite_report_repository::totals(const std::vector<std::string>& metrics) {
  auto& q = prepared(db_, report_rows::totals_sql('?', metrics));
  std::vector<reports::total_row> out;
  while (q.step())
    out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_int(4),
                   q.column_int(5), q.column_int(6)});
  q.reset();
  return out;
}

std::vector<reports::open_count> sqlite_report_repository::open_by_team() {
  auto& q = db_.prepare(report_rows::open_by_team_sql);
  std::vector<reports::open_count> out;
  while (q.step()) out.push_back({q.column_int(0), q.column_opt_int(1), q.column_int(2)});
  q.reset();
  return out;
}

std::vector<reports::backfill_item> sqlite_report_repository::backfill_pending(int limit) {
  auto& q = db_.prepare(
      "SELECT workspace_id, conversation_id, through FROM report_backfill ORDER BY workspace_id, conversation_id"
      " LIMIT ?1");
  q.bind(1, static_cast<std::int64_t>(limit));
  std::vector<reports::backfill_item> out;
  while (q.step()) out.push_back({q.column_int(0), q.column_int(1), q.column_text(2)});
  q.reset();
  return out;
}

bool sqlite_report_repository::take_backfill(id_t workspace_id, id_t conversation_id) {
  db_.prepare("DELETE FROM report_backfill WHERE workspace_id = ?1 AND conversation_id = ?2")
      .bind_all(workspace_id, conversation_id)
      .run();
  return db_.changes() > 0;
}

}  // namespace switchboard::store
