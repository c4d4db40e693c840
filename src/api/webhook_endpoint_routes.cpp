// Outbound webhook endpoints (issue 21): /api/v1/webhooks and their deliveries,
// replay, secret rotation and a test event, for admins (webhooks.manage). The
// carriers' inbound webhooks are webhook_routes.cpp.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/routing/webhooks.hpp"
#include "switchboard/services/webhooks.hpp"

namespace switchboard::api {

namespace {

constexpr std::string_view not_found = "webhook endpoint not found";

json endpoint_json(const store::webhooks::endpoint& e, bool with_secret) {
  auto j = services::to_json(e);
  if (with_secret) j["secret"] = e.secret;
  return j;
}

asio::awaitable<response> list_endpoints(api_context& ctx, request&, const principal& who) {
  auto rows = co_await services::list_webhook_endpoints(ctx, who.workspace_id);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& e : *rows) items.push_back(endpoint_json(e, false));
  co_return response::json(200, {{"items", items}, {"event_types", routing::webhook_event_types()}});
}

asio::awaitable<response> create_endpoint(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto in = services::read_webhook_endpoint_input(*body, true);
  if (!in) co_return response::from(in.err());
  auto ip = req.remote;
  auto e = co_await services::create_webhook_endpoint(ctx, who, ip, std::move(*in));
  if (!e) co_return store_error(e.err());
  co_return response::json(201, endpoint_json(*e, true));
}

asio::awaitable<response> get_endpoint(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto e = co_await services::get_webhook_endpoint(ctx, who.workspace_id, *id);
  if (!e) co_return store_error(e.err());
  co_return response::json(200, endpoint_json(*e, false));
}

asio::awaitable<response> patch_endpoint(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto in = services::read_webhook_endpoint_input(*body, false);
  if (!in) co_return response::from(in.err());
  auto ip = req.remote;
  auto e = co_await services::update_webhook_endpoint(ctx, who, ip, *id, std::move(*in));
  if (!e) co_return store_error(e.err());
  co_return response::json(200, endpoint_json(*e, false));
}

asio::awaitable<response> delete_endpoint(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto ip = req.remote;
  auto r = co_await services::delete_webhook_endpoint(ctx, who, ip, *id);
  if (!r) co_return store_error(r.err());
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> rotate_secret(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto ip = req.remote;
  auto e = co_await services::rotate_webhook_secret(ctx, who, ip, *id);
  if (!e) co_return store_error(e.err());
  co_return response::json(200, endpoint_json(*e, true));
}

asio::awaitable<response> list_deliveries(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto pq = parse_page(req);
  if (!pq) co_return response::from(pq.err());
  store::webhooks::delivery_filter f;
  f.limit = pq->limit;
  f.before = pq->after;
  if (auto s = req.query_param("status")) {
    if (*s != "pending" && *s != "succeeded" && *s != "failed")
      co_return response::error(400, "INVALID_INPUT", "status: pending, succeeded or failed");
    f.status = std::string(*s);
  }
  auto page = co_await services::list_webhook_deliveries(ctx, who.workspace_id, *id, f);
  if (!page) co_return store_error(page.err());
  json items = json::array();
  for (auto& d : page->items) items.push_back(services::to_json(d, false));
  json next = page->more ? json(make_cursor(page->items.back().id)) : json(nullptr);
  co_return response::json(200, {{"items", items}, {"next_cursor", next}});
}

asio::awaitable<response> get_delivery(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  auto did = parse_id(req.params.at("delivery_id"));
  if (!id || !did) co_return response::error(404, "NOT_FOUND", "delivery not found");
  auto d = co_await services::get_webhook_delivery(ctx, who.workspace_id, *id, *did);
  if (!d) co_return store_error(d.err());
  co_return response::json(200, services::to_json(*d, true));
}

asio::awaitable<response> replay_delivery(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  auto did = parse_id(req.params.at("delivery_id"));
  if (!id || !did) co_return response::error(404, "NOT_FOUND", "delivery not found");
  auto d = co_await services::replay_webhook_delivery(ctx, who.workspace_id, *id, *did);
  if (!d) co_return store_error(d.err());
  co_return response::json(202, services::to_json(*d, false));
}

// {"since": RFC 3339}: every failed delivery created since then is sent again.
asio::awaitable<response> replay_failed(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto it = body->find("since");
  if (it == body->end() || !it->is_string() || !parse_rfc3339(it->get<std::string>()))
    co_return response::error(400, "INVALID_INPUT", "since: an RFC 3339 time");
  auto since = format_rfc3339(*parse_rfc3339(it->get<std::string>()));
  auto n = co_await services::replay_failed_webhooks(ctx, who.workspace_id, *id, since);
  if (!n) co_return store_error(n.err());
  co_return response::json(202, {{"replayed", *n}});
}

asio::awaitable<response> send_test(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", not_found);
  auto d = co_await services::send_test_webhook(ctx, who.workspace_id, *id);
  if (!d) co_return store_error(d.err());
  co_return response::json(202, services::to_json(*d, false));
}

}  // namespace

void add_webhook_endpoint_routes(http::router& r, api_context& ctx) {
  const char* manage = "webhooks.manage";
  r.add("GET", "/api/v1/webhooks", authorized(ctx, manage, list_endpoints));
  r.add("POST", "/api/v1/webhooks", authorized(ctx, manage, create_endpoint));
  r.add("GET", "/api/v1/webhooks/{id}", authorized(ctx, manage, get_endpoint));
  r.add("PATCH", "/api/v1/webhooks/{id}", authorized(ctx, manage, patch_endpoint));
  r.add("DELETE", "/api/v1/webhooks/{id}", authorized(ctx, manage, delete_endpoint));
  r.add("POST", "/api/v1/webhooks/{id}/rotate", authorized(ctx, manage, rotate_secret));
  r.add("POST", "/api/v1/webhooks/{id}/test", authorized(ctx, manage, send_test));
  r.add("POST", "/api/v1/webhooks/{id}/replay", authorized(ctx, manage, replay_failed));
  r.add("GET", "/api/v1/webhooks/{id}/deliveries", authorized(ctx, manage, list_deliveries));
  r.add("GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}", authorized(ctx, manage, get_delivery));
  r.add("POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay", authorized(ctx, manage, replay_delivery));
}

}  // namespace switchboard::api
