#pragma once
// Client frames shared by /ws/agent and /ws/widget: {"type": …} objects.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/realtime/hub.hpp"

namespace switchboard::api {

inline void send_socket_error(http::ws_connection& conn, std::string_view code, const std::string& message) {
  conn.send(realtime::event_text("error", {{"code", code}, {"message", message}}));
}

// The frame, when it is one the caller must handle. A malformed frame gets an
// error event and a "ping" its "pong" here; both return nullopt.
inline std::optional<nlohmann::json> socket_frame(http::ws_connection& conn, std::string_view text) {
  auto msg = nlohmann::json::parse(text, nullptr, false);
  if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
    send_socket_error(conn, "INVALID_INPUT", "expected {\"type\":…}");
    return std::nullopt;
  }
  if (msg["type"] == "ping") {
    conn.send(std::string(R"({"type":"pong"})"));
    return std::nullopt;
  }
  return msg;
}

// {"type":"typing","conversation_id":"12","typing":false}; typing defaults to true.
struct typing_frame {
  std::optional<id_t> conversation_id;
  bool typing = true;
};
inline typing_frame read_typing(const nlohmann::json& msg) {
  typing_frame t;
  if (auto it = msg.find("conversation_id"); it != msg.end() && it->is_string())
    t.conversation_id = parse_id(it->get<std::string>());
  if (auto it = msg.find("typing"); it != msg.end() && it->is_boolean()) t.typing = it->get<bool>();
  return t;
}

}  // namespace switchboard::api
