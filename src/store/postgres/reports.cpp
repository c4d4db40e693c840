// PostgreSQL: the reporting event log, its rollups and each conversation's
// reporting state (repositories.hpp, migrations/postgres/0008_reports.sql; the
// SQLite twin is src/store/sqlite/reports.cpp, the statements both build are
// report_rows.hpp).
#include "../report_rows.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

pg::query_result run(pg::connection& db, const report_rows::statement_text& s) {
  pg::params p;
  for (auto& v : s.params) {
    if (auto n = std::get_if<std::int64_t>(&v)) {
      p.add(*n);
    } else {
      p.add(std::get<std::string>(v));
    }
  }
  return db.query(s.sql, p);
}

}  // namespace

std::optional<reports::conversation_state> pg_report_repository::state_of(id_t workspace_id, id_t conversation_id) {
  auto r = db_.run(
      "SELECT waiting_since, opened_at, responded FROM report_conversation_state"
      " WHERE workspace_id = $1 AND conversation_id = $2",
      workspace_id, conversation_id);
  if (r.rows() == 0) return std::nullopt;
  reports::conversation_state s;
  s.workspace_id = workspace_id;
  s.conversation_id = conversation_id;
  s.waiting_since = r.opt_text(0, 0);
  s.opened_at = r.opt_text(0, 1);
  s.responded = r.integer(0, 2) != 0;
  return s;
}

void pg_report_repository::save_state(const reports::conversation_state& s) {
  db_.run(
      "INSERT INTO report_conversation_state(workspace_id, conversation_id, waiting_since, opened_at, responded)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, conversation_id) DO UPDATE SET"
      " waiting_since = excluded.waiting_since, opened_at = excluded.opened_at, responded = excluded.responded",
      s.workspace_id, s.conversation_id, s.waiting_since, s.opened_at, static_cast<std::int64_t>(s.responded));
}

void pg_report_repository::add_event(const reports::event& e) {
  db_.run(
      "INSERT INTO report_events(workspace_id, conversation_id, kind, at, team_id, teammate_id, channel, number_id,"
      " wall_seconds, business_seconds, value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      e.workspace_id, e.conversation_id, e.kind, e.at, e.team_id, e.teammate_id, e.channel, e.number_id,
      e.wall_seconds, e.business_seconds, e.value);
}

void pg_report_repository::add_rollups(id_t workspace_id, const std::vector<reports::rollup_change>& changes) {
  if (changes.empty()) return;
  // One statement for the job's rows (one round trip); rows naming the same key are
  // summed first, as ON CONFLICT may not touch a row twice in one statement.
  std::vector<std::string> dims, values, periods, metrics;
  std::vector<std::int64_t> buckets, ns, totals;
  for (auto& c : changes) {
    bool merged = false;
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (dims[i] == c.dim && values[i] == c.dim_value && periods[i] == c.period && metrics[i] == c.metric &&
          buckets[i] == c.bucket) {
        ns[i] += c.n;
        totals[i] += c.total;
        merged = true;
        break;
      }
    if (merged) continue;
    dims.push_back(c.dim);
    values.push_back(c.dim_value);
    periods.push_back(c.period);
    metrics.push_back(c.metric);
    buckets.push_back(c.bucket);
    ns.push_back(c.n);
    totals.push_back(c.total);
  }
  pg::params p;
  p.add(workspace_id).add(dims).add(values).add(periods).add(metrics).add(buckets).add(ns).add(totals);
  db_.query(
      "INSERT INTO report_rollups(workspace_id, dim, dim_value, period, metric, bucket, n, total)"
      " SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],"
      " $8::bigint[]) ON CONFLICT (workspace_id, dim, dim_value, period, metric, bucket)"
      " DO UPDATE SET n = report_rollups.n + excluded.n, total = report_rollups.total + excluded.total",
      p);
}

std::vector<reports::rollup_sum> pg_report_repository::rollups(id_t workspace_id, const std::string& dim,
                                                               const std::string& dim_value, const std::string& from,
                                                               const std::string& to, bool by_period,
                                                               const std::vector<std::string>& metrics) {
  auto r = run(db_, report_rows::rollups_sql('$', workspace_id, dim, dim_value, from, to, by_period, metrics));
  std::vector<reports::rollup_sum> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4)});
  return out;
}

