// The backends of the contract suite. The only file of tests/unit/store/contract/
// that knows a backend: a new one (PostgreSQL) adds its entry to backends().
#include "unit/store/contract/backend.hpp"

#include <stdlib.h>

#include <filesystem>

#include "switchboard/store/store.hpp"

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

 private:
  std::string dir_;
  std::unique_ptr<st::store> store_;
};

}  // namespace

const std::vector<backend>& backends() {
  static const std::vector<backend> all = {
      {"sqlite",
       [] { return std::unique_ptr<store_under_test>(std::make_unique<sqlite_store>()); }},
  };
  return all;
}

}  // namespace contract
