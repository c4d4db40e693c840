#include "switchboard/store/store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "support/test_support.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/widget.hpp"

namespace asio = boost::asio;
namespace st = switchboard::store;

namespace {
std::vector<st::migration> test_schema() {
  return {{1, "items", "CREATE TABLE items(id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE);"}};
}

std::unique_ptr<st::store> open_store(const sbtest::temp_dir& dir, switchboard::metrics* m,
                                      const std::vector<st::migration>& schema) {
  st::store_options o;
  o.path = dir.file("s.db");
  o.stats = m;
  o.migrations = schema;
  auto s = st::store::open(o);
  if (!s) throw std::runtime_error(s.err().message);
  return std::move(*s);
}

// A store on the embedded migrations (the real schema, with the search indexer).
std::unique_ptr<st::store> open_embedded(const sbtest::temp_dir& dir,
                                         std::int64_t thread_window = st::store_options{}.thread_window) {
  st::store_options o;
  o.path = dir.file("s.db");
  o.thread_window = thread_window;
  auto s = st::store::open(o);
  if (!s) throw std::runtime_error(s.err().message);
  return std::move(*s);
}

// Workspace 1, contact 1 and conversation 1, once.
void seed_conversation(st::database& db) {
  db.exec(
      "INSERT OR IGNORE INTO workspaces(id, name, created_at) VALUES (1, 'w', "
      "'2026-01-01T00:00:00Z')");
  db.exec(
      "INSERT OR IGNORE INTO contacts(id, workspace_id, created_at, updated_at)"
      " VALUES (1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  db.exec(
      "INSERT OR IGNORE INTO conversations(id, workspace_id, contact_id, created_at, updated_at)"
      " VALUES (1, 1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
}

std::int64_t count_items(st::store& s) {
  auto n = s.read_sync([](st::database& db) {
    auto& q = db.prepare("SELECT COUNT(*) FROM items");
    q.step();
    return q.column_int(0);
  });
  return n ? *n : -1;
}
}  // namespace

TEST(store, opens_in_wal_with_full_sync_and_foreign_keys) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  auto mode = s->read_sync([](st::database& db) {
    auto& q = db.prepare("PRAGMA journal_mode");
    q.step();
    return q.column_text(0);
  });
  ASSERT_TRUE(mode);
  EXPECT_EQ(*mode, "wal");
  // synchronous and foreign_keys are per connection: check the writer's.
  auto r = s->write_sync([](st::database& db) {
    auto& q = db.prepare("PRAGMA synchronous");
    q.step();
    if (q.column_int(0) != 2) throw std::runtime_error("synchronous is not FULL");
    auto& f = db.prepare("PRAGMA foreign_keys");
    f.step();
    if (f.column_int(0) != 1) throw std::runtime_error("foreign_keys is off");
  });
  EXPECT_TRUE(r) << r.err().message;
}

TEST(store, thousand_concurrent_writes_commit_and_one_failure_rolls_back_alone) {
  sbtest::temp_dir dir;
  switchboard::metrics m;
  auto schema = test_schema();
  auto s = open_store(dir, &m, schema);
  asio::io_context io;
  constexpr int n = 1000;
  constexpr int failing = 500;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::int64_t> ids(n, 0);
  for (int i = 0; i < n; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          auto r = co_await s->write([i](st::database& db) {
            db.prepare("INSERT INTO items(n) VALUES (?1)").bind(1, i).run();
            // The failing job has already inserted a row: it must vanish, and only it.
            if (i == failing) throw std::runtime_error("deliberate failure");
            return db.last_insert_rowid();
          });
          if (r) {
            ids[i] = *r;
            ++ok;
          } else {
            EXPECT_EQ(i, failing);
            EXPECT_NE(r.err().message.find("deliberate"), std::string::npos);
            ++failed;
          }
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(ok, n - 1);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(count_items(*s), n - 1);
  auto missing = s->read_sync([](st::database& db) {
    auto& q = db.prepare("SELECT COUNT(*) FROM items WHERE n = 500");
    q.step();
    return q.column_int(0);
  });
  EXPECT_EQ(*missing, 0);
  // Every successful job got its own row id.
  std::set<std::int64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(n));  // n-1 ids plus the 0 of the failure
  // Group commit: fewer commits than jobs.
  auto text = m.render();
  auto pos = text.find("\nswitchboard_store_commits_total ");
  ASSERT_NE(pos, std::string::npos);
  auto commits = std::stoll(text.substr(pos + 33));
  EXPECT_LT(commits, n);
  EXPECT_GE(commits, 1);
}

// Group commit is optimistic: jobs run without savepoints, and a failure rolls the
// batch back and replays it with one savepoint per job. Jobs queued behind a
// blocked one land in one batch, so the replay is observable.
TEST(store, a_failure_replays_its_batch_with_savepoints_and_only_the_failure_is_lost) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> blocking;
  s->submit(
      [gate, started = &blocking](st::database&) {
        started->set_value();
        gate.wait();
      },
      [](switchboard::result<void>) {});
  blocking.get_future().wait();  // the writer is inside the first batch now

  std::array<std::atomic<int>, 4> runs{};
  std::array<std::promise<switchboard::result<void>>, 4> results;
  for (int i = 0; i < 4; ++i) {
    s->submit(
        [i, count = &runs[i]](st::database& db) {
          ++*count;
          db.prepare("INSERT INTO items(n) VALUES (?1)").bind(1, 100 + i).run();
          if (i == 2) throw st::job_error("INVALID_INPUT", "job 2 refuses");
        },
        [r = &results[i]](switchboard::result<void> v) { r->set_value(std::move(v)); });
  }
  release.set_value();
  for (int i = 0; i < 4; ++i) {
    auto r = results[i].get_future().get();
    if (i == 2) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.err().code, "INVALID_INPUT");
    } else {
      EXPECT_TRUE(r) << i << ": " << r.err().message;
    }
  }
  // One optimistic run, then the replay; the job after the failure ran only in the replay.
  EXPECT_EQ(runs[0], 2);
  EXPECT_EQ(runs[1], 2);
  EXPECT_EQ(runs[2], 2);
  EXPECT_EQ(runs[3], 1);
  auto kept = s->read_sync([](st::database& db) {
    std::vector<std::int64_t> out;
    auto& q = db.prepare("SELECT n FROM items ORDER BY n");
    while (q.step()) out.push_back(q.column_int(0));
    return out;
  });
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, (std::vector<std::int64_t>{100, 101, 103}));

  // A batch without a failure runs each job once; a lone failing job is not replayed.
  std::atomic<int> once{0};
  ASSERT_TRUE(s->write_sync([c = &once](st::database& db) {
    ++*c;
    db.prepare("INSERT INTO items(n) VALUES (200)").run();
  }));
  EXPECT_EQ(once, 1);
  std::atomic<int> lone{0};
  auto refused = s->write_sync([c = &lone](st::database& db) {
    ++*c;
    db.prepare("INSERT INTO items(n) VALUES (201)").run();
    throw st::job_error("INVALID_INPUT", "no");
  });
  EXPECT_FALSE(refused);
  EXPECT_EQ(lone, 1);
  EXPECT_EQ(count_items(*s), 4);
}