std::vector<reports::event> pg_report_repository::events(id_t workspace_id, const reports::event_filter& f,
                                                         const std::string& from, const std::string& to,
                                                         const std::vector<std::string>& kinds) {
  auto r = run(db_, report_rows::events_sql('$', workspace_id, f, from, to, kinds));
  std::vector<reports::event> out;
  for (int i = 0; i < r.rows(); ++i) {
    reports::event e;
    e.id = r.integer(i, 0);
    e.workspace_id = r.integer(i, 1);
    e.conversation_id = r.integer(i, 2);
    e.kind = r.text(i, 3);
    e.at = r.text(i, 4);
    e.team_id = r.opt_integer(i, 5);
    e.teammate_id = r.opt_integer(i, 6);
    e.number_id = r.opt_integer(i, 7);
    e.channel = r.text(i, 8);
    e.wall_seconds = r.opt_integer(i, 9);
    e.business_seconds = r.opt_integer(i, 10);
    e.value = r.opt_integer(i, 11);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<reports::message_tick> pg_report_repository::messages(id_t workspace_id, const reports::event_filter& f,
                                                                  const std::string& from, const std::string& to) {
  auto r = run(db_, report_rows::messages_sql('$', workspace_id, f, from, to));
  std::vector<reports::message_tick> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1) == "contact"});
  return out;
}

std::vector<reports::conversation_row> pg_report_repository::conversations(
    id_t workspace_id, const reports::event_filter& f, const std::string& kind, const std::string& from,
    const std::string& to, const std::optional<std::pair<std::string, id_t>>& after, int limit) {
  auto labels = std::string(
      "(SELECT string_agg(l.label::text, chr(31) ORDER BY l.label) FROM conversation_labels l"
      " WHERE l.workspace_id = c.workspace_id AND l.conversation_id = c.id)");
  auto r = run(db_, report_rows::conversations_sql('$', workspace_id, f, kind, from, to, after, limit, labels));
  std::vector<reports::conversation_row> out;
  for (int i = 0; i < r.rows(); ++i) {
    reports::conversation_row c;
    c.event_id = r.integer(i, 0);
    c.event_at = r.text(i, 1);
    c.id = r.integer(i, 2);
    c.status = r.text(i, 3);
    c.channel = r.text(i, 4);
    c.created_at = r.text(i, 5);
    c.contact_name = r.opt_text(i, 6);
    c.first_response_at = r.opt_text(i, 7);
    c.resolved_at = r.opt_text(i, 8);
    c.assignee_name = r.opt_text(i, 9);
    c.team_name = r.opt_text(i, 10);
    c.assignee_id = r.opt_integer(i, 11);
    c.team_id = r.opt_integer(i, 12);
    c.labels = report_rows::split_labels(r.opt_text(i, 13));
    c.first_response_wall = r.opt_integer(i, 14);
    c.first_response_business = r.opt_integer(i, 15);
    c.resolution_wall = r.opt_integer(i, 16);
    c.resolution_business = r.opt_integer(i, 17);
    c.csat_rating = r.opt_integer(i, 18);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<reports::total_row> pg_report_repository::totals(const std::vector<std::string>& metrics) {
  auto r = run(db_, report_rows::totals_sql('$', metrics));
  std::vector<reports::total_row> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4), r.integer(i, 5),
                   r.integer(i, 6)});
  return out;
}

std::vector<reports::open_count> pg_report_repository::open_by_team() {
  auto r = db_.query(report_rows::open_by_team_sql);
  std::vector<reports::open_count> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.opt_integer(i, 1), r.integer(i, 2)});
  return out;
}

std::vector<reports::backfill_item> pg_report_repository::backfill_pending(int limit) {
  auto r = db_.run(
      "SELECT workspace_id, conversation_id, through FROM report_backfill ORDER BY workspace_id, conversation_id"
      " LIMIT $1",
      static_cast<std::int64_t>(limit));
  std::vector<reports::backfill_item> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2)});
  return out;
}

bool pg_report_repository::take_backfill(id_t workspace_id, id_t conversation_id) {
  // A row another instance deleted in a transaction not yet committed waits for it,
  // then counts 0: only one replay per conversation.
  return db_.run("DELETE FROM report_backfill WHERE workspace_id = $1 AND conversation_id = $2", workspace_id,
                 conversation_id)
             .affected() > 0;
}

}  // namespace switchboard::store
