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

// The index's progress (in its file), and the store's newest message id and change
// number (in the store's).
struct positions {
  std::int64_t last_id = 0, last_seq = 0, max_id = 0, max_seq = 0;
};

void read_progress(database& index, positions& p) {
  auto& q = index.prepare("SELECT last_id, last_seq FROM progress WHERE name = 'messages'");
  q.step();
  p.last_id = q.column_int(0);
  p.last_seq = q.column_int(1);
  q.reset();
}

void read_store_ends(database& store, positions& p) {
  // The last change's number comes from sqlite_sequence: the rows themselves are
  // deleted once applied.
  auto& q = store.prepare(
      "SELECT (SELECT coalesce(max(id), 0) FROM messages),"
      " (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'search_changes')");
  q.step();
  p.max_id = q.column_int(0);
  p.max_seq = q.column_int(1);
  q.reset();
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
    // Deleted rows' bytes are zeroed, not left in free space (an erasure must not
    // leave a contact's words in the file).
    db_->exec("PRAGMA secure_delete = ON");
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
    // The store is read through a connection of its own, in short read transactions
    // that end before the index's slow work (FTS merges, its fsync): a reader held
    // open meanwhile would keep the store's WAL from starting over, and it grew
    // to 20 MB under load.
    store_db_ = std::make_unique<database>(opts_.store_path, database::mode::read_only);
    store_db_->exec("PRAGMA busy_timeout = 5000");
    positions p;
    read_progress(*db_, p);
    read_store_ends(*store_db_, p);
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
    store_db_.reset();
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

void search_index::flush(std::function<void(result<void>)> done) { enqueue(std::move(done), false); }

void search_index::scrub(std::function<void(result<void>)> done) { enqueue(std::move(done), true); }

void search_index::enqueue(std::function<void(result<void>)> done, bool scrub) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      flushes_.push_back(std::move(done));
      scrub_wanted_ = scrub_wanted_ || scrub;
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
    bool last, scrub = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return owed_ || stopping_ || !flushes_.empty(); });
      // Let a few commits gather, unless someone waits for the index.
      if (flushes_.empty() && !stopping_)
        cv_.wait_for(lock, opts_.delay, [&] { return stopping_ || !flushes_.empty(); });
      owed_ = false;
      flushes.swap(flushes_);
      std::swap(scrub, scrub_wanted_);
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
      if (scrub) {
        db_->exec("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')");
        db_->truncate_wal();
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
  database& store = *store_db_;
  // The index's write lock first: command-line tools (switchboard admin ...) open
  // the store, and index this file, too; progress is read under the lock.
  db.exec("BEGIN IMMEDIATE");
  positions p;
  std::int64_t upto = 0;
  std::vector<std::int64_t> changed;                       // to drop from the index
  std::vector<std::pair<std::int64_t, std::string>> rows;  // to (re)index, by id
  try {
    read_progress(db, p);
    // One read transaction of the store: every row below comes from one snapshot.
    store.exec("BEGIN");
    try {
      read_store_ends(store, p);
      upto = std::min<std::int64_t>(p.max_id, p.last_id + static_cast<std::int64_t>(opts_.max_rows));
      if (p.max_seq > p.last_seq) {
        // Changed or deleted since they were indexed: dropped, and indexed again as
        // they are now if they still exist. Newer ids are indexed below anyway.
        auto& q = store.prepare(
            "SELECT DISTINCT c.message_id, m.body FROM search_changes c"
            " LEFT JOIN messages m ON m.id = c.message_id"
            " WHERE c.seq > ?1 AND c.seq <= ?2 AND c.message_id <= ?3");
        q.bind_all(p.last_seq, p.max_seq, p.last_id);
        while (q.step()) {
          changed.push_back(q.column_int(0));
          if (auto body = q.column_opt_text(1)) rows.emplace_back(q.column_int(0), std::move(*body));
        }
        q.reset();
      }
      if (upto > p.last_id) {
        auto& q = store.prepare("SELECT id, body FROM messages WHERE id > ?1 AND id <= ?2");
        q.bind_all(p.last_id, upto);
        while (q.step()) rows.emplace_back(q.column_int(0), q.column_text(1));
        q.reset();
      }
      store.reset_all();
      store.exec("COMMIT");
    } catch (...) {
      store.rollback_quietly();
      throw;
    }
    if (upto == p.last_id && p.max_seq == p.last_seq) {
      db.exec("COMMIT");  // nothing new; nothing written
      return true;
    }
    for (auto id : changed) db.prepare("DELETE FROM messages_fts WHERE rowid = ?1").bind(1, id).run();
    for (auto& [id, body] : rows)
      db.prepare("INSERT INTO messages_fts(rowid, body) VALUES (?1, ?2)")
          .borrow_text()  // bound and inserted in this one expression
          .bind_all(id, body)
          .run();
    db.prepare("UPDATE progress SET last_id = ?1, last_seq = ?2 WHERE name = 'messages'")
        .bind_all(upto, p.max_seq)
        .run();
    db.reset_all();
    db.exec("COMMIT");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
  if (p.max_seq > p.last_seq && opts_.applied_changes) opts_.applied_changes(p.max_seq);
  return upto == p.max_id;
}

}  // namespace switchboard::store
