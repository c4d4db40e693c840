// Ephemeral events per sender (issue 16 item 9) and the socket registry's
// revocations (item 8), without sockets.
#include "switchboard/realtime/coalescer.hpp"

#include <gtest/gtest.h>

#include "switchboard/realtime/sockets.hpp"

namespace rt = switchboard::realtime;
using namespace std::chrono_literals;

namespace {

struct fake_conn : switchboard::http::ws_connection {
  std::string revoked;
  using ws_connection::send;
  bool send(std::shared_ptr<const std::string>) override { return revoked.empty(); }
  void close() override {}
  void revoke(std::string_view reason) override { revoked = reason; }
  bool is_open() const override { return revoked.empty(); }
  std::size_t queued() const override { return 0; }
};

}  // namespace

TEST(coalescer, one_per_interval_per_key_and_the_latest_state_goes_last) {
  rt::coalescer c(1000ms);
  auto t0 = rt::coalescer::clock::time_point{} + 100s;
  std::vector<int> sent;
  EXPECT_TRUE(c.offer("a", [&] { sent.push_back(1); }, t0).run_now);
  // Within the second: deferred, the first one asks for a flush at t0 + 1 s.
  auto d = c.offer("a", [&] { sent.push_back(2); }, t0 + 10ms);
  EXPECT_FALSE(d.run_now);
  EXPECT_TRUE(d.schedule);
  EXPECT_EQ(d.at, t0 + 1000ms);
  for (int i = 3; i <= 3000; ++i) {
    auto e = c.offer("a", [&sent, i] { sent.push_back(i); }, t0 + 20ms);
    EXPECT_FALSE(e.run_now);
    EXPECT_FALSE(e.schedule);
  }
  // Another key is not limited by the first.
  EXPECT_TRUE(c.offer("b", [] {}, t0 + 20ms).run_now);
  auto due = c.take_due("a", t0 + 1000ms);
  ASSERT_TRUE(due);
  due();
  EXPECT_EQ(sent, (std::vector<int>{3000}));  // the newest state only
  EXPECT_FALSE(c.take_due("a", t0 + 1000ms));
  // Sent at t0 + 1 s: the next offer within a second waits again.
  EXPECT_FALSE(c.offer("a", [] {}, t0 + 1500ms).run_now);
  ASSERT_TRUE(c.take_due("a", t0 + 2000ms));
  EXPECT_TRUE(c.offer("a", [] {}, t0 + 3500ms).run_now);
}

TEST(coalescer, memory_stays_bounded) {
  rt::coalescer c(1000ms, 10);
  auto t0 = rt::coalescer::clock::time_point{} + 100s;
  for (int i = 0; i < 100; ++i) c.offer("k" + std::to_string(i), [] {}, t0);
  EXPECT_LE(c.keys(), 10u);
  // Quiet keys are forgotten.
  EXPECT_TRUE(c.offer("new", [] {}, t0 + 2s).run_now);
  EXPECT_LE(c.keys(), 10u);
}

TEST(socket_registry, revocations_close_their_sockets_and_late_openers) {
  rt::socket_registry r;
  auto key = std::make_shared<fake_conn>(), session = std::make_shared<fake_conn>(),
       other_ws = std::make_shared<fake_conn>();
  auto e0 = r.epoch();
  r.add({1, 7, "api_key:3"}, key, e0);
  r.add({1, 7, "session:9"}, session, e0);
  r.add({2, 7, "api_key:3"}, other_ws, e0);
  EXPECT_EQ(r.revoke_credential(1, "api_key:3", "API key revoked"), 1u);
  EXPECT_EQ(key->revoked, "API key revoked");
  EXPECT_TRUE(session->revoked.empty());
  EXPECT_TRUE(other_ws->revoked.empty());

  // Authenticated before the revocation, opened after it: closed on arrival.
  auto late = std::make_shared<fake_conn>();
  EXPECT_EQ(r.add({1, 7, "api_key:3"}, late, e0), 0u);
  EXPECT_FALSE(late->revoked.empty());
  // Authenticated after it (a new credential check): fine.
  auto fresh = std::make_shared<fake_conn>();
  EXPECT_NE(r.add({1, 8, "session:10"}, fresh, r.epoch()), 0u);

  std::string raised;
  auto h = r.add({1, 8, "session:11"}, std::make_shared<fake_conn>(), r.epoch(),
                 [&](std::string_view role) { raised = role; });
  EXPECT_NE(h, 0u);
  r.role_raised(1, 8, "admin");
  EXPECT_EQ(raised, "admin");
  // The key socket is still listed (a fake never runs on_close), so both.
  EXPECT_EQ(r.revoke_teammate(1, 7, "role lowered"), 2u);
  EXPECT_EQ(session->revoked, "role lowered");
}
