#include "webhook_delivery.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include <boost/url/parse.hpp>

#include "switchboard/core/clock.hpp"
#include "switchboard/routing/webhooks.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::outbox {

using nlohmann::json;
using store::id_t;
namespace wh = store::webhooks;

std::optional<webhook_send> webhook_send_of(store::unit_of_work& uow, const store::outbox::due_row& row,
                                              const std::string& at) {
  auto payload = json::parse(row.payload, nullptr, false);
  id_t delivery_id = payload.is_object() ? payload.value("delivery_id", id_t{0}) : 0;
  auto done = [&](const char* status, const std::string& why) {
    uow.outbox().settle(row.id, status, why, at, at, false);
    return std::nullopt;
  };
  auto d = uow.webhooks().find_delivery(row.workspace_id, delivery_id);
  if (!d) return done("done", "the delivery no longer exists");
  if (d->status != "pending") return done("done", "the delivery is settled already");
  auto e = uow.webhooks().find_endpoint(row.workspace_id, d->endpoint_id);
  if (!e) return done("done", "the endpoint no longer exists");
  if (!e->enabled) {
    d->status = "failed";
    d->last_error = "the endpoint is disabled";
    d->updated_at = at;
    uow.webhooks().update_delivery(*d);
    return done("failed", "the endpoint is disabled");
  }
  webhook_send s;
  s.outbox_id = row.id;
  s.workspace_id = row.workspace_id;
  s.delivery_id = d->id;
  s.endpoint_id = e->id;
  s.round_attempts = row.attempts;
  s.round_started_at = payload.value("since", d->created_at);
  s.url = e->url;
  s.message_id = d->message_id;
  s.body = d->payload;
  s.secrets.push_back(e->secret);
  if (e->previous_secret && e->previous_secret_expires_at && *e->previous_secret_expires_at > at)
    s.secrets.push_back(*e->previous_secret);
  return s;
}

namespace {

// The host of an endpoint's URL, for logs and notices (its path may hold a token).
std::string host_of(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  return u ? std::string(u->host()) : std::string("?");
}

struct attempt_result {
  bool succeeded = false;
  std::optional<std::int64_t> status;
  std::int64_t latency_ms = 0;
  std::string excerpt, error;
};

// What the attempt's record changed that someone must hear about.
struct recorded {
  std::optional<wh::endpoint> disabled;
};

}  // namespace

