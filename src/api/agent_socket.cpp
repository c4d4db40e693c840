// GET /ws/agent?token=…: the agent WebSocket. Events of the workspace after
// commit (via the hub), ping/pong, typing, presence.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "common.hpp"
#include "routes.hpp"
#include "socket_frames.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::api {
namespace {

// Presence is ephemeral and coalesced per teammate: a client reconnecting in a
// loop sends at most one a second, and what goes out is the state at that time.
void publish_presence(api_context& ctx, asio::any_io_executor ex, const principal& p) {
  auto ws = p.workspace_id;
  auto tid = p.teammate_id;
  offer_ephemeral(ctx, ex, "presence:" + id_str(ws) + ":" + id_str(tid), [&ctx, ws, tid] {
    ctx.hub.publish(ws, "agents", "presence", {{"teammate_id", id_str(tid)}, {"online", ctx.online.count(tid) > 0}},
                    realtime::hub::delivery::ephemeral);
  });
}

// An agent typing in a chat conversation: the visitor's widget shows it (with
// the agent's name) when the visitor has a socket open.
void typing_to_visitor(api_context& ctx, asio::any_io_executor ex, const principal& p, id_t cid, bool typing) {
  auto ws = p.workspace_id;
  auto name = p.name;
  asio::co_spawn(
      ex,
      [&ctx, ws, cid, typing, name]() -> asio::awaitable<void> {
        auto c = co_await services::audience_of(ctx, ws, cid);
        if (!c || !*c) co_return;
        publish_to_visitors(ctx, ws, (*c)->contact_id, (*c)->starter, "typing",
                            {{"conversation_id", id_str(cid)}, {"name", name}, {"typing", typing}},
                            realtime::hub::delivery::ephemeral);
      },
      asio::detached);
}

void on_agent_message(api_context& ctx, const principal& p, asio::any_io_executor ex, http::ws_connection& conn,
                      std::string_view text) {
  auto msg = socket_frame(conn, text);
  if (!msg) return;
  auto type = (*msg)["type"].get<std::string>();
  if (type != "typing") {
    send_socket_error(conn, "INVALID_INPUT", "unknown type " + type);
    return;
  }
  if (auto e = require(p, "typing.send")) {
    // A viewer, or a read-only API key (its own message).
    send_socket_error(conn, "PERMISSION_DENIED", p.via_api_key ? e->message : "viewers cannot type");
    return;
  }
  auto t = read_typing(*msg);
  if (!t.conversation_id) {
    send_socket_error(conn, "INVALID_INPUT", "typing needs conversation_id");
    return;
  }
  auto cid = *t.conversation_id;
  auto typing = t.typing;
  auto key = "typing:t:" + id_str(p.workspace_id) + ":" + id_str(p.teammate_id) + ":" + id_str(cid);
  offer_ephemeral(ctx, ex, std::move(key), [&ctx, p, ex, cid, typing] {
    ctx.hub.publish(p.workspace_id, "agents", "typing",
                    {{"conversation_id", id_str(cid)},
                     {"teammate_id", id_str(p.teammate_id)},
                     {"name", p.name},
                     {"typing", typing}},
                    realtime::hub::delivery::ephemeral);
    typing_to_visitor(ctx, ex, p, cid, typing);
  });
}

asio::awaitable<http::ws_accept> agent_socket(api_context& ctx, request& req) {
  http::ws_accept accept;
  auto checked_at = ctx.sockets.epoch();
  auto who = co_await authenticate(ctx, req, true);
  if (!who) {
    accept.reject = response::from(who.err());
    co_return accept;
  }
  if (auto e = require(*who, "events.subscribe")) {
    accept.reject = response::from(*e);
    co_return accept;
  }
  auto p = *who;
  auto ex = co_await asio::this_coro::executor;
  accept.on_open = [&ctx, p, ex, checked_at](std::shared_ptr<http::ws_connection> conn) {
    // The socket's view of its teammate: a raised role applies at once; a
    // lowered one, a logout or a revoked key closes it (ctx.sockets, item 8).
    auto me = std::make_shared<principal>(p);
    auto reg = ctx.sockets.add(socket_owner_of(p), conn, checked_at,
                               [me](std::string_view role) { me->role = std::string(role); });
    if (reg == 0) return http::ws_callbacks{};  // revoked while opening: closed with 1008
    auto sub = ctx.hub.subscribe(p.workspace_id, "agents", conn);
    conn->send(realtime::event_text(
        "ready", {{"teammate_id", id_str(p.teammate_id)}, {"workspace_id", id_str(p.workspace_id)}, {"role", p.role}}));
    if (ctx.online[p.teammate_id]++ == 0) publish_presence(ctx, ex, p);
    http::ws_callbacks cb;
    cb.on_message = [&ctx, me, ex](http::ws_connection& c, std::string_view text) {
      on_agent_message(ctx, *me, ex, c, text);
    };
    cb.on_close = [&ctx, p, ex, sub, reg] {
      ctx.sockets.remove(reg);
      ctx.hub.unsubscribe(sub);
      auto it = ctx.online.find(p.teammate_id);
      if (it != ctx.online.end() && --it->second <= 0) {
        ctx.online.erase(it);
        publish_presence(ctx, ex, p);
      }
    };
    return cb;
  };
  co_return accept;
}

}  // namespace

void add_agent_socket(http::router& r, api_context& ctx) {
  r.add_websocket("/ws/agent", [&ctx](request& q) { return agent_socket(ctx, q); });
}

}  // namespace switchboard::api
