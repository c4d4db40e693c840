#pragma once
// The store: SQLite in WAL mode (the embedded default) or PostgreSQL (issue 19,
// store.backend = postgres). Writes go to one writer thread that commits every
// queued job in one transaction (group commit), each job inside its own
// SAVEPOINT so a failing job rolls back alone. Callers resume after COMMIT,
// i.e. after the fsync, on their own executor. Reads run on a small pool of
// read-only connections, off the io_context thread. Jobs on a unit_of_work& run
// on either backend; jobs on SQLite's database& only on SQLite.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

#include "switchboard/core/metrics.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/store/migrations.hpp"
#include "switchboard/store/search_index.hpp"
#include "switchboard/store/sqlite.hpp"
#include "switchboard/store/sqlite_unit_of_work.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/events.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace asio = boost::asio;

// Thrown inside a write job to fail it with an API error code; only its own changes roll back.
class job_error : public std::runtime_error {
 public:
  job_error(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

struct store_options {
  // "sqlite" (path) or "postgres" (postgres_url, a libpq URI).
  std::string backend = "sqlite";
  std::string postgres_url;
  std::string path;  // database file (SQLite)
  std::size_t max_batch = 1024;
  std::chrono::milliseconds busy_timeout{5000};
  std::size_t read_connections = 2;  // on PostgreSQL: store.postgres.pool_size
  // Readers map this much of the file (PRAGMA mmap_size): a lookup's page is read
  // from the OS's cache without a pread. Address space, not memory; 0 turns it off.
  std::int64_t mmap_bytes = 4096LL * 1024 * 1024;
  metrics* stats = nullptr;                    // optional
  std::span<const migration> migrations = {};  // empty = the embedded ones
  // With the embedded migrations and none given, the message search index runs
  // beside the store (search_index.hpp), in <store>.search.db unless set here.
  std::string search_path;
  // WAL pages after which a checkpoint copies them into the database file. It runs
  // on a thread of its own (PASSIVE, beside the writer), not inside a commit.
  int checkpoint_pages = 1000;
  // Messages that may wait above message_threads' watermark before the writer merges
  // them in (conversations::merge_threads): readers scan at most about this many.
  std::int64_t thread_window = 4096;
};

// A job takes the connection (`database&`) or the repositories (`unit_of_work&`,
// repositories.hpp): the storage seam of issue 17, which a job written against
// it keeps when another backend replaces SQLite. A callable that accepts a
// database& is given one; otherwise it is given a unit of work built over it.
template <class F>
constexpr bool is_job_v =
    std::is_invocable_v<F, database&> || std::is_invocable_v<F, unit_of_work&>;

template <class F, bool = std::is_invocable_v<F, database&>>
struct job_result {
  using type = std::invoke_result_t<F, database&>;
};
template <class F>
struct job_result<F, false> {
  using type = std::invoke_result_t<F, unit_of_work&>;
};
// What job F returns (F as it is called: `const G&` on the writer, `G&` on a reader).
template <class F>
using job_result_t = typename job_result<F>::type;

// What a job runs on: the SQLite connection, or the PostgreSQL one.
struct job_site {
  database* sqlite = nullptr;
  pg::connection* postgres = nullptr;
  // A job written against SQLite's connection (tests, SQLite's own upkeep).
  database& need_sqlite() const {
    if (!sqlite) throw job_error("INTERNAL", "this job needs the SQLite backend");
    return *sqlite;
  }
};

// Calls job f on the connection, or on a unit of work over it (on the stack: cheap).
template <class F>
job_result_t<F&&> call_job(F&& f, job_site site) {
  if constexpr (std::is_invocable_v<F&&, database&>) {
    return std::forward<F>(f)(site.need_sqlite());
  } else if (site.sqlite) {
    sqlite_unit_of_work uow(*site.sqlite);
    return std::forward<F>(f)(static_cast<unit_of_work&>(uow));
  } else {
    pg_unit_of_work uow(*site.postgres);
    return std::forward<F>(f)(static_cast<unit_of_work&>(uow));
  }
}

class store {
 public:
  using job = std::function<void(database&)>;  // SQLite only
  using site_job = std::function<void(job_site)>;
  using done_fn = std::function<void(result<void>)>;

  // Opens (creating if needed), applies pending migrations, starts the writer.
  static result<std::unique_ptr<store>> open(const store_options& opts);
  ~store();

  // A queued write. run() executes on the writer, possibly twice (see commit_batch);
  // complete() once, after the batch committed (or with the op's error): on `home`
  // when set, else on the writer thread. Ops are created and destroyed by their
  // caller's thread when they have a home, so the writer frees nothing of theirs.
  struct write_op {
    virtual ~write_op() = default;
    virtual void run(job_site site) = 0;
    virtual void complete(result<void> r) = 0;
    std::optional<asio::any_io_executor> home;
    result<void> outcome;
  };
  void submit(std::unique_ptr<write_op> op);

  // Queues a write job; `done` runs on the writer thread after the batch commits
  // (or with the job's error). Low level: prefer write(). The job may run twice.
  void submit(job j, done_fn done);
  void submit_on_site(site_job j, done_fn done);
  // The same for a job on a unit of work (either backend).
  template <class F>
    requires(!std::is_invocable_v<const F&, database&> &&
             std::is_invocable_v<const F&, unit_of_work&>)
  void submit(F f, done_fn done) {
    submit_on_site(site_job([f = std::move(f)](job_site s) { call_job(f, s); }), std::move(done));
  }

  // co_await store.write([](database& db) { ...; return value; }) -> result<T>, or
  // co_await store.write([](unit_of_work& uow) { ...; return value; }) -> result<T>.
  // An exception in f rolls back f's changes and becomes the error. f may run
  // twice (see commit_batch), so it must be invocable as const: no `mutable`
  // lambda that changes its captures.
  //
  // write() and read() are plain functions returning an awaitable, not
  // coroutines: GCC 12 mis-copies non-trivial by-value arguments (a lambda
  // capturing strings) passed to a coroutine inside a co_await expression, so
  // the callable is moved to the heap here, outside any coroutine frame.
  template <class Arg>
  auto write(Arg&& arg) {
    // By reference: no parameter object is copied, the caller's callable is moved from.
    using F = std::decay_t<Arg>;
    static_assert(is_job_v<const F&>, "a write job takes database& or unit_of_work&");
    using T = job_result_t<const F&>;
    using R = result<T>;
    using handler_t = typename asio::async_result<asio::use_awaitable_t<>, void(R)>::handler_type;
    // One allocation per write: the callable, its value and the awaiting coroutine's
    // handler, completed with the rest of its batch by one post to the caller.
    struct op final : write_op {
      explicit op(Arg&& a) : fn(std::forward<Arg>(a)) {}
      F fn;
      std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> out{};
      std::optional<handler_t> handler;
      void run(job_site site) override {
        const F& f = fn;
        if constexpr (std::is_void_v<T>)
          call_job(f, site);
        else
          out.emplace(call_job(f, site));
      }
      void complete(result<void> r) override {
        R value = [&]() -> R {
          if (!r) return r.err();
          if constexpr (std::is_void_v<T>)
            return R();
          else
            return R(std::move(*out));
        }();
        std::move (*handler)(std::move(value));
      }
    };
    auto o = std::make_unique<op>(std::forward<Arg>(arg));
    auto initiation = [this](auto handler, std::unique_ptr<op> o) {
      static_assert(std::is_same_v<decltype(handler), handler_t>);
      // Tracked work keeps the caller's io_context running while the op waits.
      o->home = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
      o->handler.emplace(std::move(handler));
      submit(std::unique_ptr<write_op>(std::move(o)));
    };
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
        std::move(initiation), asio::use_awaitable, std::move(o));
  }

 private:
  // An awaitable of `submit(done)`, whose `done` runs on another thread: resumes the
  // awaiting coroutine on its own executor with the result.
  template <class Submit>
  auto when_done(Submit submit) {
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(result<void>)>(
        [submit = std::move(submit)](auto handler) mutable {
          auto ex = asio::prefer(asio::get_associated_executor(handler),
                                 asio::execution::outstanding_work.tracked);
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          submit([h, ex](result<void> r) {
            asio::post(ex, [h, r = std::move(r)]() mutable { std::move (*h)(std::move(r)); });
          });
        },
        asio::use_awaitable);
  }

 public:
  // Completes once the search index holds everything committed so far (at once
  // for a store without one).
  auto flush() {
    return when_done([this](done_fn done) { submit_flush(std::move(done)); });
  }
  result<void> flush_sync();

  // After an erasure: completes once nothing deleted so far is left in any file of
  // the store (search index merged and its WAL truncated, then the store's WAL
  // copied into the database file and truncated). Deleted rows are zeroed in place
  // (secure_delete), so these are the only places old bytes could remain.
  auto scrub() {
    return when_done([this](done_fn done) { submit_scrub(std::move(done)); });
  }

  // Blocking write for command-line tools and start-up; never on the io_context.
  result<void> write_sync(job j);  // j may run twice, as with submit()
  result<void> write_sync_on_site(site_job j);
  template <class F>
    requires(!std::is_invocable_v<const F&, database&> &&
             std::is_invocable_v<const F&, unit_of_work&>)
  result<void> write_sync(F f) {
    return write_sync_on_site(site_job([f = std::move(f)](job_site s) { call_job(f, s); }));
  }

  // Runs f on a read-only connection on the read pool; resumes on the caller's
  // executor. A plain function for the same reason as write().
  template <class Arg>
  auto read(Arg&& arg) {
    using F = std::decay_t<Arg>;
    static_assert(is_job_v<F&>, "a read job takes database& or unit_of_work&");
    using R = result<job_result_t<F&>>;
    auto fn = std::make_shared<F>(std::forward<Arg>(arg));
    auto initiation = [this](auto handler, std::shared_ptr<F> fn) {
      auto ex = asio::prefer(asio::get_associated_executor(handler),
                             asio::execution::outstanding_work.tracked);
      asio::post(read_pool_, [this, ex, fn, h = std::move(handler)]() mutable {
        R r = run_read(*fn);
        asio::post(ex,
                   [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
      });
    };
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
        std::move(initiation), asio::use_awaitable, std::move(fn));
  }

  // Blocking read on a read connection (tools, tests, start-up).
  template <class F>
  auto read_sync(F f) -> result<job_result_t<F&>> {
    return run_read(f);
  }

  // Stops accepting writes, commits everything queued, joins the writer.
  void stop();
  // True while the writer runs and a read connection answers.
  bool healthy();
  const std::string& path() const { return opts_.path; }
  bool on_postgres() const { return opts_.backend == "postgres"; }
  // Whether this process runs the work that must happen once across instances
  // (housekeeping, the snooze waker). Always on SQLite (one process per file); on
  // PostgreSQL the instance holding a session advisory lock leads, and another
  // takes the lock within about a second of the leader's connection ending.
  bool leads() const { return leader_.load(std::memory_order_relaxed); }

  // Realtime fan-out across instances on PostgreSQL (issue 19). relay_event queues
  // an event for the other instances' sockets; a writer inserts what is queued in one
  // statement with one NOTIFY of the ids, after its batch (the table is unlogged:
  // no WAL flush to wait for). listen_events
  // starts a thread that LISTENs and calls `on` (on that thread) with the other
  // instances' events as they commit; after a lost connection it catches up on what
  // it missed while the rows last (five minutes). No-ops on SQLite.
  void relay_event(std::int64_t workspace_id, std::string topic, std::string event, bool ephemeral);
  void listen_events(std::function<void(std::vector<remote_event>)> on);
  // This instance's name among the others (random per start).
  const std::string& instance_id() const { return instance_id_; }

 private:
  void submit_flush(done_fn done);
  void submit_scrub(done_fn done);


  explicit store(const store_options& opts);
  void writer_loop(std::size_t slot);
  using batch_t = std::vector<std::unique_ptr<write_op>>;
  void commit_batch(batch_t& batch, std::size_t slot);
  void finish(batch_t& ops);  // completes each op where it belongs
  enum class batch_run { done, replay, failed };
  batch_run run_batch(batch_t& batch, bool isolated, std::optional<error>& why);
  batch_run run_batch_pg(batch_t& batch, bool isolated, std::size_t slot, std::optional<error>& why);
  static result<std::unique_ptr<store>> open_postgres(const store_options& opts);
  void merge_threads(database& db);  // message_threads, before a batch's COMMIT

  // A read connection of either backend.
  struct reader {
    std::unique_ptr<database> sqlite;
    std::unique_ptr<pg::connection> postgres;
  };
  reader checkout_reader();
  void checkin_reader(reader r);
  // PostgreSQL: BEGIN a read-only snapshot on the reader (reconnecting a lost one),
  // and its end; errors are values.
  std::optional<error> begin_pg_read(reader& r);
  void end_pg_read(reader& r, bool ok);

  template <class F>
  auto run_read(F& f) -> result<job_result_t<F&>> {
    using T = job_result_t<F&>;
    auto rd = checkout_reader();
    struct returner {
      store* s;
      reader& r;
      ~returner() { s->checkin_reader(std::move(r)); }
    } give_back{this, rd};
    if (rd.postgres) {
      if (auto e = begin_pg_read(rd)) return *e;
      try {
        job_site site{nullptr, rd.postgres.get()};
        if constexpr (std::is_void_v<T>) {
          call_job(f, site);
          end_pg_read(rd, true);
          return {};
        } else {
          T v = call_job(f, site);
          end_pg_read(rd, true);
          return v;
        }
      } catch (const job_error& e) {
        end_pg_read(rd, false);
        return error{e.code(), e.what()};
      } catch (const std::exception& e) {
        end_pg_read(rd, false);
        return error{"INTERNAL", e.what()};
      }
    }
    auto& db = rd.sqlite;
    // One read transaction per job: its statements see one snapshot, and SQLite
    // takes the WAL's read lock once instead of once per statement (a search of
    // thousands of small lookups spent a fifth of its time in those locks).
    try {
      db->exec("BEGIN");
      if constexpr (std::is_void_v<T>) {
        call_job(f, job_site{db.get(), nullptr});
        db->reset_all();
        db->exec("COMMIT");
        return {};
      } else {
        T v = call_job(f, job_site{db.get(), nullptr});
        db->reset_all();
        db->exec("COMMIT");
        return v;
      }
    } catch (const job_error& e) {  // the job's own refusal (NOT_FOUND, …), as on PostgreSQL
      db->rollback_quietly();
      return error{e.code(), e.what()};
    } catch (const std::exception& e) {
      db->rollback_quietly();
      return error{"INTERNAL", e.what()};
    }
  }

  store_options opts_;
  std::unique_ptr<database> writer_db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<write_op>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> writers_;  // one on SQLite; store.postgres.pool_size on PostgreSQL
  std::size_t idle_writers_ = 0;      // under mu_
  std::vector<remote_event> pending_events_;  // under mu_: relay_event's, for a writer
  void flush_events(std::size_t slot, std::vector<remote_event>& events);
  // The checkpointer: woken by the writer's WAL hook, stopped after the writer.
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages);
  void checkpointer_loop();
  std::unique_ptr<database> checkpoint_db_;
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stopping_ = false;
  std::vector<done_fn> truncate_waiters_;  // scrub(): waiting for a TRUNCATE checkpoint
  int checkpoint_log_ = 0, checkpoint_copied_ = 0;  // WAL frames at the last checkpoint, and copied
  std::unique_ptr<search_index> search_;            // with the embedded schema
  bool merges_threads_ = false;                     // the schema has message_threads

  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<reader> readers_;
  std::vector<std::unique_ptr<pg::connection>> pg_writers_;  // one per writer thread
  void leader_loop();  // PostgreSQL: tries for, then keeps, the leader's lock
  std::atomic<bool> leader_{true};
  std::string instance_id_;
  void listener_loop(std::function<void(std::vector<remote_event>)> on);
  std::thread listener_;
  std::thread leader_thread_;
  std::mutex leader_mu_;
  std::condition_variable leader_cv_;
  bool leader_stopping_ = false;
  asio::thread_pool read_pool_;
};

}  // namespace switchboard::store
