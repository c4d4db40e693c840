// GET /ws/agent?token=…: the agent WebSocket. Events of the workspace after
// commit (via the hub), ping/pong, typing, presence.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::api {
namespace {

void publish_presence(api_context& ctx, const principal& p, bool online) {
  ctx.hub.publish(p.workspace_id, "agents", "presence",
                  {{"teammate_id", id_str(p.teammate_id)}, {"online", online}});
}

void on_agent_message(api_context& ctx, const principal& p, http::ws_connection& conn,
                      std::string_view text) {
  auto msg = json::parse(text, nullptr, false);
  if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
    conn.send(realtime::event_text("error", {{"code", "INVALID_INPUT"}, {"message", "expected {\"type\":…}"}}));
    return;
  }
  auto type = msg["type"].get<std::string>();
  if (type == "ping") {
    conn.send(std::string(R"({"type":"pong"})"));
  } else if (type == "typing") {
    if (require(p, "typing.send")) {
      conn.send(realtime::event_text("error", {{"code", "PERMISSION_DENIED"}, {"message", "viewers cannot type"}}));
      return;
    }
    auto cid = msg.value("conversation_id", json()).is_string()
                   ? parse_id(msg["conversation_id"].get<std::string>())
                   : std::nullopt;
    if (!cid) {
      conn.send(realtime::event_text("error", {{"code", "INVALID_INPUT"}, {"message", "typing needs conversation_id"}}));
      return;
    }
    ctx.hub.publish(p.workspace_id, "agents", "typing",
                    {{"conversation_id", id_str(*cid)},
                     {"teammate_id", id_str(p.teammate_id)},
                     {"name", p.name},
                     {"typing", !msg.contains("typing") || !msg["typing"].is_boolean() ||
                                    msg["typing"].get<bool>()}});
  } else {
    conn.send(realtime::event_text("error", {{"code", "INVALID_INPUT"}, {"message", "unknown type " + type}}));
  }
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
  accept.on_open = [&ctx, p](std::shared_ptr<http::ws_connection> conn) {
    auto sub = ctx.hub.subscribe(p.workspace_id, "agents", conn);
    conn->send(realtime::event_text(
        "ready", {{"teammate_id", id_str(p.teammate_id)}, {"workspace_id", id_str(p.workspace_id)}, {"role", p.role}}));
    if (ctx.online[p.teammate_id]++ == 0) publish_presence(ctx, p, true);
    http::ws_callbacks cb;
    cb.on_message = [&ctx, p](http::ws_connection& c, std::string_view text) {
      on_agent_message(ctx, p, c, text);
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
