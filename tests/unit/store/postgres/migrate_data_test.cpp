// `switchboard migrate-data` (issue 19): an installation written through the SQLite
// store is copied into a fresh PostgreSQL schema, then served from there by the
// PostgreSQL store: ids kept, counts verified, sequences past SQLite's high-water
// marks, the search column filled, the tables vacuumed and analyzed (searches
// were slow while autovacuum did that after a move), and a target that already
// has data refused.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/migrate_data.hpp"
#include "switchboard/store/postgres/migrations.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/store/store.hpp"
#include "unit/store/postgres/server.hpp"

namespace {

namespace st = switchboard::store;
using st::id_t;

constexpr const char* at = "2026-03-01T10:00:00Z";

class postgres_migrate_data : public ::testing::Test {
 protected:
  void SetUp() override {
    SBTEST_REQUIRE_POSTGRES(url_);
    std::string tmpl = (std::filesystem::temp_directory_path() / "sbmigrate-XXXXXX").string();
    ASSERT_TRUE(mkdtemp(tmpl.data()));
    dir_ = tmpl;
    schema_ = "sbmigrate_" + std::to_string(::getpid());
    admin_ = std::make_unique<st::pg::connection>(url_);
    sbtest::fresh_schema(*admin_, schema_);
    admin_->exec("SET search_path TO " + schema_ + ", public");
  }
  void TearDown() override {
    if (admin_) admin_->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  std::int64_t count(const std::string& table) {
    return admin_->run("SELECT count(*) FROM " + table).integer(0, 0);
  }

  std::string url_, schema_, dir_;
  std::unique_ptr<st::pg::connection> admin_;
};

TEST_F(postgres_migrate_data, copies_an_installation_that_postgres_then_serves) {
  const std::string path = dir_ + "/switchboard.db";
  id_t ws = 0, contact = 0, conv = 0, last_message = 0;
  {
    st::store_options o;
    o.path = path;
    auto opened = st::store::open(o);
    ASSERT_TRUE(opened) << opened.err().message;
    auto& s = **opened;
    auto w = s.write_sync([&](st::unit_of_work& u) {
      ws = u.workspaces().create_with_owner("Acme", "owner@acme.test", "Olive", "hash", at).value_or(0);
      st::contact k;
      k.workspace_id = ws;
      k.name = "Ada Lovelace";
      k.phones = {"+14155550100"};
      k.created_at = k.updated_at = at;
      contact = u.contacts().insert(k);
      st::conversation c;
      c.workspace_id = ws;
      c.contact_id = contact;
      c.created_at = at;
      conv = u.conversations().insert(c);
      for (const char* body : {"hello there", "my kumquat order is late", "thanks"}) {
        st::message m;
        m.workspace_id = ws;
        m.conversation_id = conv;
        m.direction = "inbound";
        m.sender_kind = "contact";
        m.channel = "sms";
        m.body = body;
        m.status = "received";
        m.created_at = at;
        last_message = u.messages().insert(m);
      }
    });
    ASSERT_TRUE(w) << w.err().message;
    // Messages were deleted once above the highest id left: AUTOINCREMENT remembers.
    auto bumped = s.write_sync([](st::database& db) {
      db.prepare("UPDATE sqlite_sequence SET seq = 500 WHERE name = 'messages'").run();
    });
    ASSERT_TRUE(bumped) << bumped.err().message;
    s.stop();
  }

  const auto target = sbtest::with_search_path(url_, schema_);
  auto report = st::pg::migrate_data(path, target);
  ASSERT_TRUE(report) << report.err().message;
  EXPECT_TRUE(report->verified);
  for (auto& t : report->tables) EXPECT_EQ(t.sqlite_rows, t.postgres_rows) << t.table;
  EXPECT_EQ(count("messages"), 3);
  EXPECT_EQ(count("contacts"), 1);

  // Analyzed (by the VACUUM (FREEZE, ANALYZE) pass): the planner has the copied
  // tables' sizes (never analyzed is -1). Whether the pages were marked all-visible
  // depends on other sessions' snapshots (ctest runs tests side by side), so only
  // the statistics are checked.
  EXPECT_EQ(admin_->run("SELECT reltuples::bigint FROM pg_class WHERE oid = 'messages'::regclass").integer(0, 0), 3);

  // Every index is there as the migrations made it: the copy drops each secondary
  // index for its COPY and builds it again after (compared with a schema that was
  // only migrated).
  const std::string reference = schema_ + "_ref";
  sbtest::fresh_schema(*admin_, reference);
  {
    st::pg::connection ref(sbtest::with_search_path(url_, reference));
    ASSERT_TRUE(st::pg::migrate(ref, st::pg::embedded_migrations()));
  }
  auto indexes_of = [&](const std::string& schema) {
    auto r = admin_->run(
        "SELECT string_agg(indexname || ' ' || replace(indexdef, schemaname || '.', ''), E'\n' ORDER BY indexname)"
        " FROM pg_indexes WHERE schemaname = $1",
        schema);
    return r.text(0, 0);
  };
  auto copied_indexes = indexes_of(schema_);
  EXPECT_NE(copied_indexes.find("messages"), std::string::npos);
  EXPECT_EQ(copied_indexes, indexes_of(reference));
  admin_->exec("DROP SCHEMA IF EXISTS " + reference + " CASCADE");

  // A second copy into the same database is refused.
  auto again = st::pg::migrate_data(path, target);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.err().code, "NOT_EMPTY");

  // Served from PostgreSQL: same ids, the text searchable, new ids past 500.
  st::store_options o;
  o.backend = "postgres";
  o.postgres_url = target;
  auto opened = st::store::open(o);
  ASSERT_TRUE(opened) << opened.err().message;
  auto& s = **opened;
  auto found = s.read_sync([&](st::unit_of_work& u) {
    st::conversations::list_filter f;
    f.q = "kumquat";
    f.limit = 10;
    return u.conversations().list(ws, f);
  });
  ASSERT_TRUE(found) << found.err().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).id, conv);
  EXPECT_EQ(found->at(0).contact_id, contact);
  EXPECT_EQ(found->at(0).list_key, std::to_string(last_message - 1));  // the matching message
  id_t next = 0;
  auto w = s.write_sync([&](st::unit_of_work& u) {
    st::message m;
    m.workspace_id = ws;
    m.conversation_id = conv;
    m.direction = "outbound";
    m.sender_kind = "teammate";
    m.channel = "sms";
    m.body = "on its way";
    m.status = "queued";
    m.created_at = at;
    next = u.messages().insert(m);
  });
  ASSERT_TRUE(w) << w.err().message;
  EXPECT_GT(next, 500);
  s.stop();
}

}  // namespace
