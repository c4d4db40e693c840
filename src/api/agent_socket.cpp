// GET /ws/agent?token=…: the agent WebSocket. Events of the workspace after
// commit (via the hub), ping/pong, typing, presence.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "common.hpp"
#include "routes.hpp"
#include "socket_frames.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/widget.hpp"

namespace switchboard::api {
namespace {

void publish_presence(api_context& ctx, const principal& p, bool online) {
  ctx.hub.publish(p.workspace_id, "agents", "presence",
                  {{"teammate_id", id_str(p.teammate_id)}, {"online", online}});
}

// An agent typing in a chat conversation: the visitor's widget shows it (with
// the agent's name) when the visitor has a socket open.
void typing_to_visitor(api_context& ctx, asio::any_io_executor ex, const principal& p, id_t cid, bool typing) {
  auto ws = p.workspace_id;
  auto name = p.name;
  asio::co_spawn(
      ex,
      [&ctx, ws, cid, typing, name]() -> asio::awaitable<void> {
        auto job = [ws, cid](store::database& db) {
          std::optional<std::pair<store::id_t, std::optional<std::string>>> out;
          if (auto c = store::conversations::find(db, ws, cid))
            out.emplace(c->contact_id, store::widget::starter_of(db, ws, cid));
          return out;
        };
        auto c = co_await ctx.db.read(std::move(job));
        if (!c || !*c) co_return;
        publish_to_visitors(ctx, ws, (*c)->first, (*c)->second, "typing",
                            {{"conversation_id", id_str(cid)}, {"name", name}, {"typing", typing}});
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
  if (require(p, "typing.send")) {
    send_socket_error(conn, "PERMISSION_DENIED", "viewers cannot type");
    return;
  }
  auto t = read_typing(*msg);
  if (!t.conversation_id) {
    send_socket_error(conn, "INVALID_INPUT", "typing needs conversation_id");
    return;
  }
  ctx.hub.publish(p.workspace_id, "agents", "typing",
                  {{"conversation_id", id_str(*t.conversation_id)},
                   {"teammate_id", id_str(p.teammate_id)},
                   {"name", p.name},
                   {"typing", t.typing}});
  typing_to_visitor(ctx, ex, p, *t.conversation_id, t.typing);
}

asio::awaitable<http::ws_accept> agent_socket(api_context& ctx, request& req) {
  http::ws_accept accept;
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
  accept.on_open = [&ctx, p, ex](std::shared_ptr<http::ws_connection> conn) {
    auto sub = ctx.hub.subscribe(p.workspace_id, "agents", conn);
    conn->send(realtime::event_text(
        "ready", {{"teammate_id", id_str(p.teammate_id)}, {"workspace_id", id_str(p.workspace_id)}, {"role", p.role}}));
    if (ctx.online[p.teammate_id]++ == 0) publish_presence(ctx, p, true);
    http::ws_callbacks cb;
    cb.on_message = [&ctx, p, ex](http::ws_connection& c, std::string_view text) {
      on_agent_message(ctx, p, ex, c, text);
    };
    cb.on_close = [&ctx, p, sub] {
      ctx.hub.unsubscribe(sub);
      auto it = ctx.online.find(p.teammate_id);
      if (it != ctx.online.end() && --it->second <= 0) {
        ctx.online.erase(it);
        publish_presence(ctx, p, false);
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
