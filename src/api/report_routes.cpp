// Reports (issue 21): GET /api/v1/reports/summary, /timeseries, /conversations and
// /conversations.csv for those allowed reports.read; GET and PATCH
// /api/v1/reports/settings (the workspace's report time zone and schedule) for
// reports.manage. The figures are services/reports.cpp's.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/services/reports.hpp"

namespace switchboard::api {

namespace {

constexpr int page_default = 25, page_max = 100;

result<services::report_query> query_of(request& req) {
  std::map<std::string, std::string> params;
  for (const char* name : {"from", "to", "business_hours", "group_by", "team_id", "teammate_id", "number_id",
                           "channel", "label"})
    if (auto v = req.query_param(name)) params[name] = std::string(*v);
  return services::read_report_query(params);
}

asio::awaitable<response> summary(api_context& ctx, request& req, const principal& who) {
  auto q = query_of(req);
  if (!q) co_return response::from(q.err());
  auto out = co_await services::report_summary(ctx, who.workspace_id, *q);
  if (!out) co_return store_error(out.err());
  co_return response::json(200, *out);
}

asio::awaitable<response> timeseries(api_context& ctx, request& req, const principal& who) {
  auto q = query_of(req);
  if (!q) co_return response::from(q.err());
  auto out = co_await services::report_timeseries(ctx, who.workspace_id, *q);
  if (!out) co_return store_error(out.err());
  co_return response::json(200, *out);
}

asio::awaitable<response> conversations(api_context& ctx, request& req, const principal& who) {
  auto q = query_of(req);
  if (!q) co_return response::from(q.err());
  int limit = page_default;
  if (auto l = req.query_param("limit")) {
    auto n = parse_id(std::string(*l));
    if (!n || *n > page_max) co_return response::error(400, "INVALID_INPUT", "limit: must be 1 to 100");
    limit = static_cast<int>(*n);
  }
  auto event = std::string(req.query_param("event").value_or(""));
  auto cursor = std::string(req.query_param("cursor").value_or(""));
  auto out = co_await services::report_conversations(ctx, who.workspace_id, *q, event, cursor, limit);
  if (!out) co_return store_error(out.err());
  co_return response::json(200, *out);
}

asio::awaitable<response> conversations_csv(api_context& ctx, request& req, const principal& who) {
  auto q = query_of(req);
  if (!q) co_return response::from(q.err());
  auto event = std::string(req.query_param("event").value_or(""));
  auto csv = co_await services::report_conversations_csv(ctx, who.workspace_id, *q, event);
  if (!csv) co_return store_error(csv.err());
  auto r = response::text(200, std::move(*csv), "text/csv; charset=utf-8");
  r.headers.add("Content-Disposition",
                "attachment; filename=\"conversations-" + q->from + "-to-" + q->to + ".csv\"");
  co_return r;
}

asio::awaitable<response> get_settings(api_context& ctx, request&, const principal& who) {
  auto s = co_await services::report_settings_of(ctx, who.workspace_id);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, services::to_json(*s));
}

asio::awaitable<response> patch_settings(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ip = req.remote;
  auto s = co_await services::update_report_settings(ctx, who, ip, *body);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, services::to_json(*s));
}

}  // namespace

void add_report_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/reports/summary", authorized(ctx, "reports.read", summary));
  r.add("GET", "/api/v1/reports/timeseries", authorized(ctx, "reports.read", timeseries));
  r.add("GET", "/api/v1/reports/conversations", authorized(ctx, "reports.read", conversations));
  r.add("GET", "/api/v1/reports/conversations.csv", authorized(ctx, "reports.read", conversations_csv));
  r.add("GET", "/api/v1/reports/settings", authorized(ctx, "reports.read", get_settings));
  r.add("PATCH", "/api/v1/reports/settings", authorized(ctx, "reports.manage", patch_settings));
}

}  // namespace switchboard::api
