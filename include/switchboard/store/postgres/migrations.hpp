#pragma once
// PostgreSQL's migrations (issue 19): their own numbered files under
// migrations/postgres/, with the same meaning as SQLite's, recorded in the same
// schema_migrations table. Several instances may start at once: a session-level
// advisory lock lets one apply them while the others wait and then find nothing to do.
#include <span>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/store/migrations.hpp"

namespace switchboard::store::pg {

class connection;

// The embedded migrations/postgres/*.sql, ordered by version.
const std::vector<migration>& embedded_migrations();

// Applies the pending migrations, each in one transaction, under the advisory lock.
// SCHEMA_TOO_NEW when the database is ahead of the binary; MIGRATION_FAILED names
// the file and PostgreSQL's message.
result<migrate_report> migrate(connection& db, std::span<const migration> migrations);

// Highest applied version, 0 for an empty database.
int schema_version(connection& db);

// `switchboard migrate` on store.backend = postgres: connects to `url` and applies
// the embedded migrations. STORE_OPEN_FAILED when it cannot connect.
result<migrate_report> migrate_url(const std::string& url);

}  // namespace switchboard::store::pg