// Checkpoints run on their own thread: the database file grows as WAL pages are
// copied into it, while the writer never checkpoints inside a commit.
TEST(store, the_checkpointer_copies_the_wal_into_the_database_file) {
  sbtest::temp_dir dir;
  switchboard::metrics m;
  st::store_options o;
  o.path = dir.file("s.db");
  std::vector<st::migration> schema = {
      {1, "blobs", "CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB NOT NULL);"}};
  o.migrations = schema;
  o.stats = &m;
  o.checkpoint_pages = 16;
  auto opened = st::store::open(o);
  ASSERT_TRUE(opened);
  auto& s = **opened;
  auto main_size = [&] { return std::filesystem::file_size(o.path); };
  auto before = main_size();
  for (int i = 0; i < 64; ++i)
    ASSERT_TRUE(s.write_sync([](st::database& db) {
      db.prepare("INSERT INTO blobs(b) VALUES (zeroblob(8000))").run();
    }));
  // 64 rows of 8 KB: about 128 pages, far past 16, all in the WAL until checkpointed.
  bool copied = false;
  for (int i = 0; i < 500 && !copied; ++i) {
    copied = main_size() >= before + 256 * 1024;
    if (!copied) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(copied) << "database file stayed at " << main_size() << " bytes";
  EXPECT_NE(m.render().find("switchboard_store_checkpoints_total "), std::string::npos);
  EXPECT_EQ(m.render().find("switchboard_store_checkpoints_total 0\n"), std::string::npos);
}

TEST(store, constraint_violation_is_a_conflict_and_others_in_batch_commit) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  ASSERT_TRUE(
      s->write_sync([](st::database& db) { db.prepare("INSERT INTO items(n) VALUES (7)").run(); }));
  auto dup =
      s->write_sync([](st::database& db) { db.prepare("INSERT INTO items(n) VALUES (7)").run(); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.err().code, "CONFLICT");
  EXPECT_EQ(count_items(*s), 1);
}

TEST(store, completion_resumes_on_the_callers_thread) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  asio::io_context io;
  std::thread::id resumed_on;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await s->write(
            [](st::database& db) { db.prepare("INSERT INTO items(n) VALUES (1)").run(); });
        resumed_on = std::this_thread::get_id();
        auto r = co_await s->read([](st::database& db) {
          auto& q = db.prepare("SELECT n FROM items");
          q.step();
          return q.column_int(0);
        });
        EXPECT_EQ(*r, 1);
        EXPECT_EQ(std::this_thread::get_id(), resumed_on);
      },
      asio::detached);
  io.run();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

// Each write is created on its caller's thread and must be resumed and freed there
// too, whatever batch it shared with writes from elsewhere: the writer thread
// frees none of it (glibc then keeps each thread's allocations in its own cache).
TEST(store, writes_complete_and_are_freed_on_their_callers_threads) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  struct freed_on {
    std::mutex mu;
    std::vector<std::pair<int, std::thread::id>> seen;  // (context, thread) per destroyed callable
  } freed;
  // Notes the thread that destroys it, unless it was moved from.
  struct witness {
    freed_on* log;
    int context;
    witness(freed_on* l, int c) : log(l), context(c) {}
    witness(witness&& o) noexcept : log(std::exchange(o.log, nullptr)), context(o.context) {}
    witness(const witness&) = delete;
    ~witness() {
      if (!log) return;
      std::lock_guard lock(log->mu);
      log->seen.emplace_back(context, std::this_thread::get_id());
    }
  };
  constexpr int writes = 200;
  std::array<asio::io_context, 2> io;
  std::array<std::thread::id, 2> io_thread;
  std::array<std::atomic<int>, 2> resumed_elsewhere{0, 0}, done{0, 0};
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < writes; ++i)
      asio::co_spawn(
          io[c],
          [&, c, i]() -> asio::awaitable<void> {
            auto job = [w = witness(&freed, c), c, i](st::database& db) {
              db.prepare("INSERT INTO items(n) VALUES (?1)").bind(1, c * writes + i).run();
              return i;
            };
            auto r = co_await s->write(std::move(job));
            if (std::this_thread::get_id() != io_thread[c]) ++resumed_elsewhere[c];
            if (r && *r == i) ++done[c];
          },
          asio::detached);
  std::array<std::thread, 2> runners;
  for (int c = 0; c < 2; ++c)
    runners[c] = std::thread([&, c] {
      io_thread[c] = std::this_thread::get_id();
      io[c].run();
    });
  for (auto& t : runners) t.join();
  EXPECT_EQ(done[0], writes);
  EXPECT_EQ(done[1], writes);
  EXPECT_EQ(resumed_elsewhere[0], 0);
  EXPECT_EQ(resumed_elsewhere[1], 0);
  ASSERT_EQ(freed.seen.size(), 2u * writes);
  for (auto& [c, t] : freed.seen) EXPECT_EQ(t, io_thread[c]) << "a callable of context " << c;
  EXPECT_EQ(count_items(*s), 2 * writes);

  // After stop() a write fails at once, and still resumes and is freed at home.
  s->stop();
  freed.seen.clear();
  asio::io_context late;
  std::optional<switchboard::result<int>> refused;
  asio::co_spawn(
      late,
      [&]() -> asio::awaitable<void> {
        auto job = [w = witness(&freed, 0)](st::database&) { return 1; };
        refused = co_await s->write(std::move(job));
      },
      asio::detached);
  late.run();
  ASSERT_TRUE(refused);
  ASSERT_FALSE(*refused);
  EXPECT_EQ(refused->err().code, "UNAVAILABLE");
  ASSERT_EQ(freed.seen.size(), 1u);
  EXPECT_EQ(freed.seen[0].second, std::this_thread::get_id());
}

