// SQLite → PostgreSQL copy (migrate_data.hpp). One transaction on the target, a
// COPY per table (far faster than INSERTs at a million rows), then setval and counts.
#include "switchboard/store/postgres/migrate_data.hpp"

#include <algorithm>
#include <set>

#include "switchboard/store/migrations.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/migrations.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::pg {

namespace {

// SQLite's derived tables: rebuilt by SQLite itself, meaningless on PostgreSQL.
const std::set<std::string> sqlite_only = {"search_changes", "message_threads", "thread_progress",
                                           "sqlite_sequence"};
// PostgreSQL's transient ones (realtime events in flight between instances) and
// derived ones (article_postings: the articles' COPY fills it through its trigger).
const std::set<std::string> postgres_only = {"realtime_events", "article_postings"};

std::vector<std::string> sqlite_columns(database& db, const std::string& table) {
  std::vector<std::string> out;
  auto& q = db.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  q.bind(1, table);
  while (q.step()) out.push_back(q.column_text(0));
  q.reset();
  return out;
}

std::int64_t sqlite_count(database& db, const std::string& table) {
  auto& q = db.prepare("SELECT count(*) FROM \"" + table + "\"");
  q.step();
  auto n = q.column_int(0);
  q.reset();
  return n;
}

}  // namespace

const std::vector<std::string>& copied_tables() {
  static const std::vector<std::string> order = {
      "workspaces",       "teammates",           "teams",           "team_members",
      "contacts",         "contact_identities",  "numbers",         "conversations",
      "messages",         "labels",              "conversation_labels", "canned_responses",
      "auth_sessions",    "api_keys",            "audit_log",       "webhook_events",
      "sandbox_messages", "routing_selectors",   "routing_sticky",  "undeliverable_events",
      "line_settings",    "teams_users",         "teams_channels",  "teams_threads",
      "widget_settings",  "widget_sessions",     "widget_events",   "widget_conversations",
      "consent_ledger",   "media",               "outbox",          "kb_collections",
      "articles",         "article_terms",       "article_revisions", "workspace_settings",
      "webhook_endpoints", "webhook_deliveries", "csat_surveys",
      "report_events", "report_rollups", "report_conversation_state", "report_backfill"};
  return order;
}

