// GET /ws/widget?token=wst_…: a visitor's WebSocket. It subscribes to the hub
// topic visitor:<contact id> (verified) or visitor:<visitor id> (unverified), which
// only ever carry the public items of that visitor's own conversations and agents' typing in them; ping/pong; the
// visitor's typing goes to the workspace's agents.
#include <chrono>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "common.hpp"
#include "routes.hpp"
#include "socket_frames.hpp"
#include "widget_common.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::api {
namespace {

void visitor_typing(api_context& ctx, const visitor& v, asio::any_io_executor ex, id_t cid, bool typing) {
  auto ws = v.workspace_id;
  asio::co_spawn(
      ex,
      [&ctx, v, ws, cid, typing]() -> asio::awaitable<void> {
        services::visitor_ref who = v;
        auto c = co_await services::visible_conversation(ctx, who, cid);
        // Only the visitor's own conversation: another id is silently ignored.
        if (!c || !*c) co_return;
        ctx.hub.publish(ws, "agents", "typing",
                        {{"conversation_id", id_str(cid)}, {"contact_id", id_str((*c)->contact_id)}, {"visitor", true},
                         {"typing", typing}},
                        realtime::hub::delivery::ephemeral);
      },
      asio::detached);
}

// Typing frames one widget socket may offer a second. The coalescer is keyed by
// conversation, and a visitor may name any id (ownership is checked by a read
// later), so without this one socket could fill the coalescer and the read pool.
constexpr int typing_frames_per_second = 4;
struct typing_budget {
  std::chrono::steady_clock::time_point window{};
  int used = 0;
};

void on_visitor_message(api_context& ctx, const visitor& v, asio::any_io_executor ex, http::ws_connection& conn,
                        std::string_view text, typing_budget& budget) {
  auto msg = socket_frame(conn, text);
  if (!msg) return;
  auto type = (*msg)["type"].get<std::string>();
  if (type != "typing") {
    send_socket_error(conn, "INVALID_INPUT", "unknown type " + type);
    return;
  }
  auto t = read_typing(*msg);
  if (!t.conversation_id) return;
  auto now = std::chrono::steady_clock::now();
  if (now - budget.window >= std::chrono::seconds(1)) {
    budget.window = now;
    budget.used = 0;
  }
  if (++budget.used > typing_frames_per_second) return;  // dropped: only an indicator
  // At most one a second per visitor and conversation reaches the agents (and
  // the store's readers); the latest state in between goes when the second is
  // over, so "stopped" is never lost (issue 16 item 9).
  auto cid = *t.conversation_id;
  auto typing = t.typing;
  // Keyed by visitor id: an unverified visitor may have no contact yet (item 12).
  auto key = "typing:v:" + id_str(v.workspace_id) + ":" + v.visitor_id + ":" + id_str(cid);
  offer_ephemeral(ctx, ex, std::move(key), [&ctx, v, ex, cid, typing] { visitor_typing(ctx, v, ex, cid, typing); });
}

asio::awaitable<http::ws_accept> widget_socket(api_context& ctx, request& req) {
  http::ws_accept accept;
  auto checked_at = ctx.sockets.epoch();
  if (auto limited = ip_limited(ctx, req)) {
    accept.reject = std::move(*limited);
    co_return accept;
  }
  auto v = co_await authenticate_visitor(ctx, req, true);
  if (!v) {
    accept.reject = response::from(v.err());
    co_return accept;
  }
  auto ex = co_await asio::this_coro::executor;
  auto who = *v;
  accept.on_open = [&ctx, who, ex, checked_at](std::shared_ptr<http::ws_connection> conn) {
    // Ending the widget session closes this socket (issue 16 item 8).
    auto reg = ctx.sockets.add({who.workspace_id, 0, "widget:" + id_str(who.session_id)}, conn, checked_at);
    if (reg == 0) return http::ws_callbacks{};
    // An unverified visitor listens on its visitor id's topic, never its contact's (issue 16 item 10).
    auto sub = ctx.hub.subscribe(who.workspace_id, socket_topic(who), conn);
    conn->send(realtime::event_text("ready", {{"visitor_id", who.visitor_id}}));
    http::ws_callbacks cb;
    auto budget = std::make_shared<typing_budget>();
    cb.on_message = [&ctx, who, ex, budget](http::ws_connection& c, std::string_view text) {
      on_visitor_message(ctx, who, ex, c, text, *budget);
    };
    cb.on_close = [&ctx, sub, reg] {
      ctx.sockets.remove(reg);
      ctx.hub.unsubscribe(sub);
    };
    return cb;
  };
  co_return accept;
}

}  // namespace

void add_widget_socket(http::router& r, api_context& ctx) {
  http::ws_limits limits;
  limits.max_message = 4096;  // a visitor sends only ping and typing
  limits.max_queue_messages = 256;
  limits.max_queue_bytes = 1u << 20;
  r.add_websocket("/ws/widget", [&ctx](request& q) { return widget_socket(ctx, q); }, limits);
}

}  // namespace switchboard::api
