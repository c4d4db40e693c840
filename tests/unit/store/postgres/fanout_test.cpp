// Realtime fan-out across instances (issue 19): two stores on one database, as two
// `switchboard serve` processes would have. What one relays, the other's listener
// gets; nobody gets their own events back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/store.hpp"
#include "unit/store/postgres/server.hpp"

namespace {

namespace st = switchboard::store;

struct inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<st::remote_event> got;
  void add(std::vector<st::remote_event> events) {
    std::lock_guard l(mu);
    for (auto& e : events) got.push_back(std::move(e));
    cv.notify_all();
  }
  // Waits (up to 10 s: a ceiling, not a speed claim) for `n` events.
  bool wait_for(std::size_t n) {
    std::unique_lock l(mu);
    return cv.wait_for(l, std::chrono::seconds(10), [&] { return got.size() >= n; });
  }
};

class postgres_fanout : public ::testing::Test {
 protected:
  void SetUp() override {
    SBTEST_REQUIRE_POSTGRES(url_);
    schema_ = "sbfan_" + std::to_string(::getpid());
    admin_ = std::make_unique<st::pg::connection>(url_);
    sbtest::fresh_schema(*admin_, schema_);
  }
  void TearDown() override {
    for (auto& s : stores_) s->stop();
    stores_.clear();
    if (admin_) admin_->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  st::store& open_instance() {
    st::store_options o;
    o.backend = "postgres";
    o.postgres_url = sbtest::with_search_path(url_, schema_);
    auto s = st::store::open(o);
    EXPECT_TRUE(s) << s.err().message;
    stores_.push_back(std::move(*s));
    return *stores_.back();
  }
  std::string url_, schema_;
  std::unique_ptr<st::pg::connection> admin_;
  std::vector<std::unique_ptr<st::store>> stores_;
};

TEST_F(postgres_fanout, an_event_relayed_by_one_instance_reaches_the_others_and_not_itself) {
  auto& a = open_instance();
  auto& b = open_instance();
  auto& c = open_instance();
  EXPECT_NE(a.instance_id(), b.instance_id());
  inbox at_a, at_b, at_c;
  a.listen_events([&](std::vector<st::remote_event> e) { at_a.add(std::move(e)); });
  b.listen_events([&](std::vector<st::remote_event> e) { at_b.add(std::move(e)); });
  c.listen_events([&](std::vector<st::remote_event> e) { at_c.add(std::move(e)); });
  // Listeners connect on their own threads: give them a moment to LISTEN, then
  // relay until the first event arrives (an event relayed before LISTEN is missed
  // by design: a new instance starts from now).
  for (int i = 0; i < 100; ++i) {
    a.relay_event(7, "agents", R"({"type":"probe","data":{}})", false);
    std::unique_lock l(at_b.mu);
    if (at_b.cv.wait_for(l, std::chrono::milliseconds(100), [&] { return !at_b.got.empty(); })) break;
  }
  ASSERT_TRUE(at_b.wait_for(1));
  at_b.got.clear();
  at_c.wait_for(1);
  at_c.got.clear();
  a.relay_event(1, "agents", R"({"type":"message.created","data":{"id":1}})", false);
  a.relay_event(1, "visitor:v1", R"({"type":"typing","data":{}})", true);
  b.relay_event(2, "agents", R"({"type":"conversation.updated","data":{"id":2}})", false);
  ASSERT_TRUE(at_b.wait_for(2));
  ASSERT_TRUE(at_c.wait_for(3));
  ASSERT_TRUE(at_a.wait_for(1));
  EXPECT_EQ(at_b.got[0].workspace_id, 1);
  EXPECT_EQ(at_b.got[0].topic, "agents");
  EXPECT_EQ(at_b.got[0].event, R"({"type":"message.created","data":{"id":1}})");
  EXPECT_FALSE(at_b.got[0].ephemeral);
  EXPECT_EQ(at_b.got[1].topic, "visitor:v1");
  EXPECT_TRUE(at_b.got[1].ephemeral);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Nobody hears its own: a got only b's, b only a's.
  for (auto& e : at_a.got) EXPECT_NE(e.event.find("conversation.updated"), std::string::npos) << e.event;
  EXPECT_EQ(at_b.got.size(), 2u);
  EXPECT_EQ(at_c.got.size(), 3u);
}

TEST_F(postgres_fanout, one_instance_leads_and_another_takes_over_when_it_stops) {
  auto& a = open_instance();
  auto& b = open_instance();
  auto leaders = [&] { return int(a.leads()) + int(b.leads()); };
  for (int i = 0; i < 100 && leaders() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(leaders(), 1);
  auto& leader = a.leads() ? a : b;
  auto& other = a.leads() ? b : a;
  leader.stop();
  EXPECT_FALSE(leader.leads());
  for (int i = 0; i < 100 && !other.leads(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(other.leads());
}

}  // namespace
