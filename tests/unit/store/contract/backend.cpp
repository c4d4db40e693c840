// The backends of the contract suite. The only file of tests/unit/store/contract/
// that knows a backend: a new one (PostgreSQL) adds its entry to backends().
#include "unit/store/contract/backend.hpp"

#include <stdlib.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/migrations.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"
#include "switchboard/store/store.hpp"
#include "unit/store/postgres/server.hpp"

namespace contract {
namespace {

// SQLite: a store on the embedded migrations in a temporary directory, written
// through the store's writer (write_sync) and read on its read pool (read_sync),
// both with the unit_of_work the store builds for such jobs.
class sqlite_store final : public store_under_test {
 public:
  sqlite_store() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sbcontract-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    st::store_options o;
    o.path = dir_ + "/contract.db";
    auto s = st::store::open(o);
    if (!s) throw std::runtime_error(s.err().message);
    store_ = std::move(*s);
  }
  ~sqlite_store() override {
    store_->stop();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void run_write(const std::function<void(st::unit_of_work&)>& f) override {
    auto r = store_->write_sync([&f](st::unit_of_work& u) { f(u); });
    if (!r) throw write_failed(r.err().code, r.err().message);
  }
  void run_read(const std::function<void(st::unit_of_work&)>& f) override {
    auto r = store_->read_sync([&f](st::unit_of_work& u) { f(u); });
    if (!r) throw write_failed(r.err().code, r.err().message);
  }
  id_t add_workspace(const std::string& name) override {
    id_t id = 0;
    auto r = store_->write_sync([&](st::database& db) {
      db.prepare("INSERT INTO workspaces(name, created_at) VALUES (?1, ?2)")
          .bind_all(name, std::string("2026-03-01T00:00:00Z"))
          .run();
      id = db.last_insert_rowid();
    });
    if (!r) throw write_failed(r.err().code, r.err().message);
    return id;
  }
  void list_for_backfill(id_t ws, id_t conversation, const std::string& through) override {
    auto r = store_->write_sync([&](st::database& db) {
      db.prepare("INSERT INTO report_backfill(workspace_id, conversation_id, through) VALUES (?1, ?2, ?3)")
          .bind_all(ws, conversation, through)
          .run();
    });
    if (!r) throw write_failed(r.err().code, r.err().message);
  }

 private:
  std::string dir_;
  std::unique_ptr<st::store> store_;
};

// PostgreSQL: a schema of its own on the server scripts/pg.sh started, named for
// this process and store (ctest runs tests in parallel processes), dropped
// afterwards. The store itself (store.backend = postgres) migrates it and runs
// the jobs, with the schema first on the search path of every connection it opens.
class postgres_store final : public store_under_test {
 public:
  explicit postgres_store(const std::string& url) {
    static int opened = 0;
    schema_ = "sbc_" + std::to_string(::getpid()) + "_" + std::to_string(++opened);
    admin_ = std::make_unique<st::pg::connection>(url);
    sbtest::fresh_schema(*admin_, schema_);
    admin_->exec("SET search_path TO " + schema_ + ", public");
    st::store_options o;
    o.backend = "postgres";
    o.postgres_url = sbtest::with_search_path(url, schema_);
    auto s = st::store::open(o);
    if (!s) throw std::runtime_error(s.err().message);
    store_ = std::move(*s);
  }
  ~postgres_store() override {
    store_->stop();
    store_.reset();
    try {
      admin_->exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception&) {
      // A schema left behind goes with the throwaway cluster.
    }
  }

  void run_write(const std::function<void(st::unit_of_work&)>& f) override {
    auto r = store_->write_sync([&f](st::unit_of_work& u) { f(u); });
    if (!r) throw write_failed(r.err().code, r.err().message);
  }
  void run_read(const std::function<void(st::unit_of_work&)>& f) override {
    auto r = store_->read_sync([&f](st::unit_of_work& u) { f(u); });
    if (!r) throw write_failed(r.err().code, r.err().message);
  }
  id_t add_workspace(const std::string& name) override {
    return admin_
        ->run("INSERT INTO workspaces(name, created_at) VALUES ($1, $2) RETURNING id", name,
              std::string("2026-03-01T00:00:00Z"))
        .integer(0, 0);
  }
  void list_for_backfill(id_t ws, id_t conversation, const std::string& through) override {
    admin_->run("INSERT INTO report_backfill(workspace_id, conversation_id, through) VALUES ($1, $2, $3)", ws,
                conversation, through);
  }

 private:
  std::string schema_;
  std::unique_ptr<st::pg::connection> admin_;
  std::unique_ptr<st::store> store_;
};

}  // namespace

const std::vector<backend>& backends() {
  static const std::vector<backend> all = [] {
    std::vector<backend> out = {
        {"sqlite",
         [] { return std::unique_ptr<store_under_test>(std::make_unique<sqlite_store>()); }},
    };
    // scripts/test.sh starts a throwaway server and names it in the environment.
    out.push_back({"postgres", [] {
                     auto url = sbtest::postgres_url();
                     return url ? std::unique_ptr<store_under_test>(std::make_unique<postgres_store>(*url))
                                : nullptr;
                   }});
    return out;
  }();
  return all;
}

}  // namespace contract
