// Attachments (issue 18): POST /api/v1/media stores a teammate's upload (raw bytes,
// Content-Type, ?name=) that a message then carries in media_ids; GET
// /api/v1/media/{id} answers teammates of the workspace, a widget visitor (Bearer
// wst_…) for their own conversations, and a carrier holding a signed, expiring URL.
#include "media_common.hpp"
#include "routes.hpp"
#include "widget_common.hpp"
#include "switchboard/routing/media.hpp"

namespace switchboard::api {

response media_response(services::media_body m) {
  response res;
  res.status = 200;
  res.content_type = m.item.content_type;
  res.body = std::move(m.bytes);
  res.headers.add("Content-Disposition", routing::media_disposition(m.item.content_type, m.item.name));
  res.headers.add("X-Content-Type-Options", "nosniff");
  res.headers.add("Content-Security-Policy", "default-src 'none'; sandbox");
  res.headers.add("Cache-Control", "private, max-age=3600");
  return res;
}

namespace {

asio::awaitable<response> upload_media(api_context& ctx, request& req, const principal& who) {
  services::upload u{std::move(req.body), std::string(req.headers.get("Content-Type").value_or("")),
                     req.query_param("name").value_or("")};
  auto m = co_await services::upload_by_teammate(ctx, who, std::move(u));
  if (!m) co_return response::from(m.err());
  co_return response::json(201, services::media_json(*m));
}

asio::awaitable<response> get_media(api_context& ctx, request& req) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "attachment not found");
  // A carrier fetching an outbound MMS: the URL itself is the credential.
  if (auto signature = req.query_param("signature")) {
    auto ws = parse_id(req.query_param("workspace").value_or(""));
    if (!ws) co_return response::error(403, "NOT_AUTHORIZED", "this link is not valid or has expired");
    // Named: a temporary inside the co_await is destroyed twice by GCC 12.
    std::string expires = req.query_param("expires").value_or("");
    std::string sig = *signature;
    auto m = co_await services::media_for_signed_url(ctx, *ws, *id, std::move(expires), std::move(sig));
    if (!m) co_return response::from(m.err());
    co_return media_response(std::move(*m));
  }
  auto auth = req.headers.get("Authorization").value_or("");
  if (auth.size() > 11 && auth.substr(7, 4) == "wst_") {  // "Bearer wst_…": a widget visitor
    auto v = co_await authenticate_visitor(ctx, req, false);
    if (!v) co_return response::from(v.err());
    auto m = co_await services::media_for_visitor(ctx, *v, *id);
    if (!m) co_return response::from(m.err());
    co_return media_response(std::move(*m));
  }
  auto who = co_await authorize(ctx, req, "conversations.read");
  if (!who) co_return response::from(who.err());
  auto m = co_await services::media_for_teammate(ctx, who->workspace_id, *id);
  if (!m) co_return response::from(m.err());
  co_return media_response(std::move(*m));
}

}  // namespace

void add_media_routes(http::router& r, api_context& ctx) {
  r.add("POST", "/api/v1/media", authorized(ctx, "conversations.reply", upload_media),
        http::route_options{static_cast<std::size_t>(ctx.media.max_bytes)});
  r.add("GET", "/api/v1/media/{id}", [&ctx](request& q) { return get_media(ctx, q); });
}

}  // namespace switchboard::api
