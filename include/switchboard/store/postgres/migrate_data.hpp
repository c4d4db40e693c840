#pragma once
// `switchboard migrate-data --from sqlite:PATH --to postgres:URL` (issue 19): copies
// an installation's SQLite file into an empty PostgreSQL database — every row of
// every table, ids kept, identity sequences set past the highest id SQLite ever
// gave (AUTOINCREMENT's high-water mark, so no id is reused) — then counts the
// rows of each table on both sides. SQLite's own speed tables (the search index's
// change log, message_threads) are derived data and stay behind. Media files are
// not rows: their references (sha256) are copied; the files stay in data_dir/media.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::store::pg {

struct table_count {
  std::string table;
  std::int64_t sqlite_rows = 0;
  std::int64_t postgres_rows = 0;
};

struct migrate_data_report {
  std::vector<table_count> tables;  // in copy order
  std::int64_t rows = 0;
  bool verified = false;  // every count matched
};

// The tables in the order they are copied (parents before children).
const std::vector<std::string>& copied_tables();

// SCHEMA_MISMATCH when the SQLite file is not at the binary's newest schema (run
// `switchboard migrate` first) or a table has no counterpart; NOT_EMPTY when the
// target already holds a workspace; VERIFY_FAILED when a count differs (the copy
// is committed: the report says which table). `progress` gets each table as done.
result<migrate_data_report> migrate_data(const std::string& sqlite_path, const std::string& postgres_url,
                                         const std::function<void(const table_count&)>& progress = {});

}  // namespace switchboard::store::pg
