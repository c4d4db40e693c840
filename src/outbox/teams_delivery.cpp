#include "teams_delivery.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "switchboard/services/context.hpp"
#include "switchboard/outbox/retry.hpp"
#include "switchboard/teams/cards.hpp"
#include "switchboard/teams/delivery.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::outbox {

using nlohmann::json;
using store::id_t;


std::optional<teams_send> lease_teams_row(store::unit_of_work& uow, id_t outbox_id, id_t ws,
                                          const std::string& kind, const json& payload,
                                          int attempts, bool enabled, const std::string& at,
                                          const std::string& lease_until,
                                          const std::string& later) {
  auto fail = [&](const std::string& why) {
    uow.outbox().settle(outbox_id, "failed", why, at, at, true);
    return std::nullopt;
  };
  if (!enabled) return fail("Teams is not configured (teams.app_id is empty)");
  if (!payload.is_object() || !payload.contains("activity")) return fail("malformed payload");
  teams_send s{outbox_id, ws, attempts, kind, 0, "", nullptr};
  auto thread_row = payload.value("thread", id_t{0});
  std::optional<store::teams::thread> th;
  if (thread_row) {
    th = uow.teams_links().find_thread(ws, thread_row);
    if (!th) return fail("the conversation's Teams thread no longer exists");
  }
  if (kind == teams::create_thread_kind) {
    if (!th) return fail("malformed payload");
    s.thread_row = th->id;
    s.url = teams::conversations_url(th->service_url);
    s.body = teams::new_thread(th->channel_id, th->tenant_id, payload["activity"]);
  } else if (th) {
    if (th->status == "failed") return fail("the conversation's Teams thread could not be created");
    if (!th->thread_id) {
      // Posted before its thread exists: try again shortly, without using up an attempt.
      uow.outbox().settle(outbox_id, "pending", std::string("waiting for the thread"), later, at, false);
      return std::nullopt;
    }
    s.url = teams::activities_url(th->service_url, *th->thread_id);
    s.body = payload["activity"];
  } else {
    // An answer to a teammate: the conversation (and activity) they wrote in.
    auto service_url = payload.value("service_url", std::string());
    auto conversation = payload.value("conversation", std::string());
    if (service_url.empty() || conversation.empty()) return fail("malformed payload");
    s.url =
        teams::activities_url(service_url, conversation, payload.value("reply_to", std::string()));
    s.body = payload["activity"];
  }
  uow.outbox().lease(outbox_id, lease_until, at);
  return s;
}

boost::asio::awaitable<void> deliver_teams(services::context& ctx, http::outbound_client& client,
                                           teams::token_source& tokens, const teams_send& send,
                                           std::chrono::milliseconds retry_base) {
  outcome o;
  auto token = co_await tokens.get();
  if (!token) {
    o.what = outcome::kind::retry;
    o.error = token.err().message;
  } else {
    http::outbound_request req;
    req.url = send.url;
    req.headers = {{"Authorization", "Bearer " + *token},
                   {"Content-Type", "application/json"},
                   {"Accept", "application/json"}};
    req.body = send.body.dump();
    auto answer = co_await client.request(req);
    if (answer) {
      o = teams::classify_connector_response(answer->status, answer->body);
      if (answer->status == 401 || answer->status == 403) tokens.invalidate();
    } else {
      o.what = outcome::kind::retry;
      o.error = answer.err().message;
    }
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  int attempt = send.attempts + 1;
  if (o.what == outcome::kind::retry && attempt >= max_attempts) o.what = outcome::kind::failed;
  auto delay = backoff(attempt, retry_base, std::chrono::minutes(10),
                       std::uniform_real_distribution<double>(0, 1)(rng));
  auto retry_at = format_rfc3339(std::chrono::system_clock::now() + delay);
  auto now = services::now_text(ctx);
  if (o.what != outcome::kind::delivered)
    spdlog::warn("outbox: {} (row {}): attempt {} {}: {}", send.kind, send.outbox_id, attempt,
                 o.what == outcome::kind::retry ? "will retry" : "failed", o.error);
  auto record = [send, o, retry_at, now](store::unit_of_work& uow) {
    switch (o.what) {
      case outcome::kind::delivered:
        uow.outbox().settle(send.outbox_id, "done", std::nullopt, now, now, true);
        // The thread's conversation id is what later posts and replies in it use.
        if (send.thread_row) {
          if (o.carrier_sid.empty())
            uow.teams_links().thread_failed(send.thread_row, now);
          else
            uow.teams_links().thread_created(send.thread_row, o.carrier_sid, now);
        }
        break;
      case outcome::kind::retry:
        uow.outbox().settle(send.outbox_id, "pending", o.error, retry_at, now, true);
        break;
      case outcome::kind::failed:
        uow.outbox().settle(send.outbox_id, "failed", o.error, now, now, true);
        if (send.thread_row) uow.teams_links().thread_failed(send.thread_row, now);
        break;
    }
  };
  auto saved = co_await ctx.db.write(std::move(record));
  if (!saved)
    spdlog::warn("outbox: could not record the {} outcome: {}", send.kind, saved.err().message);
  // A created thread unblocks the posts waiting for it.
  if (send.thread_row && o.what == outcome::kind::delivered && ctx.outbox_ready) ctx.outbox_ready();
}

}  // namespace switchboard::outbox
