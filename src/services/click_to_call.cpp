#include "switchboard/services/click_to_call.hpp"

#include "switchboard/services/wire.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::services {

store::message queue_click_to_call(store::database& db, store::id_t ws, store::id_t teammate_id,
                                   store::id_t conversation_id, const std::string& at) {
  auto c = store::conversations::find(db, ws, conversation_id);
  if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
  auto tm = store::teammates::find(db, ws, teammate_id);
  if (!tm || !tm->physical_number) throw store::job_error("INVALID_INPUT", "set your physical_number to place calls");
  auto number_id = store::conversations::number_of(db, ws, conversation_id);
  auto phone = c->contact_phone;
  if (!phone) throw store::job_error("INVALID_INPUT", "the contact has no phone number");
  auto number = number_id ? store::numbers::find(db, ws, *number_id) : std::nullopt;
  if (!number || number->status != "active")
    throw store::job_error("INVALID_INPUT", "the conversation has no active business number to call from");
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = conversation_id;
  m.direction = "outbound";
  m.sender_kind = "teammate";
  m.sender_id = teammate_id;
  m.channel = "voice";
  m.kind = "call";
  m.status = "queued";
  m.body = "Outgoing call";
  m.metadata = {{"from", number->number}, {"to", *phone}, {"teammate_phone", *tm->physical_number},
                {"status", "queued"}, {"connected", false}, {"duration", 0}, {"click_to_call", true},
                {"started_at", at}};
  m.created_at = at;
  auto mid = store::conversations::insert_message(db, m);
  store::conversations::enqueue_outbox(db, ws, "call.create",
                                       {{"message_id", mid}, {"conversation_id", conversation_id},
                                        {"number_id", number->id}, {"to", *tm->physical_number}},
                                       at);
  return *store::conversations::find_message(db, ws, mid);
}

boost::asio::awaitable<result<store::message>> place_click_to_call(context& ctx, store::id_t ws,
                                                                    store::id_t teammate_id,
                                                                    store::id_t conversation_id) {
  auto at = now_text(ctx);
  auto job = [ws, teammate_id, conversation_id, at](store::database& db) {
    return queue_click_to_call(db, ws, teammate_id, conversation_id, at);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  if (ctx.outbox_ready) ctx.outbox_ready();
  ctx.hub.publish(ws, agents_topic, "message.created", to_json(*r));
  co_return std::move(*r);
}

}  // namespace switchboard::services