TEST(store, stop_commits_queued_writes_and_refuses_new_ones) {
  sbtest::temp_dir dir;
  auto schema = test_schema();
  auto s = open_store(dir, nullptr, schema);
  std::atomic<int> done{0};
  for (int i = 0; i < 200; ++i)
    s->submit(
        [i](st::database& db) { db.prepare("INSERT INTO items(n) VALUES (?1)").bind(1, i).run(); },
        [&](switchboard::result<void> r) {
          if (r) ++done;
        });
  s->stop();
  EXPECT_EQ(done, 200);
  auto after = s->write_sync([](st::database&) {});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.err().code, "UNAVAILABLE");
  EXPECT_EQ(count_items(*s), 200);
}

// The search index (search_index.hpp) lives in its own file and follows the
// store's commits on its own thread: a message inserted, edited or deleted in
// any order must leave the index exactly as the messages are, after a flush.
TEST(store, the_search_index_follows_inserts_edits_and_deletes) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);  // the real schema, with the search index
  auto& s = *opened;
  auto insert = [](st::database& db, const std::string& body) {
    seed_conversation(db);
    st::message m;
    m.workspace_id = 1;
    m.conversation_id = 1;
    m.direction = "inbound";
    m.sender_kind = "contact";
    m.channel = "sms";
    m.body = body;
    m.status = "received";
    m.created_at = "2026-01-01T00:00:00Z";
    return st::conversations::insert_message(db, m);
  };
  auto matches = [&](const std::string& word) {
    if (!s.flush_sync()) return std::string("flush failed");
    auto r = s.read_sync([word](st::database& db) {
      auto& q = db.prepare(
          "SELECT group_concat(rowid) FROM search.messages_fts WHERE messages_fts MATCH ?1");
      q.bind(1, word);
      q.step();
      return q.column_text(0);
    });
    return r ? *r : std::string("error");
  };
  auto integrity = [&]() -> std::string {
    try {
      st::database index(dir.file("s.search.db"), st::database::mode::read_write);
      index.exec("PRAGMA busy_timeout = 5000");
      index.exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
      return "ok";
    } catch (const std::exception& e) {
      return e.what();
    }
  };
  auto pending_changes = [&] {
    auto r = s.read_sync([](st::database& db) {
      auto& q = db.prepare("SELECT COUNT(*) FROM search_changes");
      q.step();
      return q.column_int(0);
    });
    return r ? *r : -1;
  };

  // One batch: kept, edited before indexing, deleted before indexing, and a job that fails.
  std::int64_t kept = 0, edited = 0;
  auto first = s.write_sync([&](st::database& db) {
    kept = insert(db, "apples");
    edited = insert(db, "bananas");
    auto gone = insert(db, "cherries");
    db.prepare("UPDATE messages SET body = 'dates' WHERE id = ?1").bind_all(edited).run();
    db.prepare("DELETE FROM messages WHERE id = ?1").bind_all(gone).run();
  });
  ASSERT_TRUE(first) << first.err().message;
  auto failed = s.write_sync([&](st::database& db) {
    insert(db, "elderberries");
    throw st::job_error("INVALID_INPUT", "rolled back");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(matches("apples"), std::to_string(kept));
  EXPECT_EQ(matches("dates"), std::to_string(edited));
  EXPECT_EQ(matches("bananas"), "");
  EXPECT_EQ(matches("cherries"), "");
  EXPECT_EQ(matches("elderberries"), "");
  EXPECT_EQ(integrity(), "ok");
  // The changes it applied are deleted through the writer (a job queued by the index);
  // the next ones must not reuse their numbers.
  for (int i = 0; i < 500 && pending_changes() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(pending_changes(), 0);

  // Later transactions edit and delete rows that are already indexed.
  auto later = s.write_sync([&](st::database& db) {
    db.prepare("UPDATE messages SET body = 'figs' WHERE id = ?1").bind_all(edited).run();
    db.prepare("DELETE FROM messages WHERE id = ?1").bind_all(kept).run();
    insert(db, "grapes");
  });
  ASSERT_TRUE(later) << later.err().message;
  EXPECT_EQ(matches("apples"), "");
  EXPECT_EQ(matches("dates"), "");
  EXPECT_EQ(matches("figs"), std::to_string(edited));
  EXPECT_NE(matches("grapes"), "");
  EXPECT_EQ(integrity(), "ok");
  for (int i = 0; i < 500 && pending_changes() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(pending_changes(), 0);
}

namespace {

// A message with this body in conversation 1.
switchboard::result<void> add_message(st::store& s, const std::string& body) {
  return s.write_sync([body](st::database& db) {
    seed_conversation(db);
    db.prepare(
          "INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, channel,"
          " body, status, created_at) VALUES (1, 1, 'inbound', 'contact', 'sms', ?1, 'received', "
          "'t')")
        .bind(1, body)
        .run();
  });
}

// How many messages the search index finds for `word` once it has caught up (or why not).
std::string found(st::store& s, const std::string& word) {
  auto flushed = s.flush_sync();
  if (!flushed) return flushed.err().message;
  auto r = s.read_sync([word](st::database& db) {
    auto& q = db.prepare("SELECT COUNT(*) FROM search.messages_fts WHERE messages_fts MATCH ?1");
    q.bind(1, word);
    q.step();
    return q.column_int(0);
  });
  return r ? std::to_string(*r) : r.err().message;
}

}  // namespace

// The index is rebuilt from the messages when its file is gone, and when it is
// ahead of the store (a backup of the store was restored under it).
TEST(store, the_search_index_is_rebuilt_when_missing_or_ahead_of_the_store) {
  sbtest::temp_dir dir;
  {
    auto s = open_embedded(dir);
    ASSERT_TRUE(add_message(*s, "kiwi"));
    ASSERT_TRUE(add_message(*s, "lemon"));
    EXPECT_EQ(found(*s, "kiwi"), "1");
  }
  std::filesystem::copy_file(dir.file("s.db"), dir.file("backup.db"));  // closed: no WAL left
  {
    auto s = open_embedded(dir);
    ASSERT_TRUE(add_message(*s, "mango"));
    EXPECT_EQ(found(*s, "mango"), "1");
  }
  // The older store comes back: its next message gets mango's id, and the index must
  // not answer "mango" for it.
  std::filesystem::copy_file(dir.file("backup.db"), dir.file("s.db"),
                             std::filesystem::copy_options::overwrite_existing);
  {
    auto s = open_embedded(dir);
    ASSERT_TRUE(add_message(*s, "nectarine"));
    EXPECT_EQ(found(*s, "mango"), "0");
    EXPECT_EQ(found(*s, "nectarine"), "1");
    EXPECT_EQ(found(*s, "kiwi"), "1");
  }
  for (auto suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(dir.file("s.search.db") + suffix);
  {
    auto s = open_embedded(dir);
    EXPECT_EQ(found(*s, "kiwi"), "1");
    EXPECT_EQ(found(*s, "lemon"), "1");
    EXPECT_EQ(found(*s, "nectarine"), "1");
  }
  // A file in the first layout (a content table with per-row sizes, no user_version),
  // whose progress says everything is indexed although it indexed nothing: rebuilt.
  for (auto suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(dir.file("s.search.db") + suffix);
  {
    st::database old(dir.file("s.search.db"), st::database::mode::read_write);
    old.exec("CREATE VIRTUAL TABLE messages_fts USING fts5(body)");
    old.exec(
        "CREATE TABLE progress(name TEXT PRIMARY KEY, last_id INTEGER NOT NULL,"
        " last_seq INTEGER NOT NULL) WITHOUT ROWID");
    old.exec("INSERT INTO progress VALUES ('messages', 3, 0)");
  }
  {
    auto s = open_embedded(dir);
    EXPECT_EQ(found(*s, "kiwi"), "1");
    EXPECT_EQ(found(*s, "nectarine"), "1");
    ASSERT_TRUE(add_message(*s, "orange"));
    EXPECT_EQ(found(*s, "orange"), "1");
  }
  st::database index(dir.file("s.search.db"), st::database::mode::read_only);
  auto& v = index.prepare("PRAGMA user_version");
  ASSERT_TRUE(v.step());
  EXPECT_EQ(v.column_int(0), 2);
  v.reset();
}

// 0007_check_lists: the hot tables' CHECK lists are equality chains (no ephemeral
// b-tree per checked row), and they still refuse what they refused before.
TEST(store, check_lists_are_equality_chains_and_still_enforced) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);  // the real schema
  auto& s = *opened;
  auto schemas = s.read_sync([](st::database& db) {
    auto& q = db.prepare(
        "SELECT group_concat(sql, ';') FROM sqlite_schema WHERE type = 'table'"
        " AND name IN ('messages', 'conversations', 'outbox', 'contact_identities')");
    q.step();
    return q.column_text(0);
  });
  ASSERT_TRUE(schemas);
  EXPECT_EQ(schemas->find(" IN ("), std::string::npos) << *schemas;
  EXPECT_NE(schemas->find("direction = 'inbound' OR"), std::string::npos);
  auto bad = s.write_sync([](st::database& db) {
    db.exec("INSERT INTO workspaces(id, name, created_at) VALUES (1, 'w', 't')");
    db.exec(
        "INSERT INTO contacts(id, workspace_id, created_at, updated_at) VALUES (1, 1, 't', 't')");
    db.exec(
        "INSERT INTO conversations(id, workspace_id, contact_id, created_at, updated_at, status)"
        " VALUES (1, 1, 1, 't', 't', 'bogus')");
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.err().code, "CONFLICT") << bad.err().message;  // a constraint violation
  auto good = s.write_sync([](st::database& db) {
    db.exec("INSERT INTO workspaces(id, name, created_at) VALUES (1, 'w', 't')");
    db.exec(
        "INSERT INTO contacts(id, workspace_id, created_at, updated_at) VALUES (1, 1, 't', 't')");
    db.exec(
        "INSERT INTO conversations(id, workspace_id, contact_id, created_at, updated_at, status)"
        " VALUES (1, 1, 1, 't', 't', 'snoozed')");
  });
  EXPECT_TRUE(good) << good.err().message;
  // The writer runs on the migrated text: EXPLAIN of an insert opens no ephemeral table.
  auto plan = s.write_sync([](st::database& db) {
    auto& q = db.prepare(
        "EXPLAIN INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, "
        "channel,"
        " status, created_at) VALUES (1, 1, 'inbound', 'contact', 'sms', 'received', 't')");
    while (q.step())
      if (q.column_text(1) == "OpenEphemeral")
        throw std::runtime_error("ephemeral table per insert");
  });
  EXPECT_TRUE(plan) << plan.err().message;
}

// A customer's message reopens a resolved or snoozed conversation; a teammate's
// reply leaves its status alone. Unread counts and timestamps follow.
TEST(store, a_customer_message_reopens_and_a_reply_does_not) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);  // the real schema
  auto& s = *opened;
  auto state = [&](const std::string& status, const char* snoozed_until,
                   const std::string& sender) {
    auto r = s.write_sync([=](st::database& db) {
      seed_conversation(db);
      db.prepare(
            "UPDATE conversations SET status = ?1, snoozed_until = ?2, unread_count = 0 WHERE id = "
            "1")
          .bind_all(status,
                    snoozed_until ? std::optional<std::string>(snoozed_until) : std::nullopt)
          .run();
      st::message m;
      m.workspace_id = 1;
      m.conversation_id = 1;
      m.direction = sender == "contact" ? "inbound" : "outbound";
      m.sender_kind = sender;
      m.channel = "sms";
      m.body = "hello";
      m.status = sender == "contact" ? "received" : "queued";
      m.created_at = "2026-02-02T00:00:00Z";
      st::conversations::insert_message(db, m);
    });
    if (!r) return std::string("error: ") + r.err().message;
    auto row = s.read_sync([](st::database& db) {
      auto& q = db.prepare(
          "SELECT status, coalesce(snoozed_until, '-'), unread_count, last_message_at FROM "
          "conversations WHERE id = 1");
      q.step();
      return q.column_text(0) + " " + q.column_text(1) + " " + std::to_string(q.column_int(2)) +
             " " + q.column_text(3);
    });
    return row ? *row : std::string("read failed");
  };
  EXPECT_EQ(state("resolved", nullptr, "contact"), "open - 1 2026-02-02T00:00:00Z");
  EXPECT_EQ(state("snoozed", "2030-01-01T00:00:00Z", "contact"), "open - 1 2026-02-02T00:00:00Z");
  EXPECT_EQ(state("pending", nullptr, "contact"), "pending - 1 2026-02-02T00:00:00Z");
  EXPECT_EQ(state("resolved", nullptr, "teammate"), "resolved - 0 2026-02-02T00:00:00Z");
  EXPECT_EQ(state("snoozed", "2030-01-01T00:00:00Z", "teammate"),
            "snoozed 2030-01-01T00:00:00Z 0 2026-02-02T00:00:00Z");
}

// Expired widget sessions are purged in bounded bites; live ones stay.
TEST(store, expired_widget_sessions_are_purged_in_bites) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);
  auto& s = *opened;
  auto add = s.write_sync([](st::database& db) {
    seed_conversation(db);
    for (int i = 0; i < 5; ++i) {
      st::widget::session ws;
      ws.workspace_id = 1;
      ws.contact_id = 1;
      ws.visitor_id = "v" + std::to_string(i);
      ws.created_at = "2026-01-01T00:00:00.000Z";
      ws.expires_at = i < 3 ? "2026-01-02T00:00:00.000Z" : "2026-03-01T00:00:00.000Z";
      st::widget::insert_session(db, ws, "hash" + std::to_string(i), std::nullopt);
    }
  });
  ASSERT_TRUE(add) << add.err().message;
  auto purge = [&](int limit) {
    auto r = s.write_sync([limit](st::database& db) {
      if (st::widget::purge_expired_sessions(db, "2026-02-01T00:00:00.000Z", limit) < 0)
        throw std::runtime_error("?");
    });
    EXPECT_TRUE(r);
    auto left = s.read_sync([](st::database& db) {
      auto& q = db.prepare(
          "SELECT group_concat(visitor_id) FROM (SELECT visitor_id FROM widget_sessions ORDER BY "
          "id)");
      q.step();
      return q.column_text(0);
    });
    return left ? *left : std::string("error");
  };
  EXPECT_EQ(purge(2), "v2,v3,v4");
  EXPECT_EQ(purge(500), "v3,v4");
  EXPECT_EQ(purge(500), "v3,v4");
}

