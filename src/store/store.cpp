#include "switchboard/store/store.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <future>
#include <iterator>
#include <random>

#include "switchboard/store/conversations.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/migrations.hpp"

namespace switchboard::store {
namespace {

void configure(database& db, std::chrono::milliseconds busy, bool writer) {
  db.exec("PRAGMA busy_timeout = " + std::to_string(busy.count()));
  db.exec("PRAGMA foreign_keys = ON");
  if (writer) {
    db.exec("PRAGMA journal_mode = WAL");
    // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
    db.exec("PRAGMA synchronous = FULL");
  } else {
    db.exec("PRAGMA query_only = ON");
  }
  // Statement journals (each job's SAVEPOINT) and sorts stay in memory: on disk, a job
  // past 64 KiB of changes spilled its sub-journal to a temp file with a pwrite per page.
  db.exec("PRAGMA temp_store = MEMORY");
  // Deleted rows are zeroed in the file, not left in free space: an erased contact's
  // data must not outlive the erasure (Debian builds SQLite so; other builds may not).
  db.exec("PRAGMA secure_delete = ON");
}

}  // namespace

store::store(const store_options& opts) : opts_(opts), read_pool_(opts.read_connections) {}

result<std::unique_ptr<store>> store::open(const store_options& opts) {
  if (opts.backend == "postgres") return open_postgres(opts);
  if (opts.backend != "sqlite")
    return error{"STORE_OPEN_FAILED", "store.backend: must be sqlite or postgres, not " + opts.backend};
  std::unique_ptr<store> s(new store(opts));
  try {
    s->writer_db_ = std::make_unique<database>(opts.path, database::mode::read_write);
    configure(*s->writer_db_, opts.busy_timeout, true);
    auto migrated = migrate(*s->writer_db_, opts.migrations.empty()
                                                ? std::span<const migration>(embedded_migrations())
                                                : opts.migrations);
    if (!migrated) return migrated.err();
    if (migrated->applied > 0) {
      spdlog::info("store: migrated {} from schema {} to {}", opts.path, migrated->from_version,
                   migrated->to_version);
      // A fresh connection parses the migrated schema (0007 rewrites CHECK text in
      // sqlite_schema, which the migrating connection keeps cached in its old form).
      s->writer_db_.reset();
      s->writer_db_ = std::make_unique<database>(opts.path, database::mode::read_write);
      configure(*s->writer_db_, opts.busy_timeout, true);
    }
    // Rows read by every inbound webhook and seldom changed are memoized on the
    // writer's connection (see database::memo).
    s->writer_db_->enable_memos({"numbers", "teammates", "teams_channels"});
    {
      auto& q = s->writer_db_->prepare(
          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'thread_progress'");
      s->merges_threads_ = q.step() && q.column_int(0) > 0;
      q.reset();
    }
    // Checkpoints leave the writer: its own connection, woken by the WAL hook
    // (which replaces SQLite's automatic checkpoint inside COMMIT).
    s->checkpoint_db_ = std::make_unique<database>(opts.path, database::mode::read_write);
    configure(*s->checkpoint_db_, opts.busy_timeout, true);
    sqlite3_wal_hook(s->writer_db_->handle(), &store::on_wal_commit, s.get());
    if (opts.migrations.empty()) {
      search_index_options so;
      so.path = opts.search_path.empty() ? search_index::path_for(opts.path) : opts.search_path;
      so.store_path = opts.path;
      // The changes it has applied are deleted through the writer, like every write.
      so.applied_changes = [p = s.get()](std::int64_t seq) {
        p->submit(
            [seq](database& db) {
              db.prepare("DELETE FROM search_changes WHERE seq <= ?1").bind(1, seq).run();
            },
            [](result<void>) {});
      };
      s->search_ = std::make_unique<search_index>(std::move(so));
    }
    for (std::size_t i = 0; i < opts.read_connections; ++i) {
      auto r = std::make_unique<database>(opts.path, database::mode::read_only);
      configure(*r, opts.busy_timeout, false);
      r->exec("PRAGMA mmap_size = " + std::to_string(opts.mmap_bytes));
      if (s->search_) s->search_->attach(*r);
      s->readers_.push_back(reader{std::move(r), nullptr});
    }
  } catch (const sqlite_error& e) {
    return error{"STORE_OPEN_FAILED", e.what()};
  }
  s->checkpointer_ = std::thread([p = s.get()] { p->checkpointer_loop(); });
  s->writers_.emplace_back([p = s.get()] { p->writer_loop(0); });
  return s;
}

// PostgreSQL: writer connections (group commit as on SQLite: a batch is one
// transaction, so a busy instance pays one WAL flush for many jobs) and a pool of
// read connections. No search index or checkpointer: the server has its own.
result<std::unique_ptr<store>> store::open_postgres(const store_options& opts) {
  std::unique_ptr<store> s(new store(opts));
  try {
    auto first = std::make_unique<pg::connection>(opts.postgres_url);
    auto migrated = pg::migrate(*first, opts.migrations.empty()
                                                    ? std::span<const migration>(pg::embedded_migrations())
                                                    : opts.migrations);
    if (!migrated) return migrated.err();
    if (migrated->applied > 0)
      spdlog::info("store: migrated PostgreSQL from schema {} to {}", migrated->from_version,
                   migrated->to_version);
    // Writers: each commits whole batches on its own connection (group commit per
    // writer), so the server works on several at once instead of waiting for one
    // connection's round trips. Acknowledged means committed and flushed, whatever
    // the server's default.
    first->exec("SET synchronous_commit = on");
    s->pg_writers_.push_back(std::move(first));
    for (std::size_t i = 1; i < std::max<std::size_t>(1, opts.read_connections); ++i) {
      s->pg_writers_.push_back(std::make_unique<pg::connection>(opts.postgres_url));
      s->pg_writers_.back()->exec("SET synchronous_commit = on");
    }
    for (std::size_t i = 0; i < std::max<std::size_t>(1, opts.read_connections); ++i)
      s->readers_.push_back(reader{nullptr, std::make_unique<pg::connection>(opts.postgres_url)});
  } catch (const pg::pg_error& e) {
    return error{"STORE_OPEN_FAILED", e.what()};
  }
  {
    // Unique enough among instances: 16 random hex digits from the OS.
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    s->instance_id_ = buf;
  }
  s->leader_ = false;
  s->leader_thread_ = std::thread([p = s.get()] { p->leader_loop(); });
  for (std::size_t i = 0; i < s->pg_writers_.size(); ++i)
    s->writers_.emplace_back([p = s.get(), i] { p->writer_loop(i); });
  return s;
}

void store::leader_loop() {
  // "sblead" in ASCII: the leader's session lock, distinct from the migrations'.
  constexpr const char* lock = "SELECT pg_try_advisory_lock(126910284046692)";
  std::unique_ptr<pg::connection> c;
  int ticks = 0;
  for (;;) {
    try {
      if (!c || !c->ok()) {
        leader_ = false;
        c = std::make_unique<pg::connection>(opts_.postgres_url);
      }
      if (!leader_) {
        if (c->run(lock).boolean(0, 0)) {
          leader_ = true;
          spdlog::info("store: this instance now leads (housekeeping, snooze waker)");
        }
      } else {
        c->exec("SELECT 1");  // still connected, so still holding the lock
        // The leader forgets realtime events every instance has had time to read.
        if (++ticks % 60 == 0) pg::delete_old_events(*c, 300);
      }
    } catch (const std::exception& e) {
      if (leader_) spdlog::warn("store: lost the leader's lock: {}", e.what());
      leader_ = false;
      c.reset();
    }
    std::unique_lock l(leader_mu_);
    if (leader_cv_.wait_for(l, std::chrono::seconds(1), [&] { return leader_stopping_; })) break;
  }
  leader_ = false;
}

void store::relay_event(std::int64_t workspace_id, std::string topic, std::string event, bool ephemeral) {
  if (!on_postgres()) return;
  std::lock_guard lock(mu_);
  if (stopping_) return;
  pending_events_.push_back({0, workspace_id, std::move(topic), std::move(event), ephemeral});
  cv_.notify_one();
}

void store::flush_events(std::size_t slot, std::vector<remote_event>& events) {
  auto& conn = pg_writers_[slot];
  for (std::size_t at = 0; at < events.size(); at += pg::max_events_per_insert) {
    auto end = std::min(events.size(), at + pg::max_events_per_insert);
    std::vector<remote_event> part(std::make_move_iterator(events.begin() + at),
                                   std::make_move_iterator(events.begin() + end));
    try {
      if (!conn || !conn->ok()) {
        conn.reset();
        conn = std::make_unique<pg::connection>(opts_.postgres_url);
        conn->exec("SET synchronous_commit = on");
      }
      pg::insert_events(*conn, instance_id_, part);  // its own transaction (autocommit)
    } catch (const std::exception& e) {
      spdlog::warn("realtime: {} events for the other instances were not written: {}", part.size(), e.what());
    }
  }
  events.clear();
}

void store::listen_events(std::function<void(std::vector<remote_event>)> on) {
  if (!on_postgres() || listener_.joinable()) return;
  listener_ = std::thread([this, on = std::move(on)] { listener_loop(on); });
}

void store::listener_loop(std::function<void(std::vector<remote_event>)> on) {
  std::unique_ptr<pg::connection> c;
  std::int64_t seen = -1;  // the newest id read; -1 before the first connection
  auto stopping = [&] {
    std::lock_guard l(leader_mu_);
    return leader_stopping_;
  };
  while (!stopping()) {
    try {
      if (!c) {
        c = std::make_unique<pg::connection>(opts_.postgres_url);
        c->exec(std::string("LISTEN ") + pg::events_channel);
        if (seen < 0) {
          seen = pg::newest_event(*c);
        } else {
          // Reconnected: what was committed meanwhile, while its rows last.
          for (;;) {
            auto missed = pg::events_after(*c, seen, instance_id_, 1000);
            if (missed.empty()) break;
            seen = missed.back().id;
            on(std::move(missed));
          }
        }
      }
      auto notes = c->wait_notifications(250);
      std::vector<std::int64_t> ids, some;
      std::string origin;
      for (auto& [channel, payload] : notes) {
        if (!pg::parse_notification(payload, origin, some)) continue;
        for (auto id : some) seen = std::max(seen, id);
        if (origin != instance_id_) ids.insert(ids.end(), some.begin(), some.end());  // not our own
      }
      if (ids.empty()) continue;
      auto events = pg::events_by_id(*c, ids, instance_id_);
      for (auto id : ids) seen = std::max(seen, id);
      if (!events.empty()) on(std::move(events));
    } catch (const std::exception& e) {
      spdlog::warn("realtime: listening for other instances' events failed, reconnecting: {}", e.what());
      c.reset();
      std::unique_lock l(leader_mu_);
      leader_cv_.wait_for(l, std::chrono::seconds(1), [&] { return leader_stopping_; });
    }
  }
}

store::~store() {
  stop();
  read_pool_.join();
}

void store::submit(std::unique_ptr<write_op> op) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      cv_.notify_one();
      return;
    }
  }
  op->outcome = error{"UNAVAILABLE", "store is stopping"};
  batch_t refused;
  refused.push_back(std::move(op));
  finish(refused);
}

