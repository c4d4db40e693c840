// The "Atomic" repository methods on PostgreSQL (issue 19) under real concurrency:
// several connections to one migrated schema, one transaction per job, READ
// COMMITTED, jobs started together from threads and held open a moment before
// COMMIT so that they overlap. SQLite has one writer, so these are PostgreSQL's
// alone. Without SWITCHBOARD_TEST_POSTGRES_URL they skip on a developer's machine
// and fail in CI (CI=true), where the server must be there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/migrations.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"
#include "unit/store/postgres/server.hpp"

namespace {

namespace pg = switchboard::store::pg;
namespace st = switchboard::store;
using st::id_t;

class postgres_concurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    SBTEST_REQUIRE_POSTGRES(url_);
    static int made = 0;
    schema_ = "sbconc_" + std::to_string(::getpid()) + "_" + std::to_string(++made);
    db_ = std::make_unique<pg::connection>(url_);
    sbtest::fresh_schema(*db_, schema_);
    db_->exec("SET search_path TO " + schema_ + ", public");
    auto m = pg::migrate(*db_, pg::embedded_migrations());
    ASSERT_TRUE(m) << m.err().message;
    // The rows the jobs need, written directly: only the methods under test go
    // through the repositories.
    ws_ =
        db_->run("INSERT INTO workspaces(name, created_at) VALUES ('Acme', $1) RETURNING id", t(0))
            .integer(0, 0);
    ann_ = db_->run(
                  "INSERT INTO teammates(workspace_id, email, name, role, created_at)"
                  " VALUES ($1, 'ann@acme.test', 'Ann', 'agent', $2) RETURNING id",
                  ws_, t(0))
               .integer(0, 0);
    contact_ = db_->run(
                      "INSERT INTO contacts(workspace_id, name, created_at, updated_at)"
                      " VALUES ($1, 'Ada', $2, $2) RETURNING id",
                      ws_, t(0))
                   .integer(0, 0);
  }
  void TearDown() override {
    if (db_) {
      db_->rollback_quietly();
      db_->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    }
  }

  static std::string t(int minutes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-03-01T%02d:%02d:00Z", minutes / 60 % 24, minutes % 60);
    return buf;
  }

  std::vector<id_t> add_conversations(int n) {
    auto r = db_->run(
        "INSERT INTO conversations(workspace_id, contact_id, created_at, updated_at)"
        " SELECT $1, $2, $3, $3 FROM generate_series(1, $4) RETURNING id",
        ws_, contact_, t(0), n);
    std::vector<id_t> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.integer(i, 0));
    return out;
  }

  // n connections on the schema, opened before any job starts.
  std::vector<std::unique_ptr<pg::connection>> connections(int n) {
    std::vector<std::unique_ptr<pg::connection>> out;
    for (int i = 0; i < n; ++i) {
      out.push_back(std::make_unique<pg::connection>(url_));
      out.back()->exec("SET search_path TO " + schema_ + ", public");
    }
    return out;
  }

  // One job as the store runs it: a transaction on `c` with a unit of work over it.
  // The transaction stays open `hold` after f returns, so concurrent jobs overlap.
  static void job(pg::connection& c, const std::function<void(st::unit_of_work&)>& f,
                  std::chrono::milliseconds hold = std::chrono::milliseconds(20)) {
    c.exec("BEGIN");
    try {
      st::pg_unit_of_work u(c);
      f(u);
      std::this_thread::sleep_for(hold);
      c.exec("COMMIT");
    } catch (...) {
      c.rollback_quietly();
      throw;
    }
  }

  // Runs body(i, connection) on n threads, each with a connection of its own, all
  // released at once; returns the message of every exception a thread threw.
  std::vector<std::string> race(int n, const std::function<void(int, pg::connection&)>& body) {
    auto conns = connections(n);
    std::latch start(n);
    std::mutex m;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        try {
          body(i, *conns[i]);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(m);
          errors.push_back(e.what());
        }
      });
    for (auto& th : threads) th.join();
    return errors;
  }

  std::string url_, schema_;
  std::unique_ptr<pg::connection> db_;
  id_t ws_ = 0, ann_ = 0, contact_ = 0;
};

