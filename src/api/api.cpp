#include "switchboard/api/api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/services/housekeeping.hpp"
#include "switchboard/services/reports.hpp"

namespace switchboard::api {

void add_api_routes(http::router& routes, api_context& ctx) {
  add_auth_routes(routes, ctx);
  add_conversation_routes(routes, ctx);
  add_contact_routes(routes, ctx);
  add_teammate_routes(routes, ctx);
  add_agent_socket(routes, ctx);
  add_webhook_routes(routes, ctx);
  add_number_routes(routes, ctx);
  add_sandbox_routes(routes, ctx);
  add_routing_routes(routes, ctx);
  add_teams_routes(routes, ctx);
  add_widget_routes(routes, ctx);
  add_media_routes(routes, ctx);
  add_article_routes(routes, ctx);
  add_help_routes(routes, ctx);
  add_answer_bot_routes(routes, ctx);
  add_csat_routes(routes, ctx);
  add_report_routes(routes, ctx);
  add_webhook_endpoint_routes(routes, ctx);
  add_widget_socket(routes, ctx);
  add_openapi_routes(routes, ctx);
}

struct snooze_waker::impl {
  impl(asio::io_context& io, api_context& ctx, std::chrono::milliseconds interval)
      : io(io), ctx(ctx), interval(interval), timer(io), backfill_timer(io) {}
  asio::io_context& io;
  api_context& ctx;
  std::chrono::milliseconds interval;
  asio::steady_timer timer;
  asio::steady_timer backfill_timer;
  bool stopped = false;
  std::optional<sys_time> last_visitor_purge;  // by ctx.now, so tests can move time
};

snooze_waker::snooze_waker(asio::io_context& io, api_context& ctx,
                           std::chrono::milliseconds interval)
    : impl_(std::make_shared<impl>(io, ctx, interval)) {}

snooze_waker::~snooze_waker() { stop(); }

namespace {
asio::awaitable<std::size_t> wake_pass(std::shared_ptr<snooze_waker::impl> self) {
  auto& ctx = self->ctx;
  auto now = ctx.now();
  auto at = format_rfc3339(now);
  // Never-used visitors (issue 16 item 12) go at most once an hour, in the same write.
  std::optional<std::string> purge_before;
  if (!self->last_visitor_purge || now - *self->last_visitor_purge >= std::chrono::hours(1)) {
    self->last_visitor_purge = now;
    purge_before = format_rfc3339(now - ctx.widget.anonymous_retention);
  }
  // Woken conversations are published (conversation.updated) by the service after its commit.
  auto done = co_await services::wake_and_purge(ctx, at, purge_before);
  if (!done) {
    spdlog::warn("snooze: wake pass failed: {}", done.err().message);
    co_return 0;
  }
  if (auto& p = done->purged; p.sessions || p.events || p.contacts)
    spdlog::info("widget: purged never-used visitors older than {}: {} sessions, {} events, {} contacts",
                 *purge_before, p.sessions, p.events, p.contacts);
  co_return done->woken;
}
}  // namespace

asio::awaitable<std::size_t> snooze_waker::run_once() { return wake_pass(impl_); }

namespace {
// Reports' history from before the log (schema 26): the leader replays it a few
// conversations per write job, so live writes queue behind one small job at a
// time. An instance that does not lead checks again every interval (a leader
// taking over finishes what another began).
asio::awaitable<void> backfill_loop(std::shared_ptr<snooze_waker::impl> self) {
  constexpr int per_job = 20;
  std::int64_t replayed = 0;
  while (!self->stopped) {
    if (self->ctx.db.leads()) {
      auto n = co_await services::backfill_report_history(self->ctx, per_job);
      if (!n) {
        spdlog::warn("reports: history backfill failed: {}", n.err().message);
      } else if (*n > 0) {
        if (replayed == 0) spdlog::info("reports: replaying conversations from before the reporting log");
        replayed += *n;
        if (replayed % 10000 < per_job) spdlog::info("reports: {} conversations replayed", replayed);
        continue;
      } else {
        // The list only grows when the schema is upgraded, before start: done for
        // this process.
        if (replayed > 0) spdlog::info("reports: history complete, {} conversations replayed", replayed);
        co_return;
      }
    }
    self->backfill_timer.expires_after(self->interval);
    auto [ec] = co_await self->backfill_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}
}  // namespace

void snooze_waker::start() {
  auto self = impl_;
  asio::co_spawn(impl_->io, backfill_loop(self), [](std::exception_ptr e) {
    if (e) spdlog::error("reports: history backfill stopped by an exception");
  });
  asio::co_spawn(
      impl_->io,
      [self]() -> asio::awaitable<void> {
        while (!self->stopped) {
          self->timer.expires_after(self->interval);
          auto [ec] = co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
          if (ec || self->stopped) co_return;
          // Several instances on one PostgreSQL: only the leader wakes and purges.
          if (!self->ctx.db.leads()) continue;
          co_await wake_pass(self);
        }
      },
      [](std::exception_ptr e) {
        if (e) spdlog::error("snooze waker stopped by an exception");
      });
}

void snooze_waker::stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
  impl_->backfill_timer.cancel();
}

}  // namespace switchboard::api