// Ops with a home go back to it together: one post per executor and batch (in
// practice one), where they complete and are freed, instead of a post per op.
// The others complete here.
void store::finish(batch_t& ops) {
  batch_t remote;
  for (auto& op : ops) {
    if (op->home)
      remote.push_back(std::move(op));
    else
      op->complete(std::move(op->outcome));
  }
  while (!remote.empty()) {
    auto home = *remote.front()->home;
    auto part = std::stable_partition(remote.begin(), remote.end(),
                                      [&](const auto& op) { return *op->home == home; });
    batch_t mine(std::make_move_iterator(remote.begin()), std::make_move_iterator(part));
    remote.erase(remote.begin(), part);
    asio::post(home, [ops = std::move(mine)]() mutable {
      for (auto& op : ops) op->complete(std::move(op->outcome));
    });
  }
}

namespace {

// submit(job, done): completes on the writer thread.
struct function_op final : store::write_op {
  function_op(store::site_job j, store::done_fn d) : fn(std::move(j)), done(std::move(d)) {}
  store::site_job fn;
  store::done_fn done;
  void run(job_site site) override { fn(site); }
  void complete(result<void> r) override { done(std::move(r)); }
};

}  // namespace

void store::submit(job j, done_fn done) {
  submit_on_site([j = std::move(j)](job_site s) { j(s.need_sqlite()); }, std::move(done));
}

