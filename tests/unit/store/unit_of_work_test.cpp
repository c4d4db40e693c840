// The store hands jobs a unit_of_work (repositories.hpp) when they take one:
// co_await write/read, write_sync, read_sync and submit, beside database& jobs.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <future>

#include "support/test_support.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/store/workspaces.hpp"

namespace asio = boost::asio;
namespace st = switchboard::store;

namespace {

std::unique_ptr<st::store> open_store(const sbtest::temp_dir& dir) {
  st::store_options o;
  o.path = dir.file("s.db");
  auto s = st::store::open(o);
  if (!s) throw std::runtime_error(s.err().message);
  return std::move(*s);
}

static_assert(st::is_job_v<void (*)(st::database&)>);
static_assert(st::is_job_v<void (*)(st::unit_of_work&)>);
static_assert(!st::is_job_v<void (*)(int)>);
static_assert(std::is_same_v<st::job_result_t<int (*)(st::unit_of_work&)>, int>);

}  // namespace

TEST(unit_of_work, a_unit_of_work_over_a_connection_costs_no_allocation) {
  // Members only: a reference per repository (and its vtable pointer).
  EXPECT_LE(sizeof(st::sqlite_unit_of_work), 18 * 2 * sizeof(void*) + sizeof(void*));  // 18 repositories
  EXPECT_TRUE((std::is_nothrow_constructible_v<st::sqlite_unit_of_work, st::database&>));
}

TEST(unit_of_work, co_await_write_and_read_take_a_unit_of_work) {
  sbtest::temp_dir dir;
  auto s = open_store(dir);
  asio::io_context io;
  std::optional<st::id_t> created;
  std::optional<std::string> name;
  std::int64_t count_via_db = -1;
  std::string error_code;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto ws = co_await s->write([](st::unit_of_work& u) {
          return u.workspaces().create_with_owner("Acme", "o@acme.test", "O", "h",
                                                  "2026-01-01T00:00:00Z");
        });
        if (ws) created = *ws;
        auto n = co_await s->read(
            [id = created.value_or(0)](st::unit_of_work& u) { return u.workspaces().name_of(id); });
        if (n) name = *n;
        // A database& job beside them sees the same rows.
        auto c = co_await s->read([](st::database& db) { return st::workspaces::count(db); });
        if (c) count_via_db = *c;
        // A failing unit-of-work job fails with the store's error code, and rolls back.
        auto bad = co_await s->write([](st::unit_of_work& u) {
          st::teammate t;
          t.workspace_id = *u.workspaces().first();
          t.email = "o@acme.test";  // taken
          t.name = "dup";
          t.role = "agent";
          t.created_at = "2026-01-01T00:00:00Z";
          u.teammates().insert(t);
        });
        if (!bad) error_code = bad.err().code;
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(created && *created);
  EXPECT_EQ(name, "Acme");
  EXPECT_EQ(count_via_db, 1);
  EXPECT_EQ(error_code, "CONFLICT");
}

TEST(unit_of_work, blocking_and_low_level_variants_take_a_unit_of_work) {
  sbtest::temp_dir dir;
  auto s = open_store(dir);
  auto w = s->write_sync([](st::unit_of_work& u) {
    u.workspaces().create_with_owner("Acme", "o@acme.test", "O", "h", "2026-01-01T00:00:00Z");
  });
  ASSERT_TRUE(w) << w.err().message;
  std::promise<switchboard::result<void>> done;
  s->submit(
      [](st::unit_of_work& u) {
        u.conversations().insert_label(*u.workspaces().first(), "vip", "#000000",
                                       "2026-01-01T00:00:00Z");
      },
      [&done](switchboard::result<void> r) { done.set_value(std::move(r)); });
  ASSERT_TRUE(done.get_future().get());
  auto labels = s->read_sync([](st::unit_of_work& u) {
    return u.conversations().list_labels(*u.workspaces().first()).size();
  });
  ASSERT_TRUE(labels);
  EXPECT_EQ(*labels, 1u);
}
