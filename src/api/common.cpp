#include "common.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>

#include "switchboard/auth/permissions.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/services/auth.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::api {


std::string bearer_token(const request& req, bool allow_query_token) {
  if (auto h = req.headers.get("Authorization")) {
    std::string_view v = *h;
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer "))
      return std::string(v.substr(7));
  }
  return allow_query_token ? req.query_param("token").value_or("") : std::string();
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF) and
// no control characters: what SQLite and FTS5 are handed must never surprise them.
bool clean_text(std::string_view s) {
  if (!valid_utf8(s)) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7f) return false;
    // C1 controls (U+0080..U+009F) are C2 80..C2 9F; in valid UTF-8, C2 is always a lead byte.
    if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) return false;
  }
  return true;
}

}  // namespace

std::optional<error> check_query(std::string_view query) {
  if (query.size() > 8192) return error{"INVALID_INPUT", "the query string is too long"};
  // Decoded the way request::query_param decodes it ('+' is a space), then checked.
  std::string part;
  auto check = [&]() -> std::optional<error> {
    if (!clean_text(part))
      return error{"INVALID_INPUT", "query parameters must be UTF-8 text without control characters"};
    part.clear();
    return std::nullopt;
  };
  for (std::size_t i = 0; i < query.size(); ++i) {
    char c = query[i];
    if (c == '&' || c == '=') {
      if (auto e = check()) return e;
    } else if (c == '%') {
      int hi = i + 2 < query.size() ? hex_value(query[i + 1]) : -1;
      int lo = i + 2 < query.size() ? hex_value(query[i + 2]) : -1;
      if (hi < 0 || lo < 0) return error{"INVALID_INPUT", "the query string has a malformed %-escape"};
      part += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      part += c == '+' ? ' ' : c;
    }
  }
  return check();
}

asio::awaitable<result<principal>> authenticate(api_context& ctx, const request& req,
                                                bool allow_query_token) {
  // Every query parameter of every authenticated route: bad input is a 400, never
  // a 500 from deeper down (a NUL in a search reached FTS5; issue 16 item 13).
  if (auto e = check_query(req.query)) co_return *e;
  auto token = bearer_token(req, allow_query_token);
  if (token.empty() || token.size() > 200)
    co_return error{"NOT_AUTHENTICATED", "a Bearer token is required"};
  auto hash = sha256_hex(token);
  auto found = co_await services::find_credential(ctx, hash);
  if (!found) co_return error{"INTERNAL", "token lookup failed"};
  if (!*found) co_return error{"NOT_AUTHENTICATED", "invalid or revoked token"};
  auto& t = **found;
  if (t.expires_at && *t.expires_at <= now_text(ctx))
    co_return error{"SESSION_EXPIRED", "the session has expired; log in again"};
  // A read key changes nothing, whichever handler the request reaches (issue 16 item 11).
  if (t.who.via_api_key && t.who.key_scope != "write" && req.method != "GET" && req.method != "HEAD")
    co_return error{"PERMISSION_DENIED", "this API key is read-only"};
  co_return t.who;
}

namespace {
// What a read-only key may still use: reading, exporting, the event stream.
bool reads_only(std::string_view permission) {
  return permission.ends_with(".read") || permission.ends_with(".export") || permission == "events.subscribe";
}
}  // namespace

std::optional<error> require(const principal& who, std::string_view permission) {
  if (!auth::allows(who.role, permission))
    return error{"PERMISSION_DENIED",
                 "your role (" + who.role + ") lacks the permission " + std::string(permission)};
  // An API key never exceeds its creator's role (above) nor its own scope.
  if (who.via_api_key) {
    if (permission == "api_keys.manage" && !who.key_manage)
      return error{"PERMISSION_DENIED", "this API key may not manage API keys"};
    if (who.key_scope != "write" && permission != "api_keys.manage" && !reads_only(permission))
      return error{"PERMISSION_DENIED", "this API key is read-only"};
  }
  return std::nullopt;
}

socket_owner_info socket_owner_of(const principal& who) {
  return {who.workspace_id, who.teammate_id,
          std::string(who.via_api_key ? "api_key:" : "session:") + std::to_string(who.credential_id)};
}

void offer_ephemeral(api_context& ctx, asio::any_io_executor ex, std::string key, std::function<void()> publish) {
  auto d = ctx.ephemeral.offer(key, publish, std::chrono::steady_clock::now());
  if (d.run_now) {
    publish();
    return;
  }
  if (!d.schedule) return;  // a flush is already due: it takes the newest state
  auto timer = std::make_shared<asio::steady_timer>(ex, d.at);
  timer->async_wait([&ctx, timer, key = std::move(key)](boost::system::error_code ec) {
    if (ec) return;
    if (auto due = ctx.ephemeral.take_due(key, std::chrono::steady_clock::now())) due();
  });
}

asio::awaitable<result<principal>> authorize(api_context& ctx, const request& req,
                                             std::string_view permission) {
  auto who = co_await authenticate(ctx, req);
  if (!who) co_return who.err();
  if (auto e = require(*who, permission)) co_return *e;
  co_return *who;
}