void store::submit_on_site(site_job j, done_fn done) {
  submit(std::make_unique<function_op>(std::move(j), std::move(done)));
}

void store::submit_flush(done_fn done) {
  if (search_)
    search_->flush(std::move(done));
  else
    done({});
}

void store::submit_scrub(done_fn done) {
  if (on_postgres()) {
    // The server keeps deleted rows until VACUUM reclaims them; an erasure asks for
    // it at once on the tables that hold a person's data (off the caller's thread:
    // VACUUM cannot run in a transaction and takes a while).
    asio::post(read_pool_, [url = opts_.postgres_url, done = std::move(done)] {
      try {
        pg::connection c(url);
        c.exec("VACUUM contacts, contact_identities, conversations, messages, widget_sessions,"
               " widget_events, media, consent_ledger, sandbox_messages, audit_log");
        done({});
      } catch (const std::exception& e) {
        done(error{"UNAVAILABLE", e.what()});
      }
    });
    return;
  }
  auto then_truncate = [this, done = std::move(done)](result<void> r) mutable {
    if (!r) return done(std::move(r));
    std::lock_guard lock(checkpoint_mu_);
    if (checkpoint_stopping_) return done(error{"UNAVAILABLE", "store is stopping"});
    truncate_waiters_.push_back(std::move(done));
    checkpoint_cv_.notify_one();
  };
  if (search_)
    search_->scrub(std::move(then_truncate));
  else
    then_truncate({});
}