// The writer memoizes active numbers and senders (database::memo): every change
// must show, whether made by a job, undone by a rollback, or committed by another
// process (`switchboard admin ...`).
TEST(store, memoized_numbers_follow_changes_rollbacks_and_other_writers) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);
  auto& s = *opened;
  namespace nums = st::numbers;
  ASSERT_TRUE(s.write_sync([](st::database& db) {
    seed_conversation(db);
    nums::number_row n;
    n.workspace_id = 1;
    n.number = "+12025550111";
    n.carrier = "sandbox";
    n.created_at = "t";
    nums::insert(db, n);
  }));
  // What a webhook job sees: the number's owner, and whether a phone is one of our lines.
  auto seen = [&] {
    std::string out;
    auto r = s.write_sync([&out](st::database& db) {
      auto n = nums::find_active(db, "+12025550111");
      out = !n                     ? "none"
            : n->owner_teammate_id ? "teammate " + std::to_string(*n->owner_teammate_id)
                                   : "nobody";
      out += nums::classify_sender(db, "+12025550111").our_line ? ", our line" : ", not ours";
      out +=
          nums::classify_sender(db, "+12025550122").teammate_phone ? ", 0122 is a teammate's" : "";
    });
    return r ? out : r.err().message;
  };
  EXPECT_EQ(seen(), "nobody, our line");
  EXPECT_EQ(seen(), "nobody, our line");  // from the memo now

  // A job's own change.
  ASSERT_TRUE(s.write_sync([](st::database& db) {
    db.exec(
        "INSERT INTO teammates(id, workspace_id, email, name, role, created_at, physical_number)"
        " VALUES (7, 1, 'a@example.com', 'A', 'admin', 't', '+12025550122')");
    db.exec("UPDATE numbers SET owner_teammate_id = 7");
  }));
  EXPECT_EQ(seen(), "teammate 7, our line, 0122 is a teammate's");

  // A job that read its own change and then failed: the change is undone, and so is the memo.
  auto failed = s.write_sync([](st::database& db) {
    db.exec("UPDATE numbers SET status = 'released'");
    if (!nums::find_active(db, "+12025550111")) throw st::job_error("INVALID_INPUT", "undone");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(seen(), "teammate 7, our line, 0122 is a teammate's");

  // Another connection (another process) commits.
  {
    st::database other(dir.file("s.db"), st::database::mode::read_write);
    other.exec("PRAGMA busy_timeout = 5000");
    other.exec("UPDATE numbers SET owner_teammate_id = NULL");
    other.exec("UPDATE teammates SET physical_number = NULL");
  }
  EXPECT_EQ(seen(), "nobody, our line");
  {
    st::database other(dir.file("s.db"), st::database::mode::read_write);
    other.exec("PRAGMA busy_timeout = 5000");
    other.exec("UPDATE numbers SET status = 'released'");
  }
  EXPECT_EQ(seen(), "none, not ours");
}

// A command-line tool opens the same store beside the daemon: two indexers then
// share the index file, and neither may index a message twice or lose its place.
TEST(store, two_stores_on_one_file_share_the_search_index) {
  sbtest::temp_dir dir;
  auto daemon = open_embedded(dir);
  auto tool = open_embedded(dir);
  ASSERT_TRUE(add_message(*daemon, "olive"));
  EXPECT_EQ(found(*tool, "olive"), "1");  // the tool's indexer got there first
  ASSERT_TRUE(add_message(*daemon, "peach"));
  EXPECT_EQ(found(*daemon, "olive"), "1");
  EXPECT_EQ(found(*daemon, "peach"), "1");
  ASSERT_TRUE(add_message(*tool, "quince"));
  EXPECT_EQ(found(*daemon, "quince"), "1");
  EXPECT_EQ(found(*tool, "peach"), "1");
}

namespace {

st::message thread_message(st::id_t conversation, int n, bool is_private) {
  st::message m;
  m.workspace_id = 1;
  m.conversation_id = conversation;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.channel = "sms";
  m.body = "text " + std::to_string(n);
  m.is_private = is_private;
  m.status = "received";
  m.created_at = "2026-02-02T00:00:00Z";
  return m;
}

std::vector<st::id_t> ids_of(const std::vector<st::message>& ms) {
  std::vector<st::id_t> out;
  for (auto& m : ms) out.push_back(m.id);
  return out;
}

}  // namespace

// A conversation's messages are found through message_threads up to the watermark
// and through the table's tail above it; every read must see each message once,
// in order, wherever the watermark stands.
TEST(store, threads_read_alike_on_both_sides_of_the_merge_watermark) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir, 5);
  auto& s = *opened;
  ASSERT_TRUE(s.write_sync([](st::database& db) {
    seed_conversation(db);
    db.exec(
        "INSERT INTO conversations(id, workspace_id, contact_id, created_at, updated_at)"
        " VALUES (2, 1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  }));

  std::map<st::id_t, std::vector<st::id_t>> all, pub;  // expected, per conversation
  std::int64_t merged_at_least_once = 0;
  for (int n = 0; n < 23; ++n) {
    st::id_t conversation = n % 3 == 2 ? 2 : 1;
    bool is_private = n % 4 == 3;
    auto written = std::make_shared<st::id_t>(0);  // the job may run twice: the last run's id
    ASSERT_TRUE(s.write_sync([=](st::database& db) {
      *written = st::conversations::insert_message(db, thread_message(conversation, n, is_private));
    }));
    st::id_t id = *written;
    all[conversation].push_back(id);
    if (!is_private) pub[conversation].push_back(id);

    auto seen = s.read_sync([&](st::database& db) {
      std::map<st::id_t, std::vector<st::id_t>> out;
      for (st::id_t c : {1, 2}) out[c] = ids_of(st::conversations::thread(db, 1, c, std::nullopt, 100, true));
      return out;
    });
    ASSERT_TRUE(seen);
    EXPECT_EQ((*seen)[1], all[1]) << "after message " << n;
    EXPECT_EQ((*seen)[2], all[2]) << "after message " << n;

    auto state = s.read_sync([](st::database& db) {
      auto& q = db.prepare(
          "SELECT (SELECT last_id FROM thread_progress), (SELECT max(id) FROM messages),"
          " (SELECT count(*) FROM message_threads)");
      q.step();
      return std::array<std::int64_t, 3>{q.column_int(0), q.column_int(1), q.column_int(2)};
    });
    ASSERT_TRUE(state);
    auto [last, newest, merged] = *state;
    EXPECT_LT(newest - last, 5) << "the tail stays under the window";
    EXPECT_EQ(merged, last) << "everything up to the watermark is merged, nothing above";
    if (last > 0) ++merged_at_least_once;
  }
  EXPECT_GT(merged_at_least_once, 0);

  // Pages of a thread cross the watermark: every `after` and `limit` gives the same
  // slice as the whole list does, private messages included or not.
  auto slices = s.read_sync([&](st::database& db) {
    int wrong = 0;
    for (st::id_t c : {1, 2})
      for (bool with_private : {true, false}) {
        auto& want = with_private ? all[c] : pub[c];
        for (std::size_t from = 0; from <= want.size(); ++from)
          for (int limit : {1, 2, 3, 100}) {
            std::optional<st::id_t> after;
            if (from > 0) after = want[from - 1];
            auto got = ids_of(st::conversations::thread(db, 1, c, after, limit, with_private));
            std::vector<st::id_t> expected(want.begin() + static_cast<std::ptrdiff_t>(from),
                                           want.begin() + static_cast<std::ptrdiff_t>(std::min(want.size(), from + limit)));
            if (got != expected) ++wrong;
          }
      }
    return wrong;
  });
  ASSERT_TRUE(slices);
  EXPECT_EQ(*slices, 0);

  // The list's preview is the newest public message; deleting it falls back to the
  // one before, merged or not.
  auto preview = [&](st::id_t c) {
    auto r = s.read_sync([c](st::database& db) { return st::conversations::find(db, 1, c)->preview; });
    return r ? r->value_or("(none)") : std::string("read failed");
  };
  auto body_of = [&](st::id_t id) {
    auto r = s.read_sync([id](st::database& db) { return st::conversations::find_message(db, 1, id)->body; });
    return r ? *r : std::string("read failed");
  };
  EXPECT_EQ(preview(1), body_of(pub[1].back()));
  EXPECT_EQ(preview(2), body_of(pub[2].back()));
  for (st::id_t c : {1, 2}) {
    while (pub[c].size() > 1) {
      auto gone = pub[c].back();
      ASSERT_TRUE(s.write_sync([gone](st::database& db) {
        db.prepare("DELETE FROM messages WHERE id = ?1").bind(1, gone).run();
      }));
      pub[c].pop_back();
      all[c].erase(std::find(all[c].begin(), all[c].end(), gone));
      EXPECT_EQ(preview(c), body_of(pub[c].back())) << "after deleting " << gone;
      auto left = s.read_sync([c](st::database& db) { return ids_of(st::conversations::thread(db, 1, c, std::nullopt, 100, true)); });
      ASSERT_TRUE(left);
      EXPECT_EQ(*left, all[c]);
    }
  }
  auto orphans = s.read_sync([](st::database& db) {
    auto& q = db.prepare(
        "SELECT count(*) FROM message_threads t WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = t.message_id)");
    q.step();
    return q.column_int(0);
  });
  ASSERT_TRUE(orphans);
  EXPECT_EQ(*orphans, 0);
}

// A database made before message_threads gets every message merged and every
// conversation its preview when it is migrated.
TEST(store, migrating_to_the_thread_table_merges_existing_messages) {
  sbtest::temp_dir dir;
  auto& all = st::embedded_migrations();
  auto before = std::find_if(all.begin(), all.end(), [](auto& m) { return m.version == 11; });
  ASSERT_NE(before, all.end());
  std::vector<st::migration> older(all.begin(), before);
  std::vector<st::id_t> ids;
  {
    st::store_options o;
    o.path = dir.file("s.db");
    o.migrations = older;
    auto opened = st::store::open(o);
    ASSERT_TRUE(opened) << opened.err().message;
    // Rows as that schema had them (today's insert_message also sets preview_id).
    ASSERT_TRUE((*opened)->write_sync([](st::database& db) {
      seed_conversation(db);
      for (int n = 0; n < 7; ++n)
        db.prepare(
              "INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, private,"
              " channel, body, status, created_at) VALUES (1, 1, 'inbound', 'contact', ?1, 'sms', ?2,"
              " 'received', '2026-02-02T00:00:00Z')")
            .bind_all(static_cast<std::int64_t>(n == 6), "text " + std::to_string(n))
            .run();
    }));
    auto read = (*opened)->read_sync([](st::database& db) {
      std::vector<st::id_t> out;
      auto& q = db.prepare("SELECT id FROM messages ORDER BY id");
      while (q.step()) out.push_back(q.column_int(0));
      return out;
    });
    ASSERT_TRUE(read);
    ids = *read;
    ASSERT_EQ(ids.size(), 7u);
  }
  auto opened = open_embedded(dir);
  auto got = opened->read_sync([](st::database& db) {
    auto& q = db.prepare(
        "SELECT (SELECT last_id FROM thread_progress), (SELECT count(*) FROM message_threads),"
        " (SELECT count(*) FROM sqlite_schema WHERE name = 'messages_thread')");
    q.step();
    std::vector<std::int64_t> out{q.column_int(0), q.column_int(1), q.column_int(2)};
    q.reset();
    auto t = ids_of(st::conversations::thread(db, 1, 1, std::nullopt, 100, true));
    out.insert(out.end(), t.begin(), t.end());
    return std::make_pair(out, st::conversations::find(db, 1, 1)->preview.value_or("(none)"));
  });
  ASSERT_TRUE(got);
  std::vector<std::int64_t> want{ids.back(), 7, 0};
  want.insert(want.end(), ids.begin(), ids.end());
  EXPECT_EQ(got->first, want);
  EXPECT_EQ(got->second, "text 5");  // the newest public one: 6 is private
}

// A merge that fails is undone alone: the batch's writes still commit, readers find
// the messages in the tail, and a later batch merges them.
TEST(store, a_failing_thread_merge_does_not_fail_the_writes_with_it) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir, 2);
  auto& s = *opened;
  ASSERT_TRUE(s.write_sync([](st::database& db) {
    seed_conversation(db);
    db.exec(
        "CREATE TRIGGER refuse_merges BEFORE INSERT ON message_threads"
        " BEGIN SELECT RAISE(ABORT, 'merges refused by the test'); END");
  }));
  auto progress = [&] {
    auto r = s.read_sync([](st::database& db) {
      auto& q = db.prepare(
          "SELECT (SELECT last_id FROM thread_progress), (SELECT count(*) FROM message_threads),"
          " (SELECT count(*) FROM messages)");
      q.step();
      return std::array<std::int64_t, 3>{q.column_int(0), q.column_int(1), q.column_int(2)};
    });
    return r ? *r : std::array<std::int64_t, 3>{-1, -1, -1};
  };
  auto listed = [&] {
    auto r = s.read_sync([](st::database& db) {
      return st::conversations::thread(db, 1, 1, std::nullopt, 100, true).size();
    });
    return r ? static_cast<std::int64_t>(*r) : -1;
  };
  for (int n = 0; n < 5; ++n)
    ASSERT_TRUE(s.write_sync([n](st::database& db) {
      st::conversations::insert_message(db, thread_message(1, n, false));
    })) << "write " << n;
  EXPECT_EQ(progress(), (std::array<std::int64_t, 3>{0, 0, 5}));
  EXPECT_EQ(listed(), 5);

  ASSERT_TRUE(s.write_sync([](st::database& db) {
    db.exec("DROP TRIGGER refuse_merges");
    st::conversations::insert_message(db, thread_message(1, 5, false));
  }));
  EXPECT_EQ(progress(), (std::array<std::int64_t, 3>{6, 6, 6}));
  EXPECT_EQ(listed(), 6);
}

namespace {

// Holds the writer inside a batch of its own (after `first`, if given), so the
// jobs queued meanwhile are taken together as the next batch once released.
class writer_hold {
 public:
  explicit writer_hold(st::store& s, st::store::job first = {}) {
    auto gate = release_.get_future().share();
    s.submit(
        [first, gate, started = &started_](st::database& db) {
          if (first) first(db);
          started->set_value();
          gate.wait();
        },
        [](switchboard::result<void>) {});
    started_.get_future().wait();  // the writer is inside the batch now
  }
  ~writer_hold() { release(); }
  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> started_, release_;
  bool released_ = false;
};

// Jobs submitted while the writer is held; their results once released.
class queued_jobs {
 public:
  void add(st::store& s, st::store::job j) {
    results_.push_back(std::make_unique<std::promise<switchboard::result<void>>>());
    s.submit(std::move(j), [p = results_.back().get()](switchboard::result<void> r) {
      p->set_value(std::move(r));
    });
  }
  std::vector<switchboard::result<void>> wait() {
    std::vector<switchboard::result<void>> out;
    for (auto& p : results_) out.push_back(p->get_future().get());
    return out;
  }

 private:
  std::vector<std::unique_ptr<std::promise<switchboard::result<void>>>> results_;
};

// Items and blobs, and children whose parent must exist (foreign keys are on).
std::vector<st::migration> parent_child_schema() {
  return {{1, "items",
           "CREATE TABLE items(id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE);"
           "CREATE TABLE blobs(id INTEGER PRIMARY KEY, b BLOB NOT NULL);"
           "CREATE TABLE children(id INTEGER PRIMARY KEY,"
           " parent INTEGER NOT NULL REFERENCES items(id));"}};
}

std::vector<std::int64_t> item_numbers(st::store& s) {
  auto r = s.read_sync([](st::database& db) {
    std::vector<std::int64_t> out;
    auto& q = db.prepare("SELECT n FROM items ORDER BY n");
    while (q.step()) out.push_back(q.column_int(0));
    return out;
  });
  return r ? *r : std::vector<std::int64_t>{-1};
}

void insert_item(st::database& db, int n) {
  db.prepare("INSERT INTO items(n) VALUES (?1)").bind(1, n).run();
}

}  // namespace

// A job of a group-commit batch that changed a memoized row, read it back (so the
// memo holds its change) and failed is rolled back to its savepoint: the memo must
// go with it, or the next job of the batch, and every later batch, would see a
// number released that is still active.
TEST(store, a_failed_job_in_a_batch_leaves_no_memo_of_its_undone_change) {
  sbtest::temp_dir dir;
  auto opened = open_embedded(dir);
  auto& s = *opened;
  namespace nums = st::numbers;
  ASSERT_TRUE(s.write_sync([](st::database& db) {
    seed_conversation(db);
    nums::number_row n;
    n.workspace_id = 1;
    n.number = "+12025550111";
    n.carrier = "sandbox";
    n.created_at = "t";
    nums::insert(db, n);
  }));
  // What a webhook job reads, through the writer's memos.
  auto seen = [](st::database& db) {
    std::string out = nums::find_active(db, "+12025550111") ? "active" : "none";
    out += nums::classify_sender(db, "+12025550111").our_line ? ", our line" : ", not ours";
    return out;
  };
  std::string before;
  ASSERT_TRUE(s.write_sync([&](st::database& db) { before = seen(db); }));
  EXPECT_EQ(before, "active, our line");  // and memoized

  std::string in_batch = "not run", next_batch = "not run";
  queued_jobs jobs;
  {
    writer_hold hold(s);
    jobs.add(s, [&seen](st::database& db) {
      db.exec("UPDATE numbers SET status = 'released'");
      if (seen(db) == "none, not ours") throw st::job_error("INVALID_INPUT", "undone");
    });
    jobs.add(s, [&](st::database& db) { in_batch = seen(db); });
  }
  auto results = jobs.wait();
  ASSERT_EQ(results.size(), 2u);
  ASSERT_FALSE(results[0]) << "the failing job was reported committed";
  EXPECT_EQ(results[0].err().code, "INVALID_INPUT");
  EXPECT_TRUE(results[1]) << results[1].err().message;
  EXPECT_EQ(in_batch, "active, our line");
  ASSERT_TRUE(s.write_sync([&](st::database& db) { next_batch = seen(db); }));
  EXPECT_EQ(next_batch, "active, our line");
  auto status = s.read_sync([](st::database& db) {
    auto& q = db.prepare("SELECT status FROM numbers WHERE number = '+12025550111'");
    q.step();
    return q.column_text(0);
  });
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, "active");
}

