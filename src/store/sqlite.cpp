#include "switchboard/store/sqlite.hpp"

#include <mutex>

#include <sqlite3.h>

namespace switchboard::store {
namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view where) {
  std::string msg(where);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw sqlite_error(rc, msg);
}
}  // namespace

bool sqlite_error::is_constraint() const { return (code_ & 0xff) == SQLITE_CONSTRAINT; }

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

statement::~statement() { sqlite3_finalize(stmt_); }

statement& statement::bind(int i, std::int64_t v) {
  if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
statement& statement::bind(int i, double v) {
  if (int rc = sqlite3_bind_double(stmt_, i, v); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
statement& statement::bind(int i, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), borrow_ ? SQLITE_STATIC : SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}
statement& statement::bind(int i, std::nullopt_t) {
  if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  borrow_ = false;
}

std::int64_t statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string statement::column_text(int i) const {
  auto p = sqlite3_column_text(stmt_, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)))
           : std::string();
}
bool statement::column_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}
std::optional<std::string> statement::column_opt_text(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_text(i);
}
std::optional<std::int64_t> statement::column_opt_int(int i) const {
  if (column_is_null(i)) return std::nullopt;
  return column_int(i);
}

namespace {
// Before SQLite's first use: no global memory statistics. With them every
// sqlite3_malloc/free takes one process-wide mutex, which the writer and the
// readers then contend for; nothing here reads sqlite3_memory_used().
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialized: harmless
    sqlite3_initialize();
  });
}
}  // namespace

database::database(const std::string& path, mode m) {
  configure_sqlite_once();
  int flags = m == mode::read_only ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // Each connection is used by one thread at a time; the store guarantees it.
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "open " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw sqlite_error(rc, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
}

void database::enable_memos(std::vector<std::string> watched) {
  watched_ = std::move(watched);
  memos_enabled_ = true;
  sqlite3_update_hook(db_, &database::on_update, this);
  sqlite3_rollback_hook(db_, &database::on_rollback, this);
}

void database::on_update(void* self, int, const char*, const char* table, long long) {
  auto* d = static_cast<database*>(self);
  if (d->memos_.empty()) return;
  for (auto& w : d->watched_)
    if (w == table) {
      d->forget_memos();
      return;
    }
}

void database::on_rollback(void* self) { static_cast<database*>(self)->forget_memos(); }

void database::forget_memos_if_others_wrote() {
  if (!memos_enabled_) return;
  auto& q = prepare("PRAGMA data_version");
  q.step();
  auto v = q.column_int(0);
  q.reset();
  if (v != data_version_) forget_memos();
  data_version_ = v;
}

database::~database() {
  memos_.clear();
  used_.clear();
  cache_.clear();
  sqlite3_close_v2(db_);
}

void database::truncate_wal() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) throw sqlite_error(rc, std::string("wal_checkpoint(TRUNCATE): ") + sqlite3_errstr(rc));
}

void database::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw sqlite_error(rc, "exec: " + msg);
  }
}

statement& database::prepare(std::string_view sql) {
  auto& slot = recent_[(reinterpret_cast<std::uintptr_t>(sql.data()) >> 3) % recent_.size()];
  statement* st;
  if (slot.sql && *slot.sql == sql) {
    st = slot.st;
    st->reset();
  } else {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql)).first;
    } else {
      it->second->reset();
    }
    slot = {&it->first, it->second.get()};
    st = it->second.get();
  }
  used_.push_back(st);
  return *st;
}

void database::reset_all() {
  for (auto* st : used_) st->reset();
  used_.clear();
}

void database::rollback_quietly() noexcept {
  try {
    reset_all();
    exec("ROLLBACK");
  } catch (...) {
  }
}

std::int64_t database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int database::changes() const { return sqlite3_changes(db_); }

}  // namespace switchboard::store