result<void> store::flush_sync() {
  std::promise<result<void>> p;
  auto f = p.get_future();
  submit_flush([&p](result<void> r) { p.set_value(std::move(r)); });
  return f.get();
}

result<void> store::write_sync(job j) {
  return write_sync_on_site([j = std::move(j)](job_site s) { j(s.need_sqlite()); });
}

result<void> store::write_sync_on_site(site_job j) {
  std::promise<result<void>> p;
  auto f = p.get_future();
  submit_on_site(std::move(j), [&p](result<void> r) { p.set_value(std::move(r)); });
  return f.get();
}

void store::writer_loop(std::size_t slot) {
  batch_t batch;
  std::vector<remote_event> events;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      ++idle_writers_;
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty() || !pending_events_.empty(); });
      --idle_writers_;
      if (queue_.empty() && pending_events_.empty() && stopping_) return;
      events.swap(pending_events_);
      // Several writers (PostgreSQL): this one takes its share of what is queued,
      // leaving the rest to the idle ones; alone, it takes everything (up to max_batch).
      std::size_t share = (queue_.size() + idle_writers_) / (idle_writers_ + 1);
      share = std::clamp<std::size_t>(share, 1, opts_.max_batch);
      // PostgreSQL: one job per transaction, on several connections at once. The
      // server flushes the WAL once for the commits that arrive together (group
      // commit by concurrency), and a transaction never holds locks for other jobs:
      // batches locked rows in whatever order their jobs came and deadlocked
      // against other instances' (a second's stall each). Measured with
      // bench/postgres.sh: three instances 643 req/s, p99 370 ms, against 280 req/s,
      // p99 10 s batched; one instance 1044 against 1177.
      if (on_postgres()) share = 1;
      while (!queue_.empty() && batch.size() < share) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (!queue_.empty()) cv_.notify_one();
    }
    if (!batch.empty()) commit_batch(batch, slot);
    batch.clear();
    if (!events.empty()) flush_events(slot, events);
  }
}

