#include "switchboard/store/postgres/migrations.hpp"

#include <algorithm>
#include <set>

#include "switchboard/core/clock.hpp"
#include "switchboard/core/embedded.hpp"
#include "switchboard/store/postgres/connection.hpp"

namespace switchboard::store::pg {

namespace {
// The advisory lock's key: any constant no other application on the database uses
// ("sbmigrat" in ASCII).
constexpr const char* lock_key = "7161400645331214708";
}  // namespace

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all = [] {
    std::vector<migration> out;
    std::set<int> seen;
    for (auto& f : embedded::postgres_migrations::files()) {
      auto m = parse_migration(f.name, std::string(f.data, f.size));
      if (!m || !seen.insert(m->version).second)
        throw std::logic_error(std::string("bad embedded migration: postgres/") + f.name);
      out.push_back(std::move(*m));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return out;
  }();
  return all;
}

int schema_version(connection& db) {
  auto exists = db.run("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!exists.boolean(0, 0)) return 0;
  return static_cast<int>(db.run("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
}

result<migrate_report> migrate(connection& db, std::span<const migration> migrations) {
  migrate_report report;
  try {
    db.exec(std::string("SELECT pg_advisory_lock(") + lock_key + ")");
  } catch (const pg_error& e) {
    return error{"MIGRATION_FAILED", e.what()};
  }
  struct unlock {
    connection& db;
    ~unlock() {
      try {
        db.exec(std::string("SELECT pg_advisory_unlock(") + lock_key + ")");
      } catch (const pg_error&) {
        // The lock is the session's: it goes with the connection anyway.
      }
    }
  } release{db};
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    report.from_version = schema_version(db);
    if (auto too_new = refuse_newer(report.from_version, migrations)) return *too_new;
    report.to_version = report.from_version;
    for (auto& m : migrations) {
      if (m.version <= report.from_version) continue;
      db.exec("BEGIN");
      try {
        db.exec(m.sql);
        db.run("INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
               m.version, m.name, now_rfc3339());
        db.exec("COMMIT");
      } catch (const pg_error& e) {
        db.rollback_quietly();
        return error{"MIGRATION_FAILED", "migration postgres/" + std::to_string(m.version) + "_" +
                                             m.name + " failed: " + e.what()};
      }
      report.to_version = m.version;
      ++report.applied;
    }
  } catch (const pg_error& e) {
    db.rollback_quietly();
    return error{"MIGRATION_FAILED", e.what()};
  }
  return report;
}

result<migrate_report> migrate_url(const std::string& url) {
  try {
    connection db(url);
    return migrate(db, embedded_migrations());
  } catch (const pg_error& e) {
    return error{"STORE_OPEN_FAILED", e.what()};
  }
}

}  // namespace switchboard::store::pg
