#include "switchboard/store/migrations.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "switchboard/store/store.hpp"

namespace st = switchboard::store;

namespace {
int count(st::database& db, const std::string& sql) {
  auto& s = db.prepare(sql);
  s.step();
  int n = static_cast<int>(s.column_int(0));
  s.reset();
  return n;
}
}  // namespace

TEST(migrations, file_names_are_parsed_strictly) {
  auto m = st::parse_migration("0042_add_things.sql", "SELECT 1");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->version, 42);
  EXPECT_EQ(m->name, "add_things");
  EXPECT_FALSE(st::parse_migration("42_x.sql", ""));
  EXPECT_FALSE(st::parse_migration("0001_x.txt", ""));
  EXPECT_FALSE(st::parse_migration("0000_x.sql", ""));
  EXPECT_FALSE(st::parse_migration("abcd_x.sql", ""));
}

TEST(migrations, embedded_schema_has_the_core_tables) {
  auto& all = st::embedded_migrations();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().version, 1);
  sbtest::temp_dir dir;
  st::database db(dir.file("t.db"), st::database::mode::read_write);
  ASSERT_TRUE(st::migrate(db, all));
  for (auto table : {"workspaces", "teammates", "auth_sessions", "contacts", "contact_identities",
                     "conversations", "messages", "outbox"}) {
    EXPECT_EQ(count(db, std::string("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='") +
                            table + "'"),
              1)
        << table;
  }
}

TEST(migrations, applied_once_and_recorded) {
  sbtest::temp_dir dir;
  std::vector<st::migration> ms = {{1, "one", "CREATE TABLE a(x INTEGER);"},
                                   {2, "two", "INSERT INTO a VALUES (1);"}};
  {
    st::database db(dir.file("t.db"), st::database::mode::read_write);
    auto r = st::migrate(db, ms);
    ASSERT_TRUE(r) << r.err().message;
    EXPECT_EQ(r->applied, 2);
    EXPECT_EQ(r->to_version, 2);
  }
  st::database db(dir.file("t.db"), st::database::mode::read_write);
  auto again = st::migrate(db, ms);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->applied, 0);
  // The INSERT of migration 2 ran exactly once.
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM a"), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM schema_migrations"), 2);
  EXPECT_EQ(st::schema_version(db), 2);

  ms.push_back({3, "three", "INSERT INTO a VALUES (3);"});
  auto third = st::migrate(db, ms);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->applied, 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM a"), 2);
}

TEST(migrations, a_failing_migration_rolls_back_alone) {
  sbtest::temp_dir dir;
  st::database db(dir.file("t.db"), st::database::mode::read_write);
  std::vector<st::migration> ms = {{1, "one", "CREATE TABLE a(x INTEGER);"},
                                   {2, "broken", "CREATE TABLE b(y INTEGER); INSERT INTO nope VALUES (1);"}};
  auto r = st::migrate(db, ms);
  ASSERT_FALSE(r);
  EXPECT_NE(r.err().message.find("2_broken"), std::string::npos) << r.err().message;
  EXPECT_EQ(st::schema_version(db), 1);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='b'"), 0);
  EXPECT_EQ(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name='a'"), 1);
}

TEST(migrations, newer_database_is_refused) {
  sbtest::temp_dir dir;
  std::vector<st::migration> newer = {{1, "one", "CREATE TABLE a(x);"},
                                      {2, "two", "CREATE TABLE b(x);"}};
  {
    st::database db(dir.file("t.db"), st::database::mode::read_write);
    ASSERT_TRUE(st::migrate(db, newer));
  }
  std::vector<st::migration> older = {{1, "one", "CREATE TABLE a(x);"}};
  st::database db(dir.file("t.db"), st::database::mode::read_write);
  auto r = st::migrate(db, older);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, "SCHEMA_TOO_NEW");
  EXPECT_NE(r.err().message.find("newer"), std::string::npos);

  // The store refuses to open it too.
  st::store_options o;
  o.path = dir.file("t.db");
  o.migrations = older;
  auto s = st::store::open(o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.err().code, "SCHEMA_TOO_NEW");
}