namespace {

error job_failure(const std::exception& e) {
  auto* se = dynamic_cast<const sqlite_error*>(&e);
  auto* pe = dynamic_cast<const pg::pg_error*>(&e);
  auto* je = dynamic_cast<const job_error*>(&e);
  return error{je                          ? je->code()
               : se && se->is_constraint() ? std::string("CONFLICT")
               : pe && pe->is_constraint() ? std::string("CONFLICT")
               : pe && pe->is_connection_lost() ? std::string("UNAVAILABLE")
                                           : std::string("INTERNAL"),
               e.what()};
}

// A deadlock or serialization failure; or a unique violation, which on PostgreSQL
// is often a race with another instance rather than a conflict: two instances that
// found no contact for a new phone number both insert one, and the second waits for
// the first to commit and then fails. Run again, the job finds the row the other
// committed (READ COMMITTED: each statement sees what is committed when it starts).
// A real conflict fails the same way each time and is CONFLICT.
bool retryable(const std::exception& e) {
  auto* pe = dynamic_cast<const pg::pg_error*>(&e);
  return pe && (pe->is_retryable() || pe->is_unique_violation());
}

}  // namespace

// Optimistic group commit. A batch first runs with no savepoint per job: a
// SAVEPOINT/RELEASE pair per job, and the copy of each page it touches into the
// statement journal, were a tenth of the writer's time under webhook load. When
// a job throws, the whole transaction rolls back and the batch is replayed with
// each job in its own savepoint, so only the failing job is lost. Jobs may
// therefore run twice, against the same database state; write() accepts only
// callables invocable as const for that reason.
void store::commit_batch(batch_t& batch, std::size_t slot) {
  auto started = std::chrono::steady_clock::now();
  std::optional<error> batch_error, why;
  bool isolated = batch.size() == 1;  // a lone job's savepoint is the transaction itself
  for (;;) {
    auto run = on_postgres() ? run_batch_pg(batch, isolated, slot, why) : run_batch(batch, isolated, why);
    if (run == batch_run::replay) {
      isolated = true;
      continue;
    }
    if (run == batch_run::failed) batch_error = std::move(why);
    break;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (opts_.stats) opts_.stats->observe_commit(batch.size(), seconds);
  if (batch_error) {
    spdlog::error("store: batch of {} failed: {}", batch.size(), batch_error->message);
    for (auto& op : batch) op->outcome = *batch_error;
  } else if (search_) {
    search_->notify();
  }
  finish(batch);
}

store::batch_run store::run_batch(batch_t& batch, bool isolated, std::optional<error>& why) {
  database& db = *writer_db_;
  try {
    db.prepare("BEGIN IMMEDIATE").run();
    db.forget_memos_if_others_wrote();  // e.g. `switchboard admin add-number` meanwhile
  } catch (const sqlite_error& e) {
    why = error{"UNAVAILABLE", e.what()};
    return batch_run::failed;
  }
  bool lone = batch.size() == 1;
  for (auto& op : batch) {
    op->outcome = {};
    bool savepoint = isolated && !lone;
    try {
      if (savepoint) db.prepare("SAVEPOINT job").run();
      op->run(job_site{&db, nullptr});
      db.reset_all();
      if (savepoint) db.prepare("RELEASE job").run();
    } catch (const std::exception& e) {
      db.reset_all();
      op->outcome = job_failure(e);
      if (!isolated) {
        db.rollback_quietly();
        return batch_run::replay;
      }
      if (lone) {
        db.rollback_quietly();
        return batch_run::done;
      }
      // Some errors (SQLITE_FULL, IOERR, NOMEM) make SQLite roll the whole transaction
      // back, not just the statement: the batch is lost, for this job's reason (the
      // ROLLBACK TO would only fail with "no such savepoint").
      if (sqlite3_get_autocommit(db.handle())) {
        db.rollback_quietly();
        why = op->outcome.err();
        return batch_run::failed;
      }
      try {
        db.prepare("ROLLBACK TO job").run();
        db.forget_memos();  // the job may have read rows it had changed
        db.prepare("RELEASE job").run();
      } catch (const sqlite_error& re) {
        db.rollback_quietly();
        why = error{"INTERNAL", re.what()};
        return batch_run::failed;
      }
    }
  }
  if (merges_threads_) merge_threads(db);
  try {
    db.prepare("COMMIT").run();
  } catch (const sqlite_error& e) {
    db.rollback_quietly();
    why = error{"INTERNAL", std::string("commit failed: ") + e.what()};
    return batch_run::failed;
  }
  return batch_run::done;
}

// The same on PostgreSQL. A job that fails rolls the batch back and it runs again
// with a savepoint per job (a lone job's transaction is its savepoint: each
// SAVEPOINT and RELEASE is a round trip to the server). A deadlock, serialization
// failure or unique violation (a race with another instance, see retryable())
// retries the job, up to three times. A lost connection fails the batch UNAVAILABLE (nothing of it committed,
// or the COMMIT's answer was lost: callers retry, writes that come from outside
// are idempotent); the next batch connects again.
store::batch_run store::run_batch_pg(batch_t& batch, bool isolated, std::size_t slot,
                                     std::optional<error>& why) {
  auto& conn = pg_writers_[slot];
  auto begin = [&]() -> bool {
    try {
      if (!conn || !conn->ok()) {
        conn.reset();
        conn = std::make_unique<pg::connection>(opts_.postgres_url);
        conn->exec("SET synchronous_commit = on");
      }
      conn->exec("BEGIN");
      return true;
    } catch (const pg::pg_error& e) {
      why = error{"UNAVAILABLE", e.what()};
      return false;
    }
  };
  if (!begin()) return batch_run::failed;
  const bool lone = batch.size() == 1;
  const bool savepoints = isolated && !lone;
  for (auto& op : batch) {
    for (int attempt = 1;; ++attempt) {
      op->outcome = {};
      try {
        if (savepoints) conn->exec("SAVEPOINT job");
        op->run(job_site{nullptr, conn.get()});
        if (savepoints) conn->exec("RELEASE SAVEPOINT job");
        break;
      } catch (const std::exception& e) {
        op->outcome = job_failure(e);
        if (!conn->ok()) {
          why = error{"UNAVAILABLE", e.what()};
          return batch_run::failed;
        }
        if (!isolated) {
          conn->rollback_quietly();
          return batch_run::replay;
        }
        if (lone) {
          conn->rollback_quietly();
          if (retryable(e) && attempt < 3) {
            if (!begin()) return batch_run::failed;
            continue;
          }
          return batch_run::done;
        }
        try {
          conn->exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job");
        } catch (const pg::pg_error& re) {
          conn->rollback_quietly();
          why = error{"INTERNAL", re.what()};
          return batch_run::failed;
        }
        if (retryable(e) && attempt < 3) continue;
        break;
      }
    }
  }
  try {
    conn->exec("COMMIT");
  } catch (const pg::pg_error& e) {
    conn->rollback_quietly();
    why = error{e.is_connection_lost() ? "UNAVAILABLE" : "INTERNAL", std::string("commit failed: ") + e.what()};
    return batch_run::failed;
  }
  return batch_run::done;
}

// Before COMMIT, in the batch's transaction: the merge and the watermark are durable
// together, and cost no fsync of their own. A merge that fails is undone alone and the
// jobs still commit: readers then scan a longer tail, and the next batch tries again.
void store::merge_threads(database& db) {
  try {
    conversations::merge_threads(db, opts_.thread_window);  // in SAVEPOINT merge
  } catch (const std::exception& e) {
    spdlog::error("store: merging message threads failed, left for a later batch: {}", e.what());
    try {
      db.prepare("ROLLBACK TO merge").run();
      db.prepare("RELEASE merge").run();
    } catch (const std::exception&) {
      // It failed before its savepoint; the COMMIT that follows reports what is
      // wrong with the transaction, if anything.
    }
  }
}

void store::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && writers_.empty()) return;
    stopping_ = true;
    cv_.notify_all();
  }
  for (auto& w : writers_) w.join();
  writers_.clear();
  {
    std::lock_guard lock(leader_mu_);
    leader_stopping_ = true;
    leader_cv_.notify_all();
  }
  if (leader_thread_.joinable()) leader_thread_.join();
  if (listener_.joinable()) listener_.join();
  if (search_) search_->stop();
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stopping_ = true;
    checkpoint_cv_.notify_all();
  }
  if (checkpointer_.joinable()) checkpointer_.join();
}