// Disk full (a tiny max_page_count on the writer's connection): each job of the
// batch that needs a new page fails with an error, not a crash or a success; what
// was acknowledged before is kept; the writer serves again once there is room.
// Here the INSERTs fail (SQLITE_FULL), not the COMMIT: in WAL mode the page limit
// is checked when a page is allocated. The next test makes the COMMIT fail.
TEST(store, a_full_disk_fails_the_writes_that_need_room_and_loses_nothing_acknowledged) {
  sbtest::temp_dir dir;
  auto schema = parent_child_schema();
  {
    auto s = open_store(dir, nullptr, schema);
    ASSERT_TRUE(s->write_sync([](st::database& db) {
      for (int n = 1; n <= 3; ++n) insert_item(db, n);
    }));
    queued_jobs jobs;
    {
      // The limit is clamped to the pages the database has now: no page may be added.
      writer_hold hold(*s, [](st::database& db) { db.exec("PRAGMA max_page_count = 1"); });
      // Small writes (room on the pages there are) around big ones (that need more).
      jobs.add(*s, [](st::database& db) { insert_item(db, 9); });
      for (int n = 10; n < 13; ++n)
        jobs.add(*s, [n](st::database& db) {
          insert_item(db, n);
          db.prepare("INSERT INTO blobs(b) VALUES (zeroblob(200000))").run();
        });
      jobs.add(*s, [](st::database& db) { insert_item(db, 13); });
    }
    auto results = jobs.wait();
    ASSERT_EQ(results.size(), 5u);
    for (std::size_t i = 1; i <= 3; ++i) {
      ASSERT_FALSE(results[i]) << "a write past the page limit was reported committed";
      EXPECT_EQ(results[i].err().code, "INTERNAL");
      EXPECT_NE(results[i].err().message.find("full"), std::string::npos)
          << results[i].err().message;
    }
    // SQLite may undo the whole transaction on SQLITE_FULL, the small writes with it
    // (it does here): then they must not be reported committed either.
    std::vector<std::int64_t> expected{1, 2, 3};
    for (auto [i, n] : {std::pair{0, 9}, std::pair{4, 13}})
      if (results[i]) expected.push_back(n);
    EXPECT_EQ(item_numbers(*s), expected);

    // Room again: the writer was not left in a failed transaction.
    auto later = s->write_sync([](st::database& db) {
      db.exec("PRAGMA max_page_count = 1073741823");
      insert_item(db, 20);
      db.prepare("INSERT INTO blobs(b) VALUES (zeroblob(200000))").run();
    });
    EXPECT_TRUE(later) << later.err().message;
  }
  auto reopened = open_store(dir, nullptr, schema);
  auto kept = item_numbers(*reopened);
  for (std::int64_t n : {1, 2, 3, 20})
    EXPECT_NE(std::find(kept.begin(), kept.end(), n), kept.end()) << n << " was acknowledged";
  for (std::int64_t n : {10, 11, 12})
    EXPECT_EQ(std::find(kept.begin(), kept.end(), n), kept.end()) << n << " failed";
}

