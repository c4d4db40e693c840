// Checks that bench_scale_gen's report tables are what the daemon's own writer
// would have written: replays a generated data directory's conversations and
// messages through services::report_log (the code add_conversation, add_message
// and update_conversation call) into emptied report tables, in one transaction,
// compares every report_events, report_rollups and report_conversation_state row
// with the generator's; then does the same through the history replay of an
// upgraded installation (services::replay_report_history, one conversation at a
// time), and rolls back (the file is left as it was).
//
//   bench_report_check dir=DIR
//   bench_report_check dir=DIR write_cost=MESSAGES   (the writer's cost of the reports)
//
// The replay is row by row (an upsert per rollup row, as the daemon does), so
// it is for a small dataset: bench/scale.sh runs it on a tiny one first. The
// timeline is the one the generator documents: created with the first message,
// resolved at resolved_at, nothing reopened.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "switchboard/services/reports.hpp"
#include "switchboard/store/sqlite.hpp"
#include "switchboard/store/sqlite_unit_of_work.hpp"

namespace st = switchboard::store;
namespace sv = switchboard::services;

namespace {

// Every column of a query's rows as text (NULL as "∅"), sorted: row order and
// event ids are not part of what the writer decides.
std::vector<std::string> rows_of(st::database& db, const std::string& sql, int columns) {
  auto& q = db.prepare(sql);
  std::vector<std::string> out;
  while (q.step()) {
    std::string row;
    for (int i = 0; i < columns; ++i) row += (i ? "|" : "") + q.column_opt_text(i).value_or("∅");
    out.push_back(std::move(row));
  }
  q.reset();
  std::sort(out.begin(), out.end());
  return out;
}

const char* const events_sql =
    "SELECT conversation_id, kind, at, team_id, teammate_id, channel, number_id, wall_seconds, business_seconds,"
    " value FROM report_events";
const char* const rollups_sql = "SELECT dim, dim_value, period, metric, bucket, n, total FROM report_rollups";
const char* const states_sql =
    "SELECT conversation_id, waiting_since, opened_at, responded FROM report_conversation_state";

bool same(const char* what, const std::vector<std::string>& generated, const std::vector<std::string>& replayed) {
  if (generated == replayed) {
    std::cout << what << ": " << generated.size() << " rows, the same\n";
    return true;
  }
  std::vector<std::string> only_gen, only_replay;
  std::set_difference(generated.begin(), generated.end(), replayed.begin(), replayed.end(),
                      std::back_inserter(only_gen));
  std::set_difference(replayed.begin(), replayed.end(), generated.begin(), generated.end(),
                      std::back_inserter(only_replay));
  std::cout << what << ": " << generated.size() << " generated, " << replayed.size() << " replayed; "
            << only_gen.size() << " only generated, " << only_replay.size() << " only replayed\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(5, only_gen.size()); ++i) std::cout << "  gen    " << only_gen[i] << "\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(5, only_replay.size()); ++i)
    std::cout << "  replay " << only_replay[i] << "\n";
  return false;
}

