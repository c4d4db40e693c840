#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store {

struct migration {
  int version;       // from the file name's NNNN
  std::string name;  // the rest of the file name, without .sql
  std::string sql;
};

// The migrations embedded in the binary, ordered by version.
const std::vector<migration>& embedded_migrations();

// Parses "0001_init.sql" into a migration; errors name the file.
result<migration> parse_migration(const std::string& file_name, std::string sql);

struct migrate_report {
  int from_version = 0;
  int to_version = 0;
  int applied = 0;
};

// Applies pending migrations, each in its own transaction, recorded in
// schema_migrations. A database newer than the newest migration is refused.
result<migrate_report> migrate(database& db, std::span<const migration> migrations);

// `switchboard migrate`: opens the database file (WAL, synchronous FULL, foreign
// keys on) and applies the embedded migrations. STORE_OPEN_FAILED when it cannot.
result<migrate_report> migrate_file(const std::string& path);

// SCHEMA_TOO_NEW when a database at `version` is ahead of the newest of `migrations`
// (either backend: a binary never runs on a schema it does not know).
std::optional<error> refuse_newer(int version, std::span<const migration> migrations);

// Highest applied version, 0 for a new database.
int schema_version(database& db);

}  // namespace switchboard::store