int store::on_wal_commit(void* self, sqlite3* db, const char*, int pages) {
  auto* s = static_cast<store*>(self);
  if (pages < s->opts_.checkpoint_pages) return SQLITE_OK;
  int log, copied;
  {
    std::lock_guard lock(s->checkpoint_mu_);
    log = s->checkpoint_log_;
    copied = s->checkpoint_copied_;
  }
  // The checkpointer copies the bulk beside the writer, but under steady writes it
  // never reaches the end of the WAL, which would only grow. Once it is close, the
  // writer copies the rest itself between two batches: then the checkpoint is
  // complete and the next transaction starts the WAL over. (A WAL smaller than the
  // checkpointer last saw has started over since: its figures are stale.)
  if (log > 0 && log <= pages && pages - copied <= s->opts_.checkpoint_pages / 4) {
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    std::lock_guard lock(s->checkpoint_mu_);
    s->checkpoint_log_ = s->checkpoint_copied_ = 0;
    return SQLITE_OK;
  }
  std::lock_guard lock(s->checkpoint_mu_);
  s->checkpoint_wanted_ = true;
  s->checkpoint_cv_.notify_one();
  return SQLITE_OK;
}

void store::checkpointer_loop() {
  std::vector<done_fn> truncating;
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mu_);
      checkpoint_cv_.wait(
          lock, [&] { return checkpoint_wanted_ || checkpoint_stopping_ || !truncate_waiters_.empty(); });
      if (checkpoint_stopping_) {
        for (auto& w : truncate_waiters_) w(error{"UNAVAILABLE", "store is stopping"});
        truncate_waiters_.clear();
        return;
      }
      checkpoint_wanted_ = false;
      truncating.swap(truncate_waiters_);
    }
    if (!truncating.empty()) {
      result<void> r;
      // Another checkpoint running (the writer's own, see on_wal_commit) answers BUSY
      // at once, without the busy handler: try again shortly.
      for (int attempt = 1;; ++attempt) {
        try {
          checkpoint_db_->truncate_wal();
          r = {};
          break;
        } catch (const sqlite_error& e) {
          r = error{"UNAVAILABLE", e.what()};
          if (attempt == 20) {
            spdlog::warn("store: truncating the WAL of {} failed: {}", opts_.path, e.what());
            break;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      for (auto& w : truncating) w(r);
      truncating.clear();
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_log_ = checkpoint_copied_ = 0;
      continue;
    }
    // PASSIVE: copies what no reader still needs, never waits for the writer or readers.
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &log, &copied);
    if (rc == SQLITE_OK) {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_log_ = log;
      checkpoint_copied_ = copied;
    } else if (rc != SQLITE_BUSY) {
      spdlog::warn("store: checkpoint of {} failed: {}", opts_.path, sqlite3_errstr(rc));
    }
    if (opts_.stats) opts_.stats->observe_checkpoint();
  }
}

