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
#include "switchboard/store/models.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/teams/settings.hpp"
#include "switchboard/widget/rate_limit.hpp"

namespace switchboard::api {

// What the carrier webhooks need to verify signatures.
struct carrier_settings {
  std::string public_url;  // signatures are computed over public_url + path + query
  std::string twilio_auth_token;
  std::string signalwire_signing_key;
  bool sandbox_enabled = true;
  std::string sandbox_key;  // random per process: the sandbox signs what it injects
  // REST credentials for outbound messages.
  std::string twilio_account_sid, twilio_api_base;
  std::string signalwire_project_id, signalwire_api_token, signalwire_api_base;
  double sms_per_second_per_number = 1;
  // The sandbox's endpoints (issue 16 item 14): requests per minute per teammate,
  // and the data directory's key that `simulate sms` presents instead of a login.
  int sandbox_requests_per_minute = 300;
  std::string sandbox_local_key;
};

// How texts on teammates' lines are routed (routing.* keys).
struct routing_settings {
  std::chrono::seconds sticky_idle{std::chrono::hours(24)};
  bool new_conversation_after_resolved = false;  // else a resolved conversation reopens
};

// The website widget (widget.* keys) and its in-memory rate limiters.
struct widget_runtime {
  std::chrono::hours token_ttl{24};  // clamped to 1 h … 7 d where tokens are issued
  std::chrono::seconds secret_grace{std::chrono::hours(24)};
  std::size_t max_message_chars = 4000;
  std::chrono::hours anonymous_retention{24 * 30};  // never-used visitors are purged after this
  widget::rate_limiter per_visitor{20, std::chrono::seconds(60)};
  widget::rate_limiter per_ip{300, std::chrono::seconds(60)};
};

struct api_context {
  store::store& db;
  realtime::hub& hub;
  boost::asio::thread_pool& cpu;  // Argon2id runs here, never on the io_context
  now_fn now = system_now;
  std::chrono::hours session_ttl{24 * 30};
  auth::login_limiter logins{};
  std::unordered_map<store::id_t, int> online{};  // open agent sockets per teammate, for presence
  carrier_settings carriers{};
  routing_settings routing{};
  teams::settings teams{};  // Teams is off while teams.app_id is empty
  std::function<void()> outbox_ready{};  // wakes the outbox dispatcher after a commit
  widget_runtime widget{};
  std::string default_country = "US";  // workspace.default_country: national phone formats
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
