#include "switchboard/outbox/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/services/media.hpp"
#include "switchboard/routing/consent.hpp"
#include "switchboard/services/message_status.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/outbox/retry.hpp"
#include "switchboard/outbox/token_bucket.hpp"
#include "switchboard/teams/mirror.hpp"
#include "teams_delivery.hpp"
#include "webhook_delivery.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/core/encoding.hpp"

#include <deque>
#include <random>

namespace switchboard::outbox {

namespace asio = boost::asio;
using json = nlohmann::json;
using store::id_t;

struct dispatcher::impl {
  impl(asio::io_context& io, services::context& ctx, std::chrono::milliseconds poll,
       std::chrono::milliseconds retry_base)
      : io(io), ctx(ctx), poll(poll), retry_base(retry_base), timer(io), client(io),
        pacing(ctx.carriers.sms_per_second_per_number, 1.0), teams_tokens(client, ctx.teams) {}
  asio::io_context& io;
  services::context& ctx;
  std::chrono::milliseconds poll;
  std::chrono::milliseconds retry_base;
  asio::steady_timer timer;
  http::outbound_client client;
  token_bucket pacing;  // one bucket per sending number
  teams::token_source teams_tokens;  // one Bot Framework token shared by every Teams post
  bool stopped = false;
  bool pending_wake = false;
  // Outbound webhooks go to workers of their own, so a slow receiver (10 s each)
  // never holds up texts; the pass claims no more than the workers have room for.
  static constexpr std::size_t webhook_workers = 8;
  static constexpr std::size_t webhook_backlog = 64;
  std::deque<webhook_send> webhook_queue;
  std::size_t webhooks_in_flight = 0;
  asio::steady_timer webhook_signal{io};
};

namespace {

// One pass: due SMS sends, each delivered or failed in the same transaction
// that marks its outbox row, so a restart resumes exactly the undelivered rows.
// An SMS to send through a carrier's REST API, leased from the outbox.
struct rest_send {
  id_t outbox_id = 0, message_id = 0, workspace_id = 0;
  int attempts = 0;
  std::string carrier, from, to, body;
  std::string call_url;  // set for a call (Calls.json): what the carrier requests when answered
  std::vector<std::string> media_urls;  // an MMS: signed, expiring URLs the carrier fetches
};

// An inbound MMS whose files the dispatcher downloads (services::fetch_inbound_media).
struct media_fetch {
  id_t outbox_id = 0, workspace_id = 0, message_id = 0;
  int attempts = 0;
};

struct pass_result {
  std::vector<store::message> changed;
  // For the simulator: what the sandbox sent to a phone, heard by that workspace's /ws/sandbox.
  struct sandbox_event {
    id_t workspace_id;
    std::string to;
    nlohmann::json data;
  };
  std::vector<sandbox_event> sandbox_sent;   // messages
  std::vector<sandbox_event> sandbox_calls;  // calls
  std::vector<rest_send> sends;
  std::vector<teams_send> teams_posts;
  std::vector<media_fetch> media_fetches;
  std::vector<webhook_send> webhooks;
};

// The attachments a reply carries, as URLs a carrier can fetch, and as the
// simulator's phone shows them ({url, content_type, name}), in one pass so the
// two lists agree; items without a stored id are skipped in both.
struct reply_media {
  std::vector<std::string> urls;
  nlohmann::json shown = nlohmann::json::array();
};
reply_media media_of(const services::context& ctx, const store::message& m) {
  reply_media out;
  if (!m.media.is_array()) return out;
  auto text = [](const nlohmann::json& item, const char* key) {
    auto it = item.find(key);
    return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (auto& item : m.media) {
    if (!item.is_object()) continue;
    auto id = std::strtoll(text(item, "id").c_str(), nullptr, 10);
    if (id <= 0) continue;
    auto url = services::signed_media_url(ctx, m.workspace_id, id);
    out.shown.push_back({{"url", url}, {"content_type", text(item, "content_type")}, {"name", text(item, "name")}});
    out.urls.push_back(std::move(url));
  }
  return out;
}

// Twilio's Messages.json and Calls.json, and SignalWire's LaML twins of them.
http::outbound_request message_request(const services::carrier_settings& cs, const rest_send& s) {
  http::outbound_request r;
  bool tw = s.carrier == "twilio";
  std::string account = tw ? cs.twilio_account_sid : cs.signalwire_project_id;
  std::string secret = tw ? cs.twilio_auth_token : cs.signalwire_api_token;
  std::string base = tw ? cs.twilio_api_base : cs.signalwire_api_base + "/api/laml";
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!s.call_url.empty()) {
    r.url = base + "/2010-04-01/Accounts/" + carriers::form_encode(account) + "/Calls.json";
    r.headers = {{"Authorization", "Basic " + base64(account + ":" + secret)},
                 {"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
    r.body = "To=" + carriers::form_encode(s.to) + "&From=" + carriers::form_encode(s.from) +
             "&Url=" + carriers::form_encode(s.call_url) + "&Method=POST&Timeout=30&StatusCallback=" +
             carriers::form_encode(cs.public_url + "/webhooks/" + s.carrier + "/voice/status") +
             "&StatusCallbackMethod=POST";
    return r;
  }
  r.url = base + "/2010-04-01/Accounts/" + carriers::form_encode(account) + "/Messages.json";
  r.headers = {{"Authorization", "Basic " + base64(account + ":" + secret)},
               {"Content-Type", "application/x-www-form-urlencoded"},
               {"Accept", "application/json"}};
  r.body = "To=" + carriers::form_encode(s.to) + "&From=" + carriers::form_encode(s.from) +
           "&Body=" + carriers::form_encode(s.body) + "&StatusCallback=" +
           carriers::form_encode(cs.public_url + "/webhooks/" + s.carrier + "/sms/status");
  for (auto& url : s.media_urls) r.body += "&MediaUrl=" + carriers::form_encode(url);
  return r;
}

asio::awaitable<void> pass(std::shared_ptr<dispatcher::impl> self) {
  auto at = services::now_text(self->ctx);
  // A lease: a row being sent is not picked again by the next pass; if the
  // process dies mid-send, the row is due again when the lease ends.
  auto lease_until = format_rfc3339(std::chrono::system_clock::now() + std::chrono::minutes(2));
  auto media_lease_until = format_rfc3339(std::chrono::system_clock::now() + std::chrono::minutes(30));
  auto self_public_url = self->ctx.carriers.public_url;
  auto later = format_rfc3339(std::chrono::system_clock::now() + std::chrono::seconds(1));
  bool teams_enabled = self->ctx.teams.enabled();
  const services::context* ctx = &self->ctx;  // signs media URLs; only its settings are read
  // Longer than the backlog can wait in memory (64 rows, 8 workers, at most about
  // 25 s an attempt), so a row is never claimed again while it is queued or sent.
  auto webhook_lease_until = format_rfc3339(std::chrono::system_clock::now() + std::chrono::minutes(10));
  std::size_t webhook_room = self->webhook_backlog > self->webhook_queue.size() + self->webhooks_in_flight
                                 ? self->webhook_backlog - self->webhook_queue.size() - self->webhooks_in_flight
                                 : 0;
  auto job = [at, lease_until, media_lease_until, self_public_url, later, teams_enabled, ctx, webhook_lease_until,
              webhook_room](store::unit_of_work& uow) {
    pass_result out;
    auto& changed = out.changed;
    // Claimed, not just read: another instance on the same database skips these rows.
    for (auto& row : uow.outbox().claim_due(at, lease_until, 50)) {
      auto outbox_id = row.id;
      auto finish = [&](const char* status, std::optional<std::string> err, std::string next) {
        uow.outbox().settle(outbox_id, status, err, next, at);
      };
      auto payload = nlohmann::json::parse(row.payload, nullptr, false);
      if (row.kind == teams::create_thread_kind || row.kind == teams::reply_kind) {
        if (auto post = lease_teams_row(uow, outbox_id, row.workspace_id, row.kind, payload, row.attempts,
                                        teams_enabled, at, lease_until, later))
          out.teams_posts.push_back(std::move(*post));
        continue;
      }
      if (row.kind == services::media_fetch_kind) {
        id_t message_id = payload.is_object() ? payload.value("message_id", id_t{0}) : 0;
        // Up to 10 files, each with its own timeouts: a longer hold than a send's.
        uow.outbox().lease(outbox_id, media_lease_until, at);
        out.media_fetches.push_back({outbox_id, row.workspace_id, message_id, row.attempts});
        continue;
      }
      if (row.kind == "call.create") {
        // Click-to-call: ring the teammate's phone from the line; when they answer,
        // the carrier asks …/voice/click-to-call?item=… and gets the <Dial> to the customer.
        auto item_id = payload.is_object() ? payload.value("message_id", id_t{0}) : 0;
        auto number_id = payload.is_object() ? payload.value("number_id", id_t{0}) : 0;
        auto to = payload.is_object() ? payload.value("to", std::string()) : std::string();
        auto item = uow.messages().find(row.workspace_id, item_id);
        auto number = uow.numbers().find(row.workspace_id, number_id);
        if (!item) {
          finish("done", std::string("the call item was erased"), at);
          continue;
        }
        auto meta = item->metadata.is_object() ? item->metadata : nlohmann::json::object();
        if (!number || number->status != "active" || to.empty()) {
          finish("failed", std::string("no active number to call from"), at);
          meta["status"] = "failed";
          uow.messages().update_item(row.workspace_id, item_id, "Outgoing call, failed", "failed", meta);
          if (auto m = uow.messages().find(row.workspace_id, item_id)) out.changed.push_back(*m);
          continue;
        }
        auto url = self_public_url + "/webhooks/" + number->carrier + "/voice/click-to-call?item=" + std::to_string(item_id);
        if (number->carrier != "sandbox") {
          uow.outbox().lease(outbox_id, lease_until, at);
          out.sends.push_back({outbox_id, item_id, row.workspace_id, row.attempts, number->carrier, number->number, to,
                               "", url, {}});
          continue;
        }
        std::string sid = "CA" + random_hex(16);
        meta["call_sid"] = sid;
        meta["status"] = "queued";
        uow.messages().set_external_id(row.workspace_id, item_id, sid);
        uow.messages().update_item(row.workspace_id, item_id, item->body, "sent", meta);
        out.sandbox_calls.push_back({row.workspace_id, to, nlohmann::json{{"sid", sid}, {"from", number->number}, {"to", to},
                                                          {"url", url}, {"created_at", at}}});
        finish("done", std::nullopt, at);
        if (auto m = uow.messages().find(row.workspace_id, item_id)) out.changed.push_back(*m);
        continue;
      }
      if (row.kind == "sms.relay") {
        // A text of the system's own (a forward to a teammate's phone, an answer
        // to their command): no thread item to update.
        auto number_id = payload.is_object() ? payload.value("number_id", id_t{0}) : 0;
        auto to = payload.is_object() ? payload.value("to", std::string()) : std::string();
        auto body = payload.is_object() ? payload.value("body", std::string()) : std::string();
        auto number = uow.numbers().find(row.workspace_id, number_id);
        if (!number || number->status != "active" || to.empty()) {
          finish("failed", std::string("no active number to send from"), at);
          continue;
        }
        if (number->carrier != "sandbox") {
          uow.outbox().lease(outbox_id, lease_until, at);
          out.sends.push_back({outbox_id, 0, row.workspace_id, row.attempts, number->carrier, number->number, to, body, "", {}});
          continue;
        }
        std::string sid = "SM" + random_hex(16);
        auto rid = uow.numbers().record_sandbox_message(row.workspace_id, sid, number->number, to, body, at,
                                                          row.conversation_id);
        out.sandbox_sent.push_back({row.workspace_id, to, nlohmann::json{{"id", std::to_string(rid)}, {"sid", sid},
                                                                         {"from", number->number}, {"to", to},
                                                                         {"body", body}, {"created_at", at}}});
        finish("done", std::nullopt, at);
        continue;
      }
      id_t message_id = payload.is_object() ? payload.value("message_id", id_t{0}) : 0;
      auto facts = uow.outbox().sms_send(message_id);
      if (!facts) {  // erased since: nothing to send
        finish("done", std::string("message no longer exists"), at);
        continue;
      }
      id_t ws = facts->workspace_id;
      std::string body = facts->body;
      auto number_id = facts->number_id;
      auto phone = facts->phone;
      auto fail = [&](const std::string& why) {
        uow.messages().set_status(message_id, "failed", why);
        finish("failed", why, at);
        if (auto m = uow.messages().find(ws, message_id)) changed.push_back(*m);
      };
      if (!phone) {
        fail("the contact has no phone number");
        continue;
      }
      auto number = number_id ? uow.numbers().find(ws, *number_id) : std::nullopt;
      if (!number || number->status != "active") {
        fail("the conversation has no active business number to send from");
        continue;
      }
      // The customer may have opted out since this was queued (a STOP, an agent's
      // confirmation, a carrier's refusal): checked here, in the write that sends it.
      bool opted_out = uow.consent().opted_out(ws, *phone, number_id);
      bool answers_keyword = false;
      if (opted_out)
        if (auto item = uow.messages().find(ws, message_id))
          answers_keyword = item->metadata.is_object() && item->metadata.contains("consent_answer");
      if (routing::refused_at_send(opted_out, answers_keyword)) {
        fail(routing::opted_out_at_send);
        continue;
      }
      reply_media media;
      if (auto item = uow.messages().find(ws, message_id)) media = media_of(*ctx, *item);
      auto& media_urls = media.urls;
      auto& sandbox_media = media.shown;  // what the simulator's phone shows
      if (number->carrier != "sandbox") {
        int attempts = uow.outbox().attempts(outbox_id);
        uow.outbox().lease(outbox_id, lease_until, at);
        out.sends.push_back({outbox_id, message_id, ws, attempts, number->carrier, number->number, *phone, body, "",
                             std::move(media_urls)});
        continue;
      }
      std::string sid = "SM" + random_hex(16);
      auto rid = uow.numbers().record_sandbox_message(ws, sid, number->number, *phone, body, at,
                                                          row.conversation_id);
      out.sandbox_sent.push_back({ws, *phone, nlohmann::json{{"id", std::to_string(rid)}, {"sid", sid},
                                                             {"from", number->number}, {"to", *phone},
                                                             {"body", body}, {"media", sandbox_media},
                                                             {"created_at", at}}});
      uow.messages().set_status(message_id, "sent", std::nullopt, sid);
      finish("done", std::nullopt, at);
      if (auto m = uow.messages().find(ws, message_id)) changed.push_back(*m);
    }
    for (auto& m : out.changed) services::emit_message_updated(uow, m, at);
    // Webhooks are claimed apart, no more than the workers have room for: a
    // backlog of them never stands between texts and the carrier.
    if (webhook_room > 0)
      for (auto& row : uow.webhooks().claim_due_deliveries(at, webhook_lease_until, static_cast<int>(webhook_room)))
        if (auto send = webhook_send_of(uow, row, at)) out.webhooks.push_back(std::move(*send));
    return out;
  };
  auto r = co_await self->ctx.db.write(std::move(job));
  if (!r) {
    spdlog::warn("outbox: pass failed: {}", r.err().message);
    co_return;
  }
  for (auto& m : r->changed) self->ctx.hub.publish(m.workspace_id, services::agents_topic, "message.updated", services::to_json(m));
  for (auto& e : r->sandbox_sent) self->ctx.hub.publish(e.workspace_id, services::sandbox_topic(e.to), "sandbox.message", e.data);
  for (auto& e : r->sandbox_calls) self->ctx.hub.publish(e.workspace_id, services::sandbox_topic(e.to), "sandbox.call", e.data);

  if (!r->webhooks.empty()) {
    for (auto& w : r->webhooks) self->webhook_queue.push_back(std::move(w));
    self->webhook_signal.cancel();  // wakes the idle workers
  }

  for (auto& post : r->teams_posts)
    co_await deliver_teams(self->ctx, self->client, self->teams_tokens, post, self->retry_base);

  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (auto& send : r->sends) {
    // Pace each sending number; waiting on a timer keeps the io_context free.
    for (auto wait = self->pacing.take(send.from, token_bucket::clock::now());
         wait > token_bucket::clock::duration::zero() && !self->stopped;
         wait = self->pacing.take(send.from, token_bucket::clock::now())) {
      asio::steady_timer pause(self->io, wait);
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    auto req = message_request(self->ctx.carriers, send);
    auto answer = co_await self->client.request(req);
    outcome o;
    if (answer) {
      o = classify_message_response(answer->status, answer->body);
    } else {
      o.what = outcome::kind::retry;  // DNS, connect, TLS, timeout
      o.error = answer.err().message;
    }
    int attempt = send.attempts + 1;
    if (o.what == outcome::kind::retry && attempt >= max_attempts) o.what = outcome::kind::failed;
    auto delay = backoff(attempt, self->retry_base, std::chrono::minutes(10),
                         std::uniform_real_distribution<double>(0, 1)(rng));
    auto retry_at = format_rfc3339(std::chrono::system_clock::now() + delay);
    auto now = services::now_text(self->ctx);
    if (o.what != outcome::kind::delivered)
      spdlog::warn("outbox: message {} via {}: attempt {} {}: {}", send.message_id, send.carrier, attempt,
                   o.what == outcome::kind::retry ? "will retry" : "failed", o.error);
    auto record = [send, o, retry_at, now](store::unit_of_work& uow) -> std::optional<store::message> {
      auto mark = [&](const char* status, std::optional<std::string> err, const std::string& next) {
        uow.outbox().settle(send.outbox_id, status, err, next, now);
      };
      switch (o.what) {
        case outcome::kind::delivered:
          mark("done", std::nullopt, now);
          if (send.message_id == 0) return std::nullopt;  // a relay: no thread item
          if (!send.call_url.empty()) {
            // The call's own status callbacks tell the rest; keep its SID to find it.
            uow.messages().set_call_sid(send.message_id, o.carrier_sid);
            break;
          }
          uow.messages().set_status(send.message_id, o.status, std::nullopt, o.carrier_sid);
          break;
        case outcome::kind::retry:
          mark("pending", o.error, retry_at);
          return std::nullopt;
        case outcome::kind::failed:
          mark("failed", o.error, now);
          if (send.message_id == 0) return std::nullopt;
          uow.messages().set_status(send.message_id, "failed", o.error);
          break;
      }
      auto m = uow.messages().find(send.workspace_id, send.message_id);
      if (m) services::emit_message_updated(uow, *m, now);
      // A refusal meaning the recipient opted out goes into the consent ledger too.
      if (m && o.what == outcome::kind::failed) services::record_carrier_refusal(uow, *m, send.to, o.error_code, now);
      return m;
    };
    auto saved = co_await self->ctx.db.write(std::move(record));
    // Not recorded: the row stays leased and is sent again when the lease ends (a
    // possible duplicate); say so.
    if (!saved)
      spdlog::error("outbox: the outcome of row {} (message {}) was not recorded; it is sent again after its lease: {}",
                    send.outbox_id, send.message_id, saved.err().message);
    if (saved && *saved)
      self->ctx.hub.publish((*saved)->workspace_id, services::agents_topic, "message.updated", services::to_json(**saved));
  }
  // Inbound MMS files last: a slow carrier CDN never holds up the replies above.
  static thread_local std::mt19937_64 fetch_rng{std::random_device{}()};
  for (auto& f : r->media_fetches) {
    int attempt = f.attempts + 1;
    auto o = co_await services::fetch_inbound_media(self->ctx, self->client, f.workspace_id, f.message_id,
                                                    attempt >= max_attempts);
    auto delay = backoff(attempt, self->retry_base, std::chrono::minutes(10),
                         std::uniform_real_distribution<double>(0, 1)(fetch_rng));
    auto retry_at = format_rfc3339(std::chrono::system_clock::now() + delay);
    auto now = services::now_text(self->ctx);
    if (o.retry) spdlog::warn("outbox: media of message {}: attempt {} will retry: {}", f.message_id, attempt, o.error);
    auto settle = [f, o, retry_at, now](store::unit_of_work& uow) {
      if (o.retry) uow.outbox().settle(f.outbox_id, "pending", o.error, retry_at, now);
      else uow.outbox().settle(f.outbox_id, "done", std::nullopt, now, now);
    };
    if (auto saved = co_await self->ctx.db.write(std::move(settle)); !saved)
      spdlog::error("outbox: media row {} was not settled; it runs again after its lease: {}", f.outbox_id,
                    saved.err().message);
  }

}

// One of the webhook workers: sends what the passes queued, one at a time.
asio::awaitable<void> webhook_worker(std::shared_ptr<dispatcher::impl> self) {
  while (!self->stopped) {
    if (self->webhook_queue.empty()) {
      // The signal never expires (set once in start()): setting it here would
      // cancel the other workers' waits, and they would wake each other forever.
      auto [ec] = co_await self->webhook_signal.async_wait(asio::as_tuple(asio::use_awaitable));
      (void)ec;  // cancelled = work queued, or stopping
      continue;
    }
    auto send = std::move(self->webhook_queue.front());
    self->webhook_queue.pop_front();
    ++self->webhooks_in_flight;
    try {
      co_await deliver_webhook(self->ctx, self->client, send);
    } catch (const std::exception& e) {
      // The row stays leased and is tried again when the lease ends.
      spdlog::error("outbox: webhook delivery {} stopped by an exception: {}", send.delivery_id, e.what());
    }
    --self->webhooks_in_flight;
  }
}

// Replies queued for a channel that has no sender (voice, email: stored before
// issue 16 item 15 refused them) would wait forever: fail them once, visibly.
asio::awaitable<void> fail_undeliverable(std::shared_ptr<dispatcher::impl> self) {
  auto at = services::now_text(self->ctx);
  auto job = [at](store::unit_of_work& uow) {
    const std::string why = "no channel can deliver this reply; send it again by sms or chat";
    return uow.outbox().fail_channels_without_sender(why, at);
  };
  auto n = co_await self->ctx.db.write(std::move(job));
  if (n && *n > 0) spdlog::warn("outbox: failed {} queued replies on channels without a sender", *n);
}

}  // namespace

dispatcher::dispatcher(asio::io_context& io, services::context& ctx, std::chrono::milliseconds poll,
                       std::chrono::milliseconds retry_base)
    : impl_(std::make_shared<impl>(io, ctx, poll, retry_base)) {}

dispatcher::~dispatcher() { stop(); }

void dispatcher::start() {
  auto self = impl_;
  impl_->webhook_signal.expires_at(asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < impl::webhook_workers; ++i)
    asio::co_spawn(impl_->io, webhook_worker(self), [](std::exception_ptr e) {
      if (e) spdlog::error("outbox: a webhook worker stopped by an exception");
    });
  asio::co_spawn(
      impl_->io,
      [self]() -> asio::awaitable<void> {
        co_await fail_undeliverable(self);
        while (!self->stopped) {
          co_await pass(self);
          if (self->pending_wake) {
            self->pending_wake = false;
            continue;
          }
          self->timer.expires_after(self->poll);
          auto [ec] = co_await self->timer.async_wait(asio::as_tuple(asio::use_awaitable));
          (void)ec;  // cancelled = woken early
          self->pending_wake = false;
        }
      },
      [](std::exception_ptr e) {
        if (e) spdlog::error("outbox dispatcher stopped by an exception");
      });
}

void dispatcher::stop() {
  impl_->stopped = true;
  impl_->timer.cancel();
  impl_->webhook_signal.cancel();
}

void dispatcher::wake() {
  impl_->pending_wake = true;
  impl_->timer.cancel();
}

}  // namespace switchboard::outbox
