#include "switchboard/app/system_routes.hpp"

#include <nlohmann/json.hpp>

#include "switchboard/app/app.hpp"
#include "switchboard/core/digest.hpp"
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

  routes.add("GET", "/metrics", [&a](http::request& req) -> boost::asio::awaitable<http::response> {
    // The series name workspaces and teams (by id) and their figures: with
    // metrics.token set, only a scraper that has it reads them.
    if (auto& token = a.cfg().metrics_token; !token.empty()) {
      std::string_view presented = req.headers.get("Authorization").value_or(std::string_view());
      bool bearer = presented.size() > 7 && (presented.substr(0, 7) == "Bearer " || presented.substr(0, 7) == "bearer ");
      if (!bearer || !equal_constant_time(presented.substr(7), token)) {
        auto denied = http::response::error(401, "NOT_AUTHENTICATED", "GET /metrics needs the Bearer token of metrics.token");
        denied.headers.set("WWW-Authenticate", "Bearer");
        co_return denied;
      }
    }
    // The reporting series come from the store (a read job, never on this thread).
    auto reports = co_await a.db().read([](store::unit_of_work& uow) { return services::render_report_metrics(uow); });
    co_return http::response::text(200, a.stats().render() + a.answer_bot().render_metrics() + (reports ? *reports : std::string()),
                                   "text/plain; version=0.0.4");
  });
}

}  // namespace switchboard::app