boost::asio::awaitable<void> deliver_webhook(services::context& ctx, http::outbound_client& client,
                                             const webhook_send& send) {
  auto sent_at = std::chrono::system_clock::now();
  auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(sent_at.time_since_epoch()).count();
  http::outbound_request req;
  req.url = send.url;
  req.timeout = std::chrono::seconds(10);
  req.max_body = 64 * 1024;
  req.public_only = !ctx.webhooks.allow_private_targets;
  req.body = send.body;
  req.headers = {{"Content-Type", "application/json"},
                 {"webhook-id", send.message_id},
                 {"webhook-timestamp", std::to_string(timestamp)},
                 {"webhook-signature",
                  routing::webhook_signature_header(send.secrets, send.message_id, timestamp, send.body)}};
  auto started = std::chrono::steady_clock::now();
  auto answer = co_await client.request(req);
  attempt_result a;
  a.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (answer) {
    a.status = answer->status;
    a.succeeded = routing::webhook_succeeded(answer->status);
    a.excerpt = routing::webhook_response_excerpt(answer->body);
    if (!a.succeeded) a.error = "HTTP " + std::to_string(answer->status);
  } else {
    a.error = answer.err().message;
  }

  static thread_local std::mt19937_64 rng{std::random_device{}()};
  double jitter = std::uniform_real_distribution<double>(0, 1)(rng);
  auto now_tp = ctx.now();
  auto now = format_rfc3339(now_tp);
  auto round_start = parse_rfc3339(send.round_started_at).value_or(now_tp);
  auto since_first = std::chrono::duration_cast<std::chrono::milliseconds>(now_tp - round_start);
  auto delay = routing::webhook_retry_delay(send.round_attempts + 1, since_first, jitter, ctx.webhooks.retry_scale);
  auto retry_at = delay ? format_rfc3339(now_tp + *delay) : now;
  auto disable_after = routing::webhook_disable_after(ctx.webhooks.retry_scale);
  if (!a.succeeded)
    spdlog::warn("webhooks: delivery {} to endpoint {} on {}: attempt {} {}: {}", send.delivery_id, send.endpoint_id,
                 host_of(send.url), send.round_attempts + 1, delay ? "will retry" : "failed", a.error);

  auto disable_cut = format_rfc3339(now_tp - disable_after);
  auto record = [send, a, delay, retry_at, now, disable_cut](store::unit_of_work& uow) -> recorded {
    recorded out;
    auto d = uow.webhooks().find_delivery(send.workspace_id, send.delivery_id);
    if (!d || d->status != "pending") {
      // Deleted (the endpoint, an erasure), or settled by another attempt.
      uow.outbox().settle(send.outbox_id, "done", std::string("the delivery was deleted or settled"), now, now);
      return out;
    }
    d->attempts += 1;
    d->response_status = a.status;
    d->latency_ms = a.latency_ms;
    d->response_excerpt = a.status ? std::optional<std::string>(a.excerpt) : std::nullopt;
    d->last_error = a.succeeded ? std::nullopt : std::optional<std::string>(a.error);
    d->last_attempt_at = now;
    d->updated_at = now;
    if (a.succeeded) {
      d->status = "succeeded";
      d->next_attempt_at = std::nullopt;
      uow.outbox().settle(send.outbox_id, "done", std::nullopt, now, now);
    } else {
      d->status = delay ? "pending" : "failed";
      d->next_attempt_at = delay ? std::optional<std::string>(retry_at) : std::nullopt;
      uow.outbox().settle(send.outbox_id, delay ? "pending" : "failed", a.error, retry_at, now);
    }
    uow.webhooks().update_delivery(*d);
    // The endpoint's streak in single statements (an admin's change or another
    // attempt in between is never overwritten). A delivery that used up its
    // retries may disable it: one stale failure never does.
    auto reason = "every delivery failed since at least " + disable_cut;
    if (uow.webhooks().record_endpoint_outcome(send.workspace_id, send.endpoint_id, a.succeeded, !a.succeeded && !delay,
                                               now, disable_cut, reason)) {
      auto e = uow.webhooks().find_endpoint(send.workspace_id, send.endpoint_id);
      if (e) {
        uow.auth().audit(e->workspace_id, std::nullopt, "webhook.disabled", "webhook_endpoint", e->id,
                         json{{"url", e->url}, {"failing_since", e->failing_since.value_or("")}}, "", now);
        out.disabled = *e;
      }
    }
    return out;
  };
  auto saved = co_await ctx.db.write(std::move(record));
  if (!saved) {
    spdlog::error("webhooks: the outcome of delivery {} was not recorded; it is sent again after its lease: {}",
                  send.delivery_id, saved.err().message);
    co_return;
  }
  if (saved->disabled) {
    auto& e = *saved->disabled;
    spdlog::warn("webhooks: endpoint {} on {} disabled after failing since {}", e.id, host_of(e.url),
                 e.failing_since.value_or(""));
    // The notice (the app shows it to those who manage webhooks). Never the URL:
    // receivers' URLs often carry a token, and every agent's socket hears this.
    json notice = {{"id", services::id_str(e.id)},
                   {"host", host_of(e.url)},
                   {"description", e.description},
                   {"enabled", false},
                   {"disabled_reason", e.disabled_reason.value_or("")},
                   {"failing_since", e.failing_since ? json(*e.failing_since) : json(nullptr)}};
    ctx.hub.publish(e.workspace_id, services::agents_topic, "webhook.disabled", notice);
  }
}

}  // namespace switchboard::outbox