std::string joined(const std::vector<std::string>& errors) {
  std::string out;
  for (auto& e : errors) out += "\n  " + e;
  return out;
}

TEST_F(postgres_concurrency, concurrent_claimers_never_get_the_same_outbox_row_and_claim_them_all) {
  constexpr int rows = 300, claimers = 6;
  std::set<id_t> enqueued;
  job(
      *db_,
      [&](st::unit_of_work& u) {
        for (int i = 0; i < rows; ++i)
          enqueued.insert(u.outbox().enqueue(ws_, i % 2 ? "sms.relay" : "message.send.sms",
                                             {{"n", i}}, t(i % 7)));
      },
      std::chrono::milliseconds(0));
  std::vector<std::vector<id_t>> got(claimers);
  auto errors = race(claimers, [&](int i, pg::connection& c) {
    // Until a claim comes back empty: every due row is then leased, or locked by a
    // claimer that is leasing it.
    for (bool more = true; more;)
      job(
          c,
          [&](st::unit_of_work& u) {
            auto claimed = u.outbox().claim_due(t(10), t(60), 7);
            more = !claimed.empty();
            for (auto& r : claimed) got[i].push_back(r.id);
          },
          std::chrono::milliseconds(3));
  });
  ASSERT_TRUE(errors.empty()) << joined(errors);
  std::map<id_t, int> times;
  int busy = 0;
  for (auto& ids : got) {
    busy += !ids.empty();
    for (auto id : ids) ++times[id];
  }
  for (auto& [id, n] : times)
    EXPECT_EQ(n, 1) << "outbox row " << id << " claimed " << n << " times";
  EXPECT_EQ(times.size(), enqueued.size()) << "every row is claimed";
  EXPECT_GT(busy, 1) << "the claimers did not run side by side";
  // Leased until t(60): nothing before, everything (once) from then.
  job(
      *db_,
      [&](st::unit_of_work& u) {
        EXPECT_TRUE(u.outbox().claim_due(t(59), t(90), rows).empty());
        EXPECT_EQ(u.outbox().claim_due(t(60), t(90), rows).size(), static_cast<std::size_t>(rows));
      },
      std::chrono::milliseconds(0));
}

TEST_F(postgres_concurrency, one_of_several_concurrent_claims_of_a_webhook_wins) {
  constexpr int claimers = 8, rounds = 10;
  for (int round = 0; round < rounds; ++round) {
    const std::string sid = "SM" + std::to_string(round);
    std::vector<std::optional<std::string>> answers(claimers);
    auto errors = race(claimers, [&](int i, pg::connection& c) {
      job(c, [&](st::unit_of_work& u) {
        answers[i] = u.numbers().claim_webhook(
            "twilio", sid, "sms", ws_, "<Response>" + std::to_string(i) + "</Response>", t(1));
      });
    });
    ASSERT_TRUE(errors.empty()) << joined(errors);
    int winner = -1, winners = 0;
    for (int i = 0; i < claimers; ++i)
      if (!answers[i]) {
        winner = i;
        ++winners;
      }
    ASSERT_EQ(winners, 1) << "round " << round;
    const std::string stored = "<Response>" + std::to_string(winner) + "</Response>";
    for (int i = 0; i < claimers; ++i) {
      if (i == winner) continue;
      EXPECT_EQ(answers[i], stored) << "round " << round << ", claimer " << i;
    }
    job(
        *db_,
        [&](st::unit_of_work& u) {
          EXPECT_EQ(u.numbers().webhook_response("twilio", sid, "sms"), stored);
        },
        std::chrono::milliseconds(0));
  }
}

