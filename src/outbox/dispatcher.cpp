#include "switchboard/outbox/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "../api/common.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"

namespace switchboard::outbox {

namespace asio = boost::asio;
using api::json;
using store::id_t;

struct dispatcher::impl {
  impl(asio::io_context& io, api::api_context& ctx, std::chrono::milliseconds poll)
      : io(io), ctx(ctx), poll(poll), timer(io) {}
  asio::io_context& io;
  api::api_context& ctx;
  std::chrono::milliseconds poll;
  asio::steady_timer timer;
  bool stopped = false;
  bool pending_wake = false;
};

namespace {

// One pass: due SMS sends, each delivered or failed in the same transaction
// that marks its outbox row, so a restart resumes exactly the undelivered rows.
asio::awaitable<void> pass(std::shared_ptr<dispatcher::impl> self) {
  auto at = api::now_text(self->ctx);
  auto job = [at](store::database& db) {
    std::vector<store::message> changed;
    std::vector<std::pair<id_t, id_t>> due;  // outbox id, message id
    {
      auto& q = db.prepare(
          // The kind names the channel, so rows of channels without a sender yet
          // (chat, teams, email) are never scanned: outbox_due covers this query.
          "SELECT id, json_extract(payload, '$.message_id') FROM outbox"
          " WHERE status = 'pending' AND kind = 'message.send.sms' AND next_attempt_at <= ?1"
          " ORDER BY next_attempt_at, id LIMIT 50");
      q.bind(1, at);
      while (q.step()) due.emplace_back(q.column_int(0), q.column_int(1));
    }
    for (auto [outbox_id, message_id] : due) {
      auto finish = [&](const char* status, std::optional<std::string> err, std::string next) {
        db.prepare("UPDATE outbox SET status = ?2, attempts = attempts + 1, last_error = ?3,"
                   " next_attempt_at = ?4, updated_at = ?5 WHERE id = ?1")
            .bind_all(outbox_id, std::string(status), err, next, at)
            .run();
      };
      auto& mq = db.prepare(
          "SELECT m.workspace_id, m.body, c.number_id,"
          " (SELECT value FROM contact_identities i WHERE i.contact_id = c.contact_id AND i.kind = 'phone'"
          "  ORDER BY i.id LIMIT 1)"
          " FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1");
      mq.bind(1, message_id);
      if (!mq.step()) {  // erased since: nothing to send
        mq.reset();
        finish("done", std::string("message no longer exists"), at);
        continue;
      }
      id_t ws = mq.column_int(0);
      std::string body = mq.column_text(1);
      auto number_id = mq.column_opt_int(2);
      auto phone = mq.column_opt_text(3);
      mq.reset();
      auto fail = [&](const std::string& why) {
        db.prepare("UPDATE messages SET status = 'failed', error = ?2 WHERE id = ?1").bind_all(message_id, why).run();
        finish("failed", why, at);
        if (auto m = store::conversations::find_message(db, ws, message_id)) changed.push_back(*m);
      };
      if (!phone) {
        fail("the contact has no phone number");
        continue;
      }
      auto number = number_id ? store::numbers::find(db, ws, *number_id) : std::nullopt;
      if (!number || number->status != "active") {
        fail("the conversation has no active business number to send from");
        continue;
      }
      if (number->carrier != "sandbox") {
        // Twilio/SignalWire REST delivery is not built yet: keep the row for it.
        finish("pending", std::string("delivery through ") + number->carrier + " is not available yet",
               format_rfc3339(std::chrono::system_clock::now() + std::chrono::hours(1)));
        continue;
      }
      std::string sid = "SM" + random_hex(16);
      store::numbers::record_sandbox_message(db, ws, sid, number->number, *phone, body, at);
      db.prepare("UPDATE messages SET status = 'sent', external_id = ?2 WHERE id = ?1")
          .bind_all(message_id, sid)
          .run();
      finish("done", std::nullopt, at);
      if (auto m = store::conversations::find_message(db, ws, message_id)) changed.push_back(*m);
    }
    return changed;
  };
  auto r = co_await self->ctx.db.write(std::move(job));
  if (!r) {
    spdlog::warn("outbox: pass failed: {}", r.err().message);
    co_return;
  }
  for (auto& m : *r) self->ctx.hub.publish(m.workspace_id, "agents", "message.updated", api::to_json(m));
}

}  // namespace

dispatcher::dispatcher(asio::io_context& io, api::api_context& ctx, std::chrono::milliseconds poll)
    : impl_(std::make_shared<impl>(io, ctx, poll)) {}

dispatcher::~dispatcher() { stop(); }

void dispatcher::start() {
  auto self = impl_;
  asio::co_spawn(
      impl_->io,
      [self]() -> asio::awaitable<void> {
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
}

void dispatcher::wake() {
  impl_->pending_wake = true;
  impl_->timer.cancel();
}

}  // namespace switchboard::outbox
