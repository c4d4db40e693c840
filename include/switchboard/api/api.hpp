#pragma once
// The agent-facing API (/api/v1) and the agent WebSocket (/ws/agent).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include <boost/asio/thread_pool.hpp>

#include "switchboard/auth/login_limiter.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/realtime/coalescer.hpp"
#include "switchboard/realtime/hub.hpp"
#include "switchboard/realtime/sockets.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/teams/settings.hpp"
#include "switchboard/widget/rate_limit.hpp"

namespace switchboard::api {

// The carriers' and routing's settings live with the services that use them.
using services::carrier_settings;
using services::routing_settings;

// The website widget (widget.* keys) and its in-memory rate limiters.
struct widget_runtime {
  std::chrono::hours token_ttl{24};  // clamped to 1 h … 7 d where tokens are issued
  std::chrono::seconds secret_grace{std::chrono::hours(24)};
  std::size_t max_message_chars = 4000;
  std::chrono::hours anonymous_retention{24 * 30};  // never-used visitors are purged after this
  widget::rate_limiter per_visitor{20, std::chrono::seconds(60)};
  widget::rate_limiter per_ip{300, std::chrono::seconds(60)};
};

// The services' context (store, hub, clock, carrier/routing/Teams settings, the
// outbox's wake-up) and what only the handlers need.
struct api_context : services::context {
  boost::asio::thread_pool& cpu;  // Argon2id runs here, never on the io_context
  std::chrono::hours session_ttl{24 * 30};
  auth::login_limiter logins{};
  std::unordered_map<store::id_t, int> online{};  // open agent sockets per teammate, for presence
  widget_runtime widget{};
  // Open sockets by credential: revocations close them (issue 16 item 8).
  realtime::socket_registry sockets{};
  // Typing and presence per sender: one per second per conversation (item 9).
  realtime::coalescer ephemeral{std::chrono::seconds(1)};
};

void add_api_routes(http::router& routes, api_context& ctx);

// Reopens snoozed conversations when their time comes: checks every `interval`
// (against ctx.now, so tests can move time) and publishes conversation.updated.
class snooze_waker {
 public:
  snooze_waker(boost::asio::io_context& io, api_context& ctx, std::chrono::milliseconds interval);
  ~snooze_waker();
  void start();
  void stop();
  // One pass now; returns how many conversations woke.
  boost::asio::awaitable<std::size_t> run_once();

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace switchboard::api
