#include "switchboard/store/search_index.hpp"

#include <algorithm>
#include <filesystem>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "switchboard/store/sqlite.hpp"

namespace switchboard::store {

namespace fs = std::filesystem;

namespace {

// The index file's layout, in its user_version: 2 = fts5(body, columnsize=0).
constexpr int index_format = 2;

std::int64_t single_int(database& db, std::string_view sql) {
  auto& q = db.prepare(sql);
  std::int64_t v = q.step() ? q.column_int(0) : 0;
  q.reset();
  return v;
}

// The index's progress, and the store's newest message id and change number.
struct positions {
  std::int64_t last_id = 0, last_seq = 0, max_id = 0, max_seq = 0;
};

positions read_positions(database& db) {
  // The last change's number comes from sqlite_sequence: the rows themselves are
  // deleted once applied.
  auto& q = db.prepare(
      "SELECT last_id, last_seq, (SELECT coalesce(max(id), 0) FROM store.messages),"
      " (SELECT coalesce(max(seq), 0) FROM store.sqlite_sequence WHERE name = 'search_changes')"
      " FROM progress WHERE name = 'messages'");
  q.step();
  positions p{q.column_int(0), q.column_int(1), q.column_int(2), q.column_int(3)};
  q.reset();
  return p;
}

}  // namespace

std::string search_index::path_for(const std::string& store_path) {
  fs::path p(store_path);
  if (p.extension() == ".db") return (p.parent_path() / (p.stem().string() + ".search.db")).string();
  return store_path + ".search";
}

search_index::search_index(search_index_options opts) : opts_(std::move(opts)) {
  open_index();
  thread_ = std::thread([this] { loop(); });
}

search_index::~search_index() { stop(); }

void search_index::open_index() {
  auto open = [&] {
    db_ = std::make_unique<database>(opts_.path, database::mode::read_write);
    db_->exec("PRAGMA busy_timeout = 5000");
    db_->exec("PRAGMA journal_mode = WAL");
    // FULL although the index could be rebuilt: the store deletes the search_changes
    // rows an index commit has applied, so that commit must not be lost.
    db_->exec("PRAGMA synchronous = FULL");
    db_->exec("PRAGMA temp_store = MEMORY");
    // A file in an older layout is rebuilt (the catch below), not migrated: it holds
    // nothing that is not in the store.
    if (single_int(*db_, "PRAGMA user_version") != index_format &&
        single_int(*db_, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_fts'") > 0)
      throw sqlite_error(SQLITE_CORRUPT, "an older search index layout");
    // columnsize=0: no per-row sizes, which only bm25() ranking reads and search
    // does not use (a fifth less indexing work). automerge 16: segments are merged
    // in larger, fewer steps (about a sixth less).
    db_->exec("CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body, columnsize=0)");
    db_->exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16)");
    db_->exec("PRAGMA user_version = " + std::to_string(index_format));
    db_->exec(
        "CREATE TABLE IF NOT EXISTS progress(name TEXT PRIMARY KEY, last_id INTEGER NOT NULL,"
        " last_seq INTEGER NOT NULL) WITHOUT ROWID");
    db_->exec("INSERT OR IGNORE INTO progress(name, last_id, last_seq) VALUES ('messages', 0, 0)");
    db_->prepare("ATTACH ?1 AS store").bind(1, opts_.store_path).run();
    auto p = read_positions(*db_);
    // An index ahead of the store belongs to another copy of it (a backup was
    // restored): start over.
    if (p.last_id > p.max_id || p.last_seq > p.max_seq) {
      spdlog::warn("search: {} is ahead of {}; rebuilding it", opts_.path, opts_.store_path);
      db_->exec("BEGIN");
      db_->exec("DELETE FROM messages_fts");
      db_->prepare("UPDATE progress SET last_id = 0, last_seq = ?1 WHERE name = 'messages'")
          .bind(1, p.max_seq)
          .run();
      db_->exec("COMMIT");
    }
  };
  try {
    open();
  } catch (const sqlite_error& e) {
    spdlog::warn("search: {} cannot be used ({}); rebuilding it", opts_.path, e.what());
    db_.reset();
    std::error_code ec;
    for (auto suffix : {"", "-wal", "-shm"}) fs::remove(opts_.path + suffix, ec);
    open();  // a second failure is the caller's
  }
}


void search_index::attach(database& db) const {
  db.prepare("ATTACH ?1 AS search").bind(1, opts_.path).run();
}

void search_index::notify() {
  std::lock_guard lock(mu_);
  if (owed_) return;  // already woken (or waiting out the delay)
  owed_ = true;
  cv_.notify_one();
}

void search_index::flush(std::function<void(result<void>)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      flushes_.push_back(std::move(done));
      cv_.notify_one();
      return;
    }
  }
  done(error{"UNAVAILABLE", "the search index is stopping"});
}

