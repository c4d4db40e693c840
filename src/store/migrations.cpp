#include "switchboard/store/migrations.hpp"

#include <algorithm>
#include <set>

#include "switchboard/core/clock.hpp"
#include "switchboard/core/embedded.hpp"

namespace switchboard::store {

result<migration> parse_migration(const std::string& file_name, std::string sql) {
  auto underscore = file_name.find('_');
  bool ok = underscore == 4 && file_name.size() > 9 &&
            file_name.compare(file_name.size() - 4, 4, ".sql") == 0 &&
            std::all_of(file_name.begin(), file_name.begin() + 4,
                        [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) return error{"INVALID_MIGRATION", file_name + ": name must be NNNN_name.sql"};
  int version = std::stoi(file_name.substr(0, 4));
  if (version == 0) return error{"INVALID_MIGRATION", file_name + ": version must be >= 1"};
  return migration{version, file_name.substr(5, file_name.size() - 9), std::move(sql)};
}

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all = [] {
    std::vector<migration> out;
    std::set<int> seen;
    for (auto& f : embedded::migrations::files()) {
      auto m = parse_migration(f.name, std::string(f.data, f.size));
      // A malformed embedded file is a build defect, not a runtime condition.
      if (!m || !seen.insert(m->version).second)
        throw std::logic_error(std::string("bad embedded migration: ") + f.name);
      out.push_back(std::move(*m));
    }
    std::sort(out.begin(), out.end(),
              [](auto& a, auto& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

std::optional<error> refuse_newer(int version, std::span<const migration> migrations) {
  int newest = 0;
  for (auto& m : migrations) newest = std::max(newest, m.version);
  if (version <= newest) return std::nullopt;
  return error{"SCHEMA_TOO_NEW", "database schema version " + std::to_string(version) +
                                     " is newer than this binary supports (" + std::to_string(newest) +
                                     "); run a newer switchboard or restore a backup"};
}

int schema_version(database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  auto& st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  st.step();
  int v = static_cast<int>(st.column_int(0));
  st.reset();
  return v;
}

result<migrate_report> migrate(database& db, std::span<const migration> migrations) {
  migrate_report report;
  try {
    report.from_version = schema_version(db);
    if (auto too_new = refuse_newer(report.from_version, migrations)) return *too_new;
    report.to_version = report.from_version;
    for (auto& m : migrations) {
      if (m.version <= report.from_version) continue;
      db.exec("BEGIN IMMEDIATE");
      try {
        db.exec(m.sql);
        db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?1, ?2, ?3)")
            .bind_all(static_cast<std::int64_t>(m.version), m.name, now_rfc3339())
            .run();
        db.exec("COMMIT");
      } catch (const sqlite_error& e) {
        db.exec("ROLLBACK");
        return error{"MIGRATION_FAILED", "migration " + std::to_string(m.version) + "_" + m.name +
                                             " failed: " + e.what()};
      }
      // The next migration must see the schema as its text now is: one that edits
      // sqlite_schema directly (0007) leaves this connection's parse stale, and an
      // ALTER TABLE ADD COLUMN on a stale parse splices its text at the old offset.
      db.exec("PRAGMA writable_schema = RESET");
      report.to_version = m.version;
      ++report.applied;
    }
  } catch (const sqlite_error& e) {
    return error{"MIGRATION_FAILED", e.what()};
  }
  return report;
}

result<migrate_report> migrate_file(const std::string& path) {
  try {
    database db(path, database::mode::read_write);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    return migrate(db, embedded_migrations());
  } catch (const sqlite_error& e) {
    return error{"STORE_OPEN_FAILED", e.what()};
  }
}

}  // namespace switchboard::store
