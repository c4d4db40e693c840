#include "switchboard/services/click_to_call.hpp"
#include "switchboard/services/reports.hpp"

#include "switchboard/services/wire.hpp"

namespace switchboard::services {

store::message queue_click_to_call(store::unit_of_work& uow, store::id_t ws, store::id_t teammate_id,
                                   store::id_t conversation_id, const std::string& at) {
  auto c = uow.conversations().find(ws, conversation_id);
  if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
  auto tm = uow.teammates().find(ws, teammate_id);
  if (!tm || !tm->physical_number) throw store::job_error("INVALID_INPUT", "set your physical_number to place calls");
  auto number_id = uow.conversations().number_of(ws, conversation_id);
  auto phone = c->contact_phone;
  if (!phone) throw store::job_error("INVALID_INPUT", "the contact has no phone number");
  auto number = number_id ? uow.numbers().find(ws, *number_id) : std::nullopt;
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
  auto mid = add_message(uow, m);
  uow.outbox().enqueue(ws, "call.create",
                                       {{"message_id", mid}, {"conversation_id", conversation_id},
                                        {"number_id", number->id}, {"to", *tm->physical_number}},
                                       at);
  return *uow.messages().find(ws, mid);
}

boost::asio::awaitable<result<store::message>> place_click_to_call(context& ctx, store::id_t ws,
                                                                    store::id_t teammate_id,
                                                                    store::id_t conversation_id) {
  auto at = now_text(ctx);
  auto job = [ws, teammate_id, conversation_id, at](store::unit_of_work& uow) {
    return queue_click_to_call(uow, ws, teammate_id, conversation_id, at);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  if (ctx.outbox_ready) ctx.outbox_ready();
  ctx.hub.publish(ws, agents_topic, "message.created", to_json(*r));
  co_return std::move(*r);
}

}  // namespace switchboard::services
