#pragma once
// Shared by the widget's REST routes and its WebSocket: visitor authentication
// by wst_ token and the CORS allow-list decision. Private to src/api.
#include <optional>
#include <string>

#include "common.hpp"
#include "switchboard/services/widget_chat.hpp"

namespace switchboard::api {

struct visitor : services::visitor_ref {
  id_t session_id = 0;
  // Set when the token was refreshed on this request (under 25% of its life left).
  std::optional<std::string> new_token, new_expires_at;
};

// The hub topic a visitor's sockets listen on (visitor_topic or anonymous_topic).
std::string socket_topic(const visitor& v);

// The per-address limit of widget requests: a 429 with Retry-After past it.
std::optional<response> ip_limited(api_context& ctx, const request& req);

// Whether a request's Origin may use the workspace's widget: no Origin (not a
// browser), the server's own origin (public_url, or the Host the request was
// sent to) or one on the allow-list.
bool origin_permitted(const api_context& ctx, const request& req, const std::vector<std::string>& allowed);

// Bearer wst_… (or ?token= for the socket). Errors: NOT_AUTHENTICATED (unknown,
// malformed or revoked), SESSION_EXPIRED, NOT_AUTHORIZED (Origin not allowed).
// On success from a browser, marks the request so its answer carries CORS headers.
asio::awaitable<result<visitor>> authenticate_visitor(api_context& ctx, request& req, bool allow_query_token);

}  // namespace switchboard::api