// A COMMIT that fails, made deterministic by a deferred foreign-key violation
// (PRAGMA defer_foreign_keys: checked at COMMIT, not by the INSERT). The whole
// batch is rolled back, so no job of it may be reported committed, including
// those that did nothing wrong; earlier batches are kept; the writer serves on.
TEST(store, a_failing_commit_fails_every_job_of_its_batch_and_loses_nothing_acknowledged) {
  sbtest::temp_dir dir;
  auto schema = parent_child_schema();
  {
    auto s = open_store(dir, nullptr, schema);
    ASSERT_TRUE(s->write_sync([](st::database& db) {
      insert_item(db, 1);
      insert_item(db, 2);
    }));
    auto dangling_child = [](st::database& db) {
      db.exec("PRAGMA defer_foreign_keys = ON");
      db.prepare("INSERT INTO children(parent) VALUES (999)").run();  // no item 999
    };
    queued_jobs jobs;
    {
      writer_hold hold(*s);
      jobs.add(*s, [](st::database& db) { insert_item(db, 10); });
      jobs.add(*s, dangling_child);
      jobs.add(*s, [](st::database& db) { insert_item(db, 11); });
    }
    auto results = jobs.wait();
    ASSERT_EQ(results.size(), 3u);
    for (std::size_t i = 0; i < results.size(); ++i) {
      ASSERT_FALSE(results[i]) << "job " << i << " was reported committed";
      EXPECT_NE(results[i].err().message.find("commit failed"), std::string::npos)
          << results[i].err().message;
      EXPECT_NE(results[i].err().message.find("FOREIGN KEY"), std::string::npos)
          << results[i].err().message;
    }
    EXPECT_EQ(item_numbers(*s), (std::vector<std::int64_t>{1, 2}));

    // A batch of one takes the same path.
    auto lone = s->write_sync(dangling_child);
    ASSERT_FALSE(lone);
    EXPECT_NE(lone.err().message.find("commit failed"), std::string::npos) << lone.err().message;

    // The writer was not left inside the failed transaction.
    auto later = s->write_sync([](st::database& db) { insert_item(db, 12); });
    EXPECT_TRUE(later) << later.err().message;
    auto children = s->read_sync([](st::database& db) {
      auto& q = db.prepare("SELECT COUNT(*) FROM children");
      q.step();
      return q.column_int(0);
    });
    ASSERT_TRUE(children);
    EXPECT_EQ(*children, 0);
  }
  auto reopened = open_store(dir, nullptr, schema);
  EXPECT_EQ(item_numbers(*reopened), (std::vector<std::int64_t>{1, 2, 12}));
}