namespace {

// What a wrapped route keeps: shared, so each request's coroutine holds it by
// value and never points into the router's copy of the lambda.
struct guarded_route {
  std::string permission;  // empty: authentication only
  principal_handler fn;
};

// The caller, allowed `permission` when it names one.
asio::awaitable<result<principal>> caller(api_context& ctx, const request& req, std::string_view permission) {
  if (permission.empty()) co_return co_await authenticate(ctx, req);
  co_return co_await authorize(ctx, req, permission);
}

asio::awaitable<response> run_guarded(api_context& ctx, request& req, std::shared_ptr<const guarded_route> route) {
  auto who = co_await caller(ctx, req, route->permission);
  if (!who) co_return response::from(who.err());
  co_return co_await route->fn(ctx, req, *who);
}

}  // namespace

http::handler authorized(api_context& ctx, std::string_view permission, principal_handler fn) {
  auto& known = auth::all_permissions();
  if (std::find(known.begin(), known.end(), permission) == known.end())
    throw std::invalid_argument("authorized: unknown permission " + std::string(permission));
  auto route = std::make_shared<const guarded_route>(guarded_route{std::string(permission), std::move(fn)});
  return [&ctx, route](request& req) { return run_guarded(ctx, req, route); };
}

http::handler authenticated(api_context& ctx, principal_handler fn) {
  auto route = std::make_shared<const guarded_route>(guarded_route{std::string(), std::move(fn)});
  return [&ctx, route](request& req) { return run_guarded(ctx, req, route); };
}

result<std::optional<id_t>> cursor_param(const request& req) {
  auto c = req.query_param("cursor");
  if (!c) return std::optional<id_t>();
  auto id = parse_cursor(*c);
  if (!id) return error{"INVALID_INPUT", "bad cursor"};
  return std::optional<id_t>(*id);
}

std::optional<id_t> parse_id(std::string_view text) {
  id_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

std::string make_cursor(id_t id) {
  std::string out = "c";  // not `"c" + std::to_string(id)`: a GCC 12 -Wrestrict false positive
  out += std::to_string(id);
  return out;
}
std::optional<id_t> parse_cursor(std::string_view text) {
  if (text.size() < 2 || text.front() != 'c') return std::nullopt;
  return parse_id(text.substr(1));
}

result<int> parse_limit(const request& req) {
  auto v = req.query_param("limit");
  if (!v) return 25;
  auto n = parse_id(*v);
  if (!n || *n > 100) return error{"INVALID_INPUT", "limit must be a number from 1 to 100"};
  return static_cast<int>(*n);
}

result<page_query> parse_page(const request& req) {
  auto limit = parse_limit(req);
  if (!limit) return limit.err();
  auto after = cursor_param(req);
  if (!after) return after.err();
  return page_query{*limit, *after};
}

result<json> object_body(const request& req) {
  auto j = req.json_body();
  if (!j) return j.err();
  if (!j->is_object()) return error{"INVALID_INPUT", "the request body must be a JSON object"};
  return std::move(*j);
}

result<std::vector<id_t>> media_ids_of(const json& body) {
  std::vector<id_t> ids;
  auto it = body.find("media_ids");
  if (it == body.end() || it->is_null()) return ids;
  if (!it->is_array()) return error{"INVALID_FORMAT", "media_ids must be an array of ids"};
  if (it->size() > 10) return error{"INVALID_INPUT", "a message carries at most 10 attachments"};
  for (auto& v : *it) {
    std::optional<id_t> id;
    if (v.is_string()) id = parse_id(v.get<std::string>());
    else if (v.is_number_unsigned()) id = v.get<id_t>();
    if (!id) return error{"INVALID_FORMAT", "media_ids must be an array of ids"};
    ids.push_back(*id);
  }
  return ids;
}

result<std::optional<std::string>> opt_string(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return error{"INVALID_FORMAT", std::string(field) + " must be a string"};
  return std::optional<std::string>(it->get<std::string>());
}

result<std::optional<std::optional<id_t>>> id_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) return std::optional<std::optional<id_t>>();
  if (it->is_null()) return std::optional<std::optional<id_t>>(std::optional<id_t>());
  std::optional<id_t> id;
  if (it->is_string()) id = parse_id(it->get<std::string>());
  if (it->is_number_integer() && it->get<std::int64_t>() > 0) id = it->get<std::int64_t>();
  if (!id) return error{"INVALID_FORMAT", std::string(field) + " must be an id"};
  return std::optional<std::optional<id_t>>(id);
}

response page(json items, std::optional<std::string> next_cursor) {
  return response::json(200, {{"items", std::move(items)},
                              {"next_cursor", next_cursor ? json(*next_cursor) : json(nullptr)}});
}

response store_error(const error& e, std::string_view conflict_message) {
  if (e.code == "CONFLICT") return response::error(409, "ALREADY_EXISTS", conflict_message);
  if (e.code == "NOT_FOUND" || e.code == "INVALID_INPUT" || e.code == "PERMISSION_DENIED" ||
      e.code == "CONFLICT_STATE" || e.code == "OPTED_OUT")
    return response::from(e.code == "CONFLICT_STATE" ? error{"CONFLICT", e.message} : e);
  return response::error(500, "INTERNAL", "the change could not be saved");
}

}  // namespace switchboard::api
