// Line owners' routing settings and the undeliverable log over the unit of work
// (issue 17: these jobs used to sit in api/routing_routes.cpp and api/webhook_routes.cpp).
#include "switchboard/services/line_routing.hpp"

#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<bool>> line_owner_exists(context& ctx, id_t ws, std::string kind, id_t id) {
  auto job = [ws, kind, id](store::unit_of_work& uow) {
    return kind == "teammate" ? uow.teammates().find(ws, id).has_value() : uow.teams().find(ws, id).has_value();
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::routing::line_settings>> line_settings_of(context& ctx, id_t ws, std::string kind,
                                                                       id_t id) {
  auto job = [ws, kind, id](store::unit_of_work& uow) { return uow.routing().settings_of(ws, kind, id); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::routing::line_settings>> update_line_settings(context& ctx, id_t ws, std::string kind,
                                                                           id_t id, store::routing::settings_patch p) {
  auto at = now_text(ctx);
  auto job = [ws, kind, id, p, at](store::unit_of_work& uow) {
    uow.routing().update_settings(ws, kind, id, p, at);
    return uow.routing().settings_of(ws, kind, id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<store::routing::undeliverable>>> list_undeliverable(context& ctx, id_t ws,
                                                                                      std::optional<id_t> before,
                                                                                      int limit) {
  auto job = [ws, before, limit](store::unit_of_work& uow) {
    return uow.routing().list_undeliverable(ws, before, limit);
  };
  co_return co_await ctx.db.read(std::move(job));
}

}  // namespace switchboard::services
