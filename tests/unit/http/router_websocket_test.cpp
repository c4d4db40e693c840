// WebSocket routes in the router: stored as GET, flagged, duplicates with plain GET.
#include <gtest/gtest.h>

#include "switchboard/http/router.hpp"

namespace sb = switchboard;
using sb::http::request;
using sb::http::response;
using sb::http::ws_accept;

namespace {
sb::http::handler ok() {
  return [](request&) -> boost::asio::awaitable<response> { co_return response::text(200, "ok"); };
}
sb::http::ws_handler upgrade() {
  return [](request&) -> boost::asio::awaitable<ws_accept> { co_return ws_accept{}; };
}
}  // namespace

TEST(router_websocket, is_a_flagged_get_route_with_its_limits) {
  sb::http::router r;
  r.add_websocket("/ws/{room}", upgrade(), {.max_message = 10, .max_queue_messages = 3});
  r.add("GET", "/plain", ok());

  auto m = r.match("GET", "/ws/lobby");
  ASSERT_TRUE(m.found);
  EXPECT_TRUE(m.is_websocket());
  EXPECT_EQ(m.found->method, "GET");
  EXPECT_TRUE(m.found->ws_fn);
  EXPECT_FALSE(m.found->fn);
  EXPECT_EQ(m.found->ws_opts.max_message, 10u);
  EXPECT_EQ(m.found->ws_opts.max_queue_messages, 3u);
  EXPECT_EQ(m.found->ws_opts.max_queue_bytes, sb::http::ws_limits{}.max_queue_bytes);
  EXPECT_EQ(m.params.at("room"), "lobby");

  auto plain = r.match("GET", "/plain");
  ASSERT_TRUE(plain.found);
  EXPECT_FALSE(plain.is_websocket());
  EXPECT_FALSE(r.match("GET", "/nothing").is_websocket());
}

TEST(router_websocket, other_methods_on_the_path_are_405_with_allow_get) {
  sb::http::router r;
  r.add_websocket("/ws", upgrade());
  auto m = r.match("POST", "/ws");
  EXPECT_FALSE(m.found);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "GET, HEAD");
  // A different method on the same path is allowed.
  r.add("POST", "/ws", ok());
  EXPECT_FALSE(r.match("POST", "/ws").is_websocket());
  EXPECT_TRUE(r.match("GET", "/ws").is_websocket());
}

TEST(router_websocket, same_path_as_a_get_route_is_a_duplicate) {
  {
    sb::http::router r;
    r.add("GET", "/a/{id}", ok());
    EXPECT_THROW(r.add_websocket("/a/{x}", upgrade()), std::invalid_argument);
  }
  {
    sb::http::router r;
    r.add_websocket("/a/{id}", upgrade());
    EXPECT_THROW(r.add("GET", "/a/{x}", ok()), std::invalid_argument);
    EXPECT_THROW(r.add_websocket("/a/{id}", upgrade()), std::invalid_argument);
  }
  sb::http::router r;
  EXPECT_THROW(r.add_websocket("ws", upgrade()), std::invalid_argument);
}