bool store::healthy() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
  }
  auto r = read_sync([](unit_of_work& u) { return u.workspaces().answers(); });
  return r && *r;
}

store::reader store::checkout_reader() {
  std::unique_lock lock(readers_mu_);
  readers_cv_.wait(lock, [&] { return !readers_.empty(); });
  auto r = std::move(readers_.back());
  readers_.pop_back();
  return r;
}

void store::checkin_reader(reader r) {
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(r));
  readers_cv_.notify_one();
}

std::optional<error> store::begin_pg_read(reader& r) {
  try {
    if (!r.postgres->ok()) r.postgres = std::make_unique<pg::connection>(opts_.postgres_url);
    // One snapshot for the whole job, as SQLite's read transaction gives.
    r.postgres->exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    return std::nullopt;
  } catch (const pg::pg_error& e) {
    return error{"UNAVAILABLE", e.what()};
  } catch (const std::exception& e) {
    return error{"UNAVAILABLE", e.what()};
  }
}

void store::end_pg_read(reader& r, bool ok) {
  if (!ok) {
    r.postgres->rollback_quietly();
    return;
  }
  try {
    r.postgres->exec("COMMIT");
  } catch (const pg::pg_error&) {
    r.postgres->rollback_quietly();
  }
}

}  // namespace switchboard::store