TEST_F(postgres_concurrency, concurrent_first_texts_of_one_contact_on_one_line_open_one_conversation) {
  // What services::resolve_thread does with a known contact: the latest conversation
  // on the line, and a new one when there is none. Instances taking the contact's
  // texts at once must agree on one conversation.
  constexpr int texts = 8;
  auto number = db_->run(
                       "INSERT INTO numbers(workspace_id, number, carrier, owner_teammate_id, created_at)"
                       " VALUES ($1, '+15550100', 'twilio', $2, $3) RETURNING id",
                       ws_, ann_, t(0))
                    .integer(0, 0);
  std::vector<id_t> used(texts);
  auto errors = race(texts, [&](int i, pg::connection& c) {
    job(c, [&](st::unit_of_work& u) {
      if (auto latest = u.numbers().latest_conversation(ws_, contact_, number)) {
        used[i] = latest->id;
        return;
      }
      st::conversation cv;
      cv.workspace_id = ws_;
      cv.contact_id = contact_;
      cv.channel = "sms";
      cv.created_at = t(1);
      used[i] = u.conversations().insert(cv);
      u.conversations().set_number(used[i], number);
    });
  });
  ASSERT_TRUE(errors.empty()) << joined(errors);
  EXPECT_EQ(db_->run("SELECT count(*) FROM conversations WHERE contact_id = $1", contact_).integer(0, 0), 1);
  for (int i = 1; i < texts; ++i) EXPECT_EQ(used[i], used[0]) << "text " << i;
}

TEST_F(postgres_concurrency, concurrent_allocations_for_one_teammate_get_distinct_selectors) {
  constexpr int allocators = 8;
  auto convs = add_conversations(allocators);
  std::vector<int> selectors(allocators);
  auto errors = race(allocators, [&](int i, pg::connection& c) {
    job(c, [&](st::unit_of_work& u) {
      selectors[i] = u.routing().selector_for(ws_, ann_, convs[i], t(1));
    });
  });
  ASSERT_TRUE(errors.empty()) << joined(errors);
  std::set<int> distinct(selectors.begin(), selectors.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(allocators));
  EXPECT_EQ(*distinct.begin(), 1);  // the smallest free ones: 1..8
  EXPECT_EQ(*distinct.rbegin(), allocators);
  job(
      *db_,
      [&](st::unit_of_work& u) {
        for (int i = 0; i < allocators; ++i)
          EXPECT_EQ(u.routing().conversation_of(ann_, selectors[i]), convs[i]);
      },
      std::chrono::milliseconds(0));
}

TEST_F(postgres_concurrency, concurrent_allocations_for_one_conversation_agree) {
  constexpr int allocators = 8;
  auto conv = add_conversations(1).at(0);
  std::vector<int> selectors(allocators);
  auto errors = race(allocators, [&](int i, pg::connection& c) {
    job(c, [&](st::unit_of_work& u) {
      selectors[i] = u.routing().selector_for(ws_, ann_, conv, t(1 + i));
    });
  });
  ASSERT_TRUE(errors.empty()) << joined(errors);
  for (int s : selectors) EXPECT_EQ(s, 1);
}

TEST_F(postgres_concurrency, concurrent_takeovers_of_full_selectors_take_distinct_ones) {
  constexpr int allocators = 8;
  auto convs = add_conversations(99 + allocators);
  job(
      *db_,
      [&](st::unit_of_work& u) {
        for (int i = 0; i < 99; ++i) u.routing().selector_for(ws_, ann_, convs[i], t(i));
      },
      std::chrono::milliseconds(0));
  std::vector<int> selectors(allocators);
  auto errors = race(allocators, [&](int i, pg::connection& c) {
    job(c, [&](st::unit_of_work& u) {
      selectors[i] = u.routing().selector_for(ws_, ann_, convs[99 + i], t(200));
    });
  });
  ASSERT_TRUE(errors.empty()) << joined(errors);
  // Each took over the least recently used one left: selectors 1..8, one each.
  std::set<int> distinct(selectors.begin(), selectors.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(allocators));
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), allocators);
  EXPECT_EQ(
      db_->run("SELECT count(*) FROM routing_selectors WHERE teammate_id = $1", ann_).integer(0, 0),
      99);
}

}  // namespace
