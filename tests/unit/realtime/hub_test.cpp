// The hub without sockets: fan-out by (workspace, topic), one shared serialized
// copy, and subscriptions changing while a publish walks its list.
#include "switchboard/realtime/hub.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

namespace rt = switchboard::realtime;
namespace sbhttp = switchboard::http;

namespace {

struct fake_conn : sbhttp::ws_connection {
  std::vector<std::shared_ptr<const std::string>> got;
  std::function<void()> on_send;  // runs inside send(), as a synchronous reaction would
  bool open = true;
  using ws_connection::send;
  bool send(std::shared_ptr<const std::string> text) override {
    if (!open) return false;
    got.push_back(std::move(text));
    if (on_send) {
      auto f = std::move(on_send);
      on_send = nullptr;
      f();
    }
    return true;
  }
  void close() override { open = false; }
  bool is_open() const override { return open; }
  std::size_t queued() const override { return got.size(); }
};

}  // namespace

TEST(hub, publishes_one_shared_copy_to_the_workspace_topic_only) {
  rt::hub h;
  auto a = std::make_shared<fake_conn>(), b = std::make_shared<fake_conn>();
  auto other_ws = std::make_shared<fake_conn>(), other_topic = std::make_shared<fake_conn>();
  h.subscribe(1, "agents", a);
  h.subscribe(1, "agents", b);
  h.subscribe(2, "agents", other_ws);
  h.subscribe(1, "visitor:7", other_topic);
  EXPECT_EQ(h.publish(1, "agents", "x.y", {{"k", 1}}), 2u);
  ASSERT_EQ(a->got.size(), 1u);
  ASSERT_EQ(b->got.size(), 1u);
  EXPECT_EQ(a->got[0].get(), b->got[0].get());  // serialized once
  EXPECT_EQ(nlohmann::json::parse(*a->got[0]),
            (nlohmann::json{{"type", "x.y"}, {"data", {{"k", 1}}}}));
  EXPECT_TRUE(other_ws->got.empty());
  EXPECT_TRUE(other_topic->got.empty());
  EXPECT_EQ(h.publish(3, "agents", "x.y", nullptr), 0u);
  // A closed connection is not counted.
  b->open = false;
  EXPECT_EQ(h.publish(1, "agents", "x.y", nullptr), 1u);
}

TEST(hub, unsubscribe_stops_delivery_and_releases_the_connection) {
  rt::hub h;
  auto a = std::make_shared<fake_conn>();
  std::weak_ptr<fake_conn> weak = a;
  auto id = h.subscribe(1, "agents", a);
  a.reset();
  EXPECT_FALSE(weak.expired());
  h.unsubscribe(id);
  EXPECT_TRUE(weak.expired());
  EXPECT_EQ(h.subscribers(), 0u);
  EXPECT_EQ(h.publish(1, "agents", "x", nullptr), 0u);
  h.unsubscribe(id);  // twice is harmless
}

TEST(hub, subscriptions_may_change_during_a_publish) {
  rt::hub h;
  auto a = std::make_shared<fake_conn>(), b = std::make_shared<fake_conn>();
  auto c = std::make_shared<fake_conn>(), late = std::make_shared<fake_conn>();
  auto ida = h.subscribe(1, "agents", a);
  auto idb = h.subscribe(1, "agents", b);
  h.subscribe(1, "agents", c);
  std::weak_ptr<fake_conn> weak_a = a, weak_b = b;
  // a's send unsubscribes a itself and b (not reached yet), and subscribes a newcomer.
  a->on_send = [&] {
    h.unsubscribe(ida);
    h.unsubscribe(idb);
    h.subscribe(1, "agents", late);
  };
  a.reset();
  b.reset();
  EXPECT_FALSE(weak_a.expired());
  EXPECT_EQ(h.publish(1, "agents", "first", nullptr), 2u);  // a and c
  EXPECT_TRUE(weak_a.expired());
  EXPECT_TRUE(weak_b.expired());
  EXPECT_EQ(c->got.size(), 1u);
  EXPECT_TRUE(late->got.empty()) << "subscribed after the publish started";
  EXPECT_EQ(h.publish(1, "agents", "second", nullptr), 2u);  // c and late
  EXPECT_EQ(late->got.size(), 1u);
  EXPECT_EQ(h.subscribers(), 2u);
}