// The writer's cost of the reports per message: the same new messages (a customer's
// text, then a teammate's reply, on conversations in turn) inserted in one
// transaction through the repository alone and through services::add_message (the
// conversation read, the insert, report_log), rolled back each time; rounds
// alternate and the best of each is kept. No commit or fsync: the work a write job
// does on the writer's thread.
int write_cost(st::database& db, int count, int rounds) {
  std::vector<std::pair<st::id_t, std::optional<st::id_t>>> conversations;
  {
    auto& q = db.prepare("SELECT id, assignee_id FROM conversations WHERE workspace_id = 1 ORDER BY id LIMIT 1000");
    while (q.step()) conversations.emplace_back(q.column_int(0), q.column_opt_int(1));
    q.reset();
  }
  if (conversations.empty()) return 1;
  std::vector<st::message> batch;
  for (int i = 0; i < count; ++i) {
    auto& [conversation, assignee] = conversations[static_cast<std::size_t>(i / 2) % conversations.size()];
    st::message m;
    m.workspace_id = 1;
    m.conversation_id = conversation;
    bool customer = i % 2 == 0;
    m.direction = customer ? "inbound" : "outbound";
    m.sender_kind = customer ? "contact" : "teammate";
    if (!customer) m.sender_id = assignee.value_or(1);
    m.channel = "sms";
    m.kind = "text";
    m.body = customer ? "Where is my order? It was due yesterday." : "It ships today, sorry for the wait.";
    m.status = customer ? "received" : "queued";
    char at[32];
    std::snprintf(at, sizeof at, "2027-01-01T%02d:%02d:%02d.000Z", i / 3600 % 24, i / 60 % 60, i % 60);
    m.created_at = at;
    batch.push_back(std::move(m));
  }
  auto run = [&](bool reports) {
    db.exec("SAVEPOINT cost");
    st::sqlite_unit_of_work uow(db);
    auto started = std::chrono::steady_clock::now();
    for (auto& m : batch) {
      if (reports) {
        sv::add_message(uow, m);
      } else {
        uow.messages().insert(m);
      }
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    db.exec("ROLLBACK TO cost; RELEASE cost");
    return took.count();
  };
  double plain = 1e9, with_reports = 1e9;
  for (int r = 0; r < rounds; ++r) {
    plain = std::min(plain, run(false));
    with_reports = std::min(with_reports, run(true));
  }
  std::printf("write cost, %d messages (best of %d): repository insert %.1f us/message, with reports %.1f us/message"
              " (%.2fx)\n",
              count, rounds, plain * 1e6 / count, with_reports * 1e6 / count, with_reports / plain);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int cost_messages = 0;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("dir=", 0) == 0) dir = s.substr(4);
    if (s.rfind("write_cost=", 0) == 0) cost_messages = std::stoi(s.substr(11));
  }
  if (dir.empty()) {
    std::cerr << "usage: bench_report_check dir=DIR [write_cost=MESSAGES]\n";
    return 2;
  }
  st::database db(dir + "/switchboard.db", st::database::mode::read_write);
  if (cost_messages > 0) {
    db.exec("BEGIN");
    int status = write_cost(db, cost_messages, 5);
    db.exec("ROLLBACK");
    return status;
  }
  db.exec("BEGIN");
  auto events = rows_of(db, events_sql, 10), rollups = rows_of(db, rollups_sql, 7), states = rows_of(db, states_sql, 4);
  db.exec("DELETE FROM report_events; DELETE FROM report_rollups; DELETE FROM report_conversation_state");

  std::vector<st::conversation> conversations;
  {
    auto& q = db.prepare(
        "SELECT id, status, assignee_id, team_id, channel, created_at, resolved_at FROM conversations"
        " WHERE workspace_id = 1 ORDER BY id");
    while (q.step()) {
      st::conversation c;
      c.id = q.column_int(0);
      c.workspace_id = 1;
      c.status = q.column_text(1);
      c.assignee_id = q.column_opt_int(2);
      c.team_id = q.column_opt_int(3);
      c.channel = q.column_text(4);
      c.created_at = q.column_text(5);
      c.resolved_at = q.column_opt_text(6);
      conversations.push_back(std::move(c));
    }
    q.reset();
  }
  // The timeline: (instant, order at that instant, what, row). Stamps share one
  // format, so they order as text.
  enum : int { created = 0, message = 1, resolved = 2 };
  std::vector<std::tuple<std::string, int, std::int64_t, std::size_t>> timeline;
  for (std::size_t i = 0; i < conversations.size(); ++i) {
    timeline.emplace_back(conversations[i].created_at, created, conversations[i].id, i);
    if (conversations[i].resolved_at) timeline.emplace_back(*conversations[i].resolved_at, resolved, conversations[i].id, i);
  }
  std::vector<st::message> messages;
  {
    auto& q = db.prepare(
        "SELECT id, conversation_id, direction, sender_kind, sender_id, private, kind, created_at FROM messages"
        " WHERE workspace_id = 1 ORDER BY id");
    while (q.step()) {
      st::message m;
      m.id = q.column_int(0);
      m.workspace_id = 1;
      m.conversation_id = q.column_int(1);
      m.direction = q.column_text(2);
      m.sender_kind = q.column_text(3);
      m.sender_id = q.column_opt_int(4);
      m.is_private = q.column_int(5) != 0;
      m.kind = q.column_text(6);
      m.created_at = q.column_text(7);
      timeline.emplace_back(m.created_at, message, m.conversation_id, messages.size());
      messages.push_back(std::move(m));
    }
    q.reset();
  }
  std::sort(timeline.begin(), timeline.end());

  st::sqlite_unit_of_work uow(db);
  for (auto& [at, what, conversation_id, row] : timeline) {
    sv::report_log log(uow, 1);
    if (what == created) {
      log.conversation_created(conversations[row]);
    } else if (what == message) {
      auto& m = messages[row];
      auto before = conversations[static_cast<std::size_t>(m.conversation_id - 1)];
      before.status = "open";  // resolved only after its last message
      log.message_added(before, m, false);
    } else {
      auto before = conversations[row], after = conversations[row];
      before.status = "open";
      log.status_changed(before, after, at);
    }
  }
  bool ok = same("report_events", events, rows_of(db, events_sql, 10));
  ok = same("report_rollups", rollups, rows_of(db, rollups_sql, 7)) && ok;
  ok = same("report_conversation_state", states, rows_of(db, states_sql, 4)) && ok;

  // The history replay of an upgraded installation (services::replay_report_history,
  // conversation by conversation rather than in time order) must write the same rows.
  db.exec(
      "DELETE FROM report_events; DELETE FROM report_rollups; DELETE FROM report_conversation_state;"
      " INSERT INTO report_backfill(workspace_id, conversation_id, through)"
      " SELECT workspace_id, id, '9999-12-31T00:00:00Z' FROM conversations WHERE workspace_id = 1");
  std::cout << "history replay:\n";
  for (auto pending = uow.reports().backfill_pending(500); !pending.empty(); pending = uow.reports().backfill_pending(500))
    for (auto& item : pending) sv::replay_report_history(uow, item);
  ok = same("report_events", events, rows_of(db, events_sql, 10)) && ok;
  ok = same("report_rollups", rollups, rows_of(db, rollups_sql, 7)) && ok;
  ok = same("report_conversation_state", states, rows_of(db, states_sql, 4)) && ok;
  db.exec("ROLLBACK");
  std::cout << (ok ? "the generator's report rows are the writer's\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
