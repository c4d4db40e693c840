// The store's writer on PostgreSQL beside another instance (issue 19). Found by the
// three-instance test (tests/multi): the first two texts of a new customer, taken
// at once by two instances, both found no contact and both inserted one; the
// second insert waited for the first transaction's unique phone identity and then
// failed, and its webhook answered 500. A job that loses such a race now runs
// again and finds the row the other instance committed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/store/store.hpp"
#include "unit/store/postgres/server.hpp"

namespace {

namespace st = switchboard::store;
using st::id_t;

class postgres_writer : public ::testing::Test {
 protected:
  void SetUp() override {
    SBTEST_REQUIRE_POSTGRES(url_);
    schema_ = "sbwriter_" + std::to_string(::getpid());
    other_ = std::make_unique<st::pg::connection>(url_);
    sbtest::fresh_schema(*other_, schema_);
    st::store_options o;
    o.backend = "postgres";
    o.postgres_url = sbtest::with_search_path(url_, schema_);
    auto s = st::store::open(o);  // migrates the schema
    ASSERT_TRUE(s) << s.err().message;
    store_ = std::move(*s);
    other_->exec("SET search_path TO " + schema_ + ", public");
    ws_ = other_->run("INSERT INTO workspaces(name, created_at) VALUES ('Acme', $1) RETURNING id", at).integer(0, 0);
  }
  void TearDown() override {
    if (store_) store_->stop();
    store_.reset();
    if (other_) {
      other_->rollback_quietly();
      other_->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  static constexpr const char* at = "2026-03-01T10:00:00.000Z";
  static constexpr const char* phone = "+14155550100";
  std::string url_, schema_;
  std::unique_ptr<st::pg::connection> other_;  // the other instance
  std::unique_ptr<st::store> store_;           // this one
  id_t ws_ = 0;
};

TEST_F(postgres_writer, a_job_that_loses_a_race_for_a_unique_row_runs_again_and_finds_the_winners_row) {
  // The other instance has created the contact of a new phone number and not yet committed.
  other_->exec("BEGIN");
  id_t theirs = other_->run("INSERT INTO contacts(workspace_id, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id",
                            ws_, at)
                    .integer(0, 0);
  other_->run(
      "INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at) VALUES ($1, $2, 'phone', $3, $4)",
      ws_, theirs, phone, at);
  auto other_pid = other_->backend_pid();

  // This instance's find-or-create of the same number (services/threads.cpp).
  id_t ours = 0;
  auto ws = ws_;
  auto job = std::async(std::launch::async, [&] {
    return store_->write_sync([&ours, ws](st::unit_of_work& u) {
      auto found = u.contacts().find_by_identity(ws, "phone", phone);
      if (found) {
        ours = *found;
        return;
      }
      st::contact k;
      k.workspace_id = ws;
      k.phones = {phone};
      k.created_at = k.updated_at = at;
      ours = u.contacts().insert(k);
    });
  });

  // Once this instance's insert waits for the other's uncommitted identity (ten
  // seconds is a ceiling, not a speed claim), the other commits.
  auto watcher = std::make_unique<st::pg::connection>(url_);
  bool waiting = false;
  for (int i = 0; i < 1000 && !waiting; ++i) {
    waiting = watcher->run("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", other_pid)
                  .integer(0, 0) > 0;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(waiting) << "this instance's job never waited for the other's row";
  other_->exec("COMMIT");

  auto r = job.get();
  ASSERT_TRUE(r) << r.err().code << ": " << r.err().message;
  EXPECT_EQ(ours, theirs);
  EXPECT_EQ(other_->run("SELECT count(*) FROM contacts").integer(0, 0), 1);
}

TEST_F(postgres_writer, a_real_unique_conflict_still_fails_the_job_with_conflict) {
  other_->run(
      "WITH c AS (INSERT INTO contacts(workspace_id, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id)"
      " INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at)"
      " SELECT $1, id, 'phone', $3, $2 FROM c",
      ws_, at, phone);
  auto ws = ws_;
  auto r = store_->write_sync([ws](st::unit_of_work& u) {
    st::contact k;
    k.workspace_id = ws;
    k.phones = {phone};
    k.created_at = k.updated_at = at;
    u.contacts().insert(k);
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, "CONFLICT");
  EXPECT_EQ(other_->run("SELECT count(*) FROM contacts").integer(0, 0), 1);
}

}  // namespace
