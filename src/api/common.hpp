#pragma once
// Shared by the API handlers: authentication, permission checks, id and cursor
// parsing, JSON shapes. Private to src/api.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "switchboard/api/api.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/http/message.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::api {

namespace asio = boost::asio;
using json = nlohmann::json;
using http::request;
using http::response;
using store::id_t;
using store::principal;
// The wire shapes of rows and the clock's text, shared with the services.
using services::id_str;
using services::now_text;
using services::opt_id;
using services::opt_str;
using services::to_json;

// Bearer token from Authorization (or, for WebSockets, the token query parameter).
// The token of "Authorization: Bearer …", else (when allowed, for WebSockets) of ?token=; or "".
std::string bearer_token(const request& req, bool allow_query_token);
// Every parameter of a raw query decodes to clean UTF-8 text with no control
// characters, and every %-escape is well formed; else INVALID_INPUT.
std::optional<error> check_query(std::string_view query);
asio::awaitable<result<principal>> authenticate(api_context& ctx, const request& req,
                                                bool allow_query_token = false);
// The role's permission, and for an API key also its scope (read / write, manage_keys).
std::optional<error> require(const principal& who, std::string_view permission);

// Which credential a teammate's socket belongs to, for ctx.sockets.
using socket_owner_info = realtime::socket_owner;
socket_owner_info socket_owner_of(const principal& who);

// Typing and presence go through ctx.ephemeral: `publish` runs now when the
// key (sender and conversation) sent nothing in the last second; otherwise it
// becomes the key's pending state, run when the second is over (issue 16 item 9).
void offer_ephemeral(api_context& ctx, asio::any_io_executor ex, std::string key, std::function<void()> publish);
// authenticate + require in one step.
asio::awaitable<result<principal>> authorize(api_context& ctx, const request& req,
                                             std::string_view permission);

// A handler that runs once the caller is known: the route wrappers below answer
// the refusals, so the handler starts with its own work.
using principal_handler =
    std::function<asio::awaitable<response>(api_context&, request&, const principal&)>;
// The route's handler: authorize(permission) (authentication, the role's permission,
// an API key's scope), answering a refusal with its code, then fn. The name must be
// one of auth::all_permissions(): an unknown one throws here, at registration,
// rather than refusing every request.
http::handler authorized(api_context& ctx, std::string_view permission, principal_handler fn);
// authenticate only, then fn: for a handler whose permission depends on the
// request (its body, or whose id it names), which then calls require itself.
http::handler authenticated(api_context& ctx, principal_handler fn);

std::optional<id_t> parse_id(std::string_view text);

// Opaque keyset cursors.
std::string make_cursor(id_t id);
std::optional<id_t> parse_cursor(std::string_view text);
// The cursor query parameter: absent, or a valid cursor (INVALID_INPUT otherwise).
result<std::optional<id_t>> cursor_param(const request& req);
// limit query parameter: default 25, 1..100; error for junk.
result<int> parse_limit(const request& req);
// A keyset page's query (limit and cursor) read together; error for junk in either.
struct page_query {
  int limit = 25;
  std::optional<id_t> after;
};
result<page_query> parse_page(const request& req);
// The next page's cursor: the last row's id when the page came back full.
template <class Row>
std::optional<std::string> next_cursor(const std::vector<Row>& rows, int limit) {
  if (rows.empty() || static_cast<int>(rows.size()) != limit) return std::nullopt;
  return make_cursor(rows.back().id);
}


// Reads a JSON object body or returns INVALID_INPUT.
result<json> object_body(const request& req);
// A request's JSON object body read into T, a request DTO whose
// `static result<T> from_json(const json&, args...)` checks every field in the
// order the API has always reported them. The body's own errors come first.
template <class T, class... Args>
result<T> read_body(const request& req, const Args&... args) {
  auto body = object_body(req);
  if (!body) return body.err();
  return T::from_json(*body, args...);
}
// Optional typed fields: a wrong type is INVALID_FORMAT naming the field.
// "media_ids": ["12", …] (ids as strings, as every id in JSON): at most 10; absent or null is none.
result<std::vector<id_t>> media_ids_of(const json& body);
result<std::optional<std::string>> opt_string(const json& body, const char* field);
// An optional id field: absent, null (clear), or a string/number id.
result<std::optional<std::optional<id_t>>> id_field(const json& body, const char* field);
response page(json items, std::optional<std::string> next_cursor);
// Maps a store error (CONFLICT from a unique index) to the API's code.
response store_error(const error& e, std::string_view conflict_message = "already exists");


}  // namespace switchboard::api