result<migrate_data_report> migrate_data(const std::string& sqlite_path, const std::string& postgres_url,
                                         const std::function<void(const table_count&)>& progress) {
  migrate_data_report report;
  std::unique_ptr<database> src;
  std::unique_ptr<connection> dst;
  try {
    src = std::make_unique<database>(sqlite_path, database::mode::read_only);
  } catch (const std::exception& e) {
    return error{"STORE_OPEN_FAILED", "--from sqlite:" + sqlite_path + ": " + e.what()};
  }
  try {
    dst = std::make_unique<connection>(postgres_url);
  } catch (const std::exception& e) {
    return error{"STORE_OPEN_FAILED", std::string("--to postgres: ") + e.what()};
  }
  try {
    // One snapshot of the source for the whole copy (a running daemon may write).
    src->exec("BEGIN");
    int newest = store::embedded_migrations().back().version;
    if (int v = store::schema_version(*src); v != newest)
      return error{"SCHEMA_MISMATCH", "the SQLite file is at schema " + std::to_string(v) + ", this binary's is " +
                                          std::to_string(newest) + ": run `switchboard migrate` on it first"};
    auto migrated = migrate(*dst, embedded_migrations());
    if (!migrated) return migrated.err();
    if (dst->run("SELECT count(*) FROM workspaces").integer(0, 0) > 0)
      return error{"NOT_EMPTY", "the PostgreSQL database already has a workspace: migrate-data copies into an empty one"};

    // Every table on both sides is accounted for: a table added later without
    // its place in copied_tables() stops the copy instead of being left behind.
    std::set<std::string> order(copied_tables().begin(), copied_tables().end());
    {
      auto& q = src->prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
          " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE '%_data' AND name NOT LIKE '%_idx'"
          " AND name NOT LIKE '%_content' AND name NOT LIKE '%_docsize' AND name NOT LIKE '%_config'");
      while (q.step()) {
        auto t = q.column_text(0);
        if (t != "schema_migrations" && !sqlite_only.count(t) && !order.count(t))
          return error{"SCHEMA_MISMATCH", "SQLite table " + t + " has no place in the copy"};
      }
      q.reset();
      auto pg_tables = dst->run(
          "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'");
      for (int i = 0; i < pg_tables.rows(); ++i)
        if (!order.count(pg_tables.text(i, 0)) && !postgres_only.count(pg_tables.text(i, 0)))
          return error{"SCHEMA_MISMATCH", "PostgreSQL table " + pg_tables.text(i, 0) + " has no place in the copy"};
    }

    dst->exec("BEGIN");
    // Index builds sort in memory up to this much (for this transaction only).
    dst->exec("SET LOCAL maintenance_work_mem = '256MB'");
    for (auto& table : copied_tables()) {
      // Each secondary index is dropped before the COPY and built again after it,
      // in the same transaction: one sorted build instead of a million inserts
      // into it (the messages' full-text GIN index above all). Primary keys and
      // constraints' indexes stay.
      auto indexes = dst->run(
          "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
          " WHERE i.indrelid = $1::regclass AND NOT i.indisprimary"
          " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
          table);
      for (int i = 0; i < indexes.rows(); ++i) dst->exec("DROP INDEX " + indexes.text(i, 0));
      // The columns both sides have; PostgreSQL's generated ones (search_vector) fill themselves.
      auto pg_cols = dst->run(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
          " AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
          table);
      std::set<std::string> on_pg;
      for (int i = 0; i < pg_cols.rows(); ++i) on_pg.insert(pg_cols.text(i, 0));
      std::vector<std::string> cols;
      for (auto& c : sqlite_columns(*src, table)) {
        if (!on_pg.count(c)) return error{"SCHEMA_MISMATCH", table + "." + c + " has no PostgreSQL column"};
        cols.push_back(c);
      }
      std::string list;
      for (auto& c : cols) list += (list.empty() ? "" : ", ") + c;
      auto& q = src->prepare("SELECT " + list + " FROM \"" + table + "\"");
      const int n = static_cast<int>(cols.size());
      std::int64_t copied = dst->copy_in(table + " (" + list + ")", [&](std::string& buf) {
        // About 1 MiB per chunk handed to libpq.
        while (buf.size() < (1 << 20)) {
          if (!q.step()) return false;
          for (int i = 0; i < n; ++i) {
            if (i) buf += '\t';
            if (q.column_is_null(i))
              buf += "\\N";
            else
              connection::copy_field(buf, q.column_text(i));
          }
          buf += '\n';
        }
        return true;
      });
      q.reset();
      for (int i = 0; i < indexes.rows(); ++i) dst->exec(indexes.text(i, 1));
      report.rows += copied;
      // Counted in the snapshot that was copied.
      report.tables.push_back({table, sqlite_count(*src, table), 0});
      // Past the highest id ever given: SQLite's AUTOINCREMENT remembers deleted ones.
      if (on_pg.count("id") &&
          !dst->run("SELECT pg_get_serial_sequence($1, 'id') IS NULL", table).boolean(0, 0)) {
        std::int64_t high = 0;
        auto& s = src->prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
        s.bind(1, table);
        if (s.step()) high = s.column_int(0);
        s.reset();
        dst->run("SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST($2::bigint, COALESCE((SELECT max(id) FROM " +
                     table + "), 0), 0) + 1, false)",
                 table, high);
      }
    }
    dst->exec("COMMIT");
    src->exec("COMMIT");
    // What autovacuum would do in the first minutes of service, done before it:
    // the planner's statistics, the visibility map (index-only scans) and frozen
    // rows (no later anti-wraparound pass over all of them). bench/scale.sh measured
    // searches at 60-115 ms p95 while autovacuum worked through a fresh 100k copy,
    // 5-21 ms once it had.
    for (auto& table : copied_tables()) dst->exec("VACUUM (FREEZE, ANALYZE) " + table);

    report.verified = true;
    for (auto& c : report.tables) {
      c.postgres_rows = dst->run("SELECT count(*) FROM " + c.table).integer(0, 0);
      if (c.sqlite_rows != c.postgres_rows) report.verified = false;
      if (progress) progress(c);
    }
    if (!report.verified) {
      std::string which;
      for (auto& c : report.tables)
        if (c.sqlite_rows != c.postgres_rows)
          which += " " + c.table + " (" + std::to_string(c.sqlite_rows) + " vs " + std::to_string(c.postgres_rows) + ")";
      return error{"VERIFY_FAILED", "row counts differ:" + which};
    }
  } catch (const std::exception& e) {
    if (dst) dst->rollback_quietly();
    src->rollback_quietly();
    return error{"MIGRATION_FAILED", e.what()};
  }
  return report;
}

}  // namespace switchboard::store::pg
