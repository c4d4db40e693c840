#include "switchboard/app/system_routes.hpp"

#include <nlohmann/json.hpp>

#include "switchboard/app/app.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::app {

void add_system_routes(http::router& routes, app& a) {
  routes.add("GET", "/healthz", [](http::request&) -> boost::asio::awaitable<http::response> {
    // Hit by load balancers every few seconds: a constant body, no JSON building.
    co_return http::response::text(200, R"({"status":"ok"})", "application/json");
  });

  routes.add("GET", "/readyz", [&a](http::request&) -> boost::asio::awaitable<http::response> {
    if (a.stopping()) co_return http::response::json(503, {{"status", "stopping"}});
    auto r = co_await a.db().read([](store::unit_of_work& uow) { return uow.workspaces().answers(); });
    if (!r || !*r) co_return http::response::json(503, {{"status", "store unavailable"}});
    co_return http::response::json(200, {{"status", "ready"}});
  });

  routes.add("GET", "/metrics", [&a](http::request&) -> boost::asio::awaitable<http::response> {
    // The reporting series come from the store (a read job, never on this thread).
    auto reports = co_await a.db().read([](store::unit_of_work& uow) { return services::render_report_metrics(uow); });
    co_return http::response::text(200, a.stats().render() + a.answer_bot().render_metrics() + (reports ? *reports : std::string()),
                                   "text/plain; version=0.0.4");
  });
}

}  // namespace switchboard::app
