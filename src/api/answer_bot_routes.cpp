// The answer bot's settings (issue 20): GET and PATCH /api/v1/answer_bot/settings,
// for admins (answer_bot.manage). The language model is the installation's
// (answer_bot.llm.* in the configuration): shown, never changed here.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/services/answer_bot.hpp"

namespace switchboard::api {

namespace {

json settings_json(const api_context& ctx, const services::answer_bot_settings& s) {
  json j = to_json(s);
  bool llm = ctx.answer_bot && !ctx.answer_bot->llm_url.empty();
  j["llm"] = {{"configured", llm}, {"model", llm ? json(ctx.answer_bot->llm_model) : json(nullptr)}};
  if (ctx.answer_bot) {
    auto& b = *ctx.answer_bot;
    json handoffs = json::object();
    for (auto& [reason, n] : b.handoffs) handoffs[reason] = n.load();
    // This process's counts since it started (reports come with issue 21).
    j["counters"] = {{"answers", b.answers.load()}, {"resolutions", b.resolutions.load()}, {"handoffs", handoffs}};
  }
  return j;
}

asio::awaitable<response> get_settings(api_context& ctx, request&, const principal& who) {
  auto s = co_await services::answer_bot_settings_of(ctx, who.workspace_id);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, settings_json(ctx, *s));
}

asio::awaitable<response> patch_settings(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ip = req.remote;
  auto s = co_await services::update_answer_bot_settings(ctx, who, ip, *body);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, settings_json(ctx, *s));
}

}  // namespace

void add_answer_bot_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/answer_bot/settings", authorized(ctx, "answer_bot.manage", get_settings));
  r.add("PATCH", "/api/v1/answer_bot/settings", authorized(ctx, "answer_bot.manage", patch_settings));
}

}  // namespace switchboard::api