void search_index::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void search_index::loop() {
  // Background work: under a burst, the io thread and the writer, which acknowledge
  // webhooks, get the CPU first (Linux: a thread's nice value is its own).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
  for (;;) {
    std::vector<std::function<void(result<void>)>> flushes;
    bool last;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return owed_ || stopping_ || !flushes_.empty(); });
      // Let a few commits gather, unless someone waits for the index.
      if (flushes_.empty() && !stopping_)
        cv_.wait_for(lock, opts_.delay, [&] { return stopping_ || !flushes_.empty(); });
      owed_ = false;
      flushes.swap(flushes_);
      last = stopping_;
    }
    if (last) {  // what is owed is indexed at the next start
      for (auto& f : flushes) f(error{"UNAVAILABLE", "the search index is stopping"});
      return;
    }
    result<void> r;
    try {
      // A long backlog (the first start after an upgrade) goes in bites, and stop()
      // need not wait for all of it.
      while (!index_some()) {
        std::lock_guard lock(mu_);
        if (stopping_) break;
      }
    } catch (const std::exception& e) {
      spdlog::error("search: indexing failed (retried): {}", e.what());
      r = error{"INTERNAL", std::string("search index: ") + e.what()};
      std::lock_guard lock(mu_);
      owed_ = true;
    }
    for (auto& f : flushes) f(r);
    if (!r) std::this_thread::sleep_for(opts_.delay);  // no hot loop on a lasting failure
  }
}

bool search_index::index_some() {
  database& db = *db_;
  // One transaction: its first read of the store fixes the snapshot that every
  // statement below sees, and progress commits with the rows it describes.
  db.exec("BEGIN");
  positions p;
  std::int64_t upto = 0;
  try {
    // Progress is read again each time: a command-line tool (switchboard admin ...)
    // opens the store too, and its indexer may have moved it.
    p = read_positions(db);
    upto = std::min<std::int64_t>(p.max_id, p.last_id + static_cast<std::int64_t>(opts_.max_rows));
    if (upto == p.last_id && p.max_seq == p.last_seq) {
      db.exec("COMMIT");  // nothing new; nothing written
      return true;
    }
    if (p.max_seq > p.last_seq) {
      // Changed or deleted since they were indexed: drop them, and index again what
      // is still there. Newer ids are indexed below, as they are now.
      db.prepare(
            "DELETE FROM messages_fts WHERE rowid IN"
            " (SELECT message_id FROM store.search_changes WHERE seq > ?1 AND seq <= ?2)")
          .bind_all(p.last_seq, p.max_seq)
          .run();
      db.prepare(
            "INSERT INTO messages_fts(rowid, body) SELECT id, body FROM store.messages"
            " WHERE id <= ?3 AND id IN"
            " (SELECT message_id FROM store.search_changes WHERE seq > ?1 AND seq <= ?2)")
          .bind_all(p.last_seq, p.max_seq, p.last_id)
          .run();
    }
    if (upto > p.last_id)
      db.prepare(
            "INSERT INTO messages_fts(rowid, body) SELECT id, body FROM store.messages"
            " WHERE id > ?1 AND id <= ?2")
          .bind_all(p.last_id, upto)
          .run();
    db.prepare("UPDATE progress SET last_id = ?1, last_seq = ?2 WHERE name = 'messages'")
        .bind_all(upto, p.max_seq)
        .run();
    db.reset_all();
    db.exec("COMMIT");
  } catch (...) {
    db.reset_all();
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  if (p.max_seq > p.last_seq && opts_.applied_changes) opts_.applied_changes(p.max_seq);
  return upto == p.max_id;
}

}  // namespace switchboard::store
