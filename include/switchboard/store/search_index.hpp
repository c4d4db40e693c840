#pragma once
// The message search index: FTS5 in a file of its own beside the store
// (switchboard.search.db), written by a thread of its own, so that indexing never
// runs inside the store writer's transactions (it took 12-15% of the writer's time
// under webhook load, in the commits that acknowledge webhooks).
//
// The index is derived data: every row is a message's id and body, read from the
// store. Its own connection opens the index file and attaches the store's file
// read-only; one transaction reads a snapshot of the store and writes the index,
// so progress and index rows always agree. It holds nothing that is not in the
// store: a missing, unreadable or newer-than-the-store index is rebuilt.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::store {

class database;

struct search_index_options {
  std::string path;        // the index file
  std::string store_path;  // the store's database file, read on a connection of its own
  // New messages are indexed this long after a commit announces them, so that one
  // index transaction covers many batches (FTS5 costs less per row in bigger ones).
  std::chrono::milliseconds delay{250};
  std::size_t max_rows = 8192;  // new messages per index transaction
  // Called (on the indexer thread) with the last search_changes seq it has applied;
  // the store deletes those rows through its writer.
  std::function<void(std::int64_t)> applied_changes;
};

class search_index {
 public:
  // Opens or creates the index (rebuilding it when it cannot be used) and starts
  // the thread. Throws sqlite_error when the file cannot be created at all.
  explicit search_index(search_index_options opts);
  ~search_index();
  search_index(const search_index&) = delete;
  search_index& operator=(const search_index&) = delete;

  // The index file for a store at `store_path`: switchboard.db -> switchboard.search.db.
  static std::string path_for(const std::string& store_path);

  // The store committed new or changed messages: index them after the delay.
  void notify();
  // `done` runs on the indexer thread once everything committed to the store
  // before this call is searchable.
  void flush(std::function<void(result<void>)> done);
  // As flush, then the index forgets deleted rows for good: FTS5 merges every
  // segment into one (dropping deleted entries' terms) and the WAL is truncated, so
  // no page of the file still holds an erased message's words.
  void scrub(std::function<void(result<void>)> done);
  // Joins the thread; what is owed is indexed at the next start (a command-line
  // tool's store must not index a backlog on its way out). Flushes fail from here.
  void stop();

  // Attaches the index to a store connection as schema `search` (read connections
  // search through search.messages_fts).
  void attach(database& db) const;

 private:
  void open_index();
  void enqueue(std::function<void(result<void>)> done, bool scrub);
  void loop();
  // One transaction; true when the index has caught up with the store.
  bool index_some();


  search_index_options opts_;
  std::unique_ptr<database> db_;        // the index's file
  std::unique_ptr<database> store_db_;  // the store's, read only

  std::mutex mu_;
  std::condition_variable cv_;
  bool owed_ = true;  // a rebuild or a restart may have work left
  bool stopping_ = false;
  std::vector<std::function<void(result<void>)>> flushes_;
  bool scrub_wanted_ = false;  // a flush among flushes_ asked for scrub()
  std::thread thread_;
};

}  // namespace switchboard::store
