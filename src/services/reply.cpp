#include "switchboard/services/reply.hpp"
#include "switchboard/services/reports.hpp"

#include "switchboard/services/threads.hpp"
#include "switchboard/services/media.hpp"

#include "switchboard/carriers/phone.hpp"
#include "switchboard/routing/delivery.hpp"
#include "switchboard/services/visitors.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::services {


routing::reply_plan plan_reply_for(store::unit_of_work& uow, store::id_t ws, const store::conversation& c,
                                   const std::optional<std::string>& chosen) {
  auto rc = uow.conversations().reply_context_of(ws, c);
  routing::reply_facts f;
  f.conversation_channel = c.channel;
  f.last_messaging_channel = rc.last_messaging_channel;
  for (auto& phone : rc.phones) {
    // Only E.164 numbers take texts; a short code or sender id is an opaque sender.
    if (carriers::country_code(phone)) f.contact_has_sms_phone = true;
    else f.contact_has_opaque_sender = true;
  }
  f.contact_has_visitor = rc.visitor;
  return routing::plan_reply(f, chosen);
}

std::string expand_canned(store::unit_of_work& uow, store::id_t ws, const std::string& body) {
  if (body.size() < 2 || body.front() != '/') return body;
  auto end = body.find_first_of(" \n");
  auto shortcut = body.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  auto canned = uow.conversations().canned_body(ws, shortcut);
  if (!canned) return body;
  return *canned + (end == std::string::npos ? "" : body.substr(end));
}

// message.created and conversation.updated for the endpoints that ask (issue 21).
// A private note stays inside: receivers are other systems, often other companies'.
static void emit_reply_webhooks(store::unit_of_work& uow, const reply_result& r, const std::string& at) {
  if (r.message.is_private) return;
  webhook_events events(uow, r.conversation.workspace_id, at);
  events.emit("message.created", to_json(r.message), r.conversation.contact_id);
  events.emit("conversation.updated", to_json(r.conversation), r.conversation.contact_id);
}

reply_result queue_reply(store::unit_of_work& uow, const store::principal& p, store::id_t cid, const std::string& msg_text,
                         bool is_private, const std::optional<std::string>& chosen, const std::string& at,
                         const std::vector<store::id_t>& media_ids) {
  auto c = uow.conversations().find(p.workspace_id, cid);
  if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
  store::message m;
  m.workspace_id = p.workspace_id;
  m.conversation_id = cid;
  m.direction = is_private ? "internal" : "outbound";
  m.sender_kind = "teammate";
  m.sender_id = p.teammate_id;
  m.is_private = is_private;
  if (is_private) {
    m.channel = chosen.value_or(c->channel);  // a note never leaves
  } else {
    // Never a channel without a dispatcher (voice after a call): the customer's
    // messaging channel, or a refusal the agent sees at once (issue 16 item 15).
    auto plan = plan_reply_for(uow, p.workspace_id, *c, chosen);
    if (!plan.channel) throw store::job_error("CONFLICT_STATE", plan.reason);  // 409 CONFLICT
    m.channel = *plan.channel;
    // Nothing is queued to someone who opted out (409 OPTED_OUT); calls stay allowed.
    if (m.channel == "sms" && opted_out_of_texts(uow, p.workspace_id, *c))
      throw store::job_error("OPTED_OUT", opted_out_reason);
  }
  m.body = expand_canned(uow, p.workspace_id, msg_text);
  // A private note never leaves: no outbox row, nothing queued for a channel.
  // A chat reply is delivered by the commit itself: the visitor's widget reads
  // it from the store and gets it live from the hub (publish_reply).
  bool chat = !is_private && m.channel == "chat";
  m.status = is_private ? "sent" : chat ? "delivered" : "queued";
  m.created_at = at;
  if (!media_ids.empty()) m.media = take_uploads(uow, p.workspace_id, media_ids, std::nullopt);
  auto mid = add_message(uow, m);
  attach_uploads(uow, p.workspace_id, media_ids, cid, mid);
  if (!is_private && !chat)
    uow.outbox().enqueue(p.workspace_id, "message.send." + m.channel,
                         {{"message_id", mid}, {"conversation_id", cid}, {"channel", m.channel}}, at);
  reply_result out{*uow.messages().find(p.workspace_id, mid), *uow.conversations().find(p.workspace_id, cid), false,
                   is_private ? std::nullopt : uow.widget().starter_of(p.workspace_id, cid)};
  emit_reply_webhooks(uow, out, at);
  return out;
}

reply_result queue_bot_message(store::unit_of_work& uow, store::id_t ws, store::id_t cid, const std::string& text,
                               const nlohmann::json& metadata, const std::string& at) {
  auto c = uow.conversations().find(ws, cid);
  if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
  auto plan = plan_reply_for(uow, ws, *c, std::nullopt);
  if (!plan.channel) throw store::job_error("CONFLICT_STATE", plan.reason);
  if (*plan.channel == "sms" && opted_out_of_texts(uow, ws, *c)) throw store::job_error("OPTED_OUT", opted_out_reason);
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = cid;
  m.direction = "outbound";
  m.sender_kind = "bot";
  m.channel = *plan.channel;
  m.body = text;
  bool chat = m.channel == "chat";
  m.status = chat ? "delivered" : "queued";
  m.metadata = metadata;
  m.created_at = at;
  auto mid = add_message(uow, m);
  if (!chat)
    uow.outbox().enqueue(ws, "message.send." + m.channel, {{"message_id", mid}, {"conversation_id", cid}, {"channel", m.channel}},
                         at);
  reply_result out{*uow.messages().find(ws, mid), *uow.conversations().find(ws, cid), false,
                   uow.widget().starter_of(ws, cid)};
  emit_reply_webhooks(uow, out, at);
  return out;
}

void publish_reply(context& ctx, const reply_result& r) {
  auto ws = r.message.workspace_id;
  if (((!r.message.is_private && r.message.channel == "sms") || r.teams_queued) && ctx.outbox_ready)
    ctx.outbox_ready();
  ctx.hub.publish(ws, agents_topic, "message.created", to_json(r.message));
  ctx.hub.publish(ws, agents_topic, "conversation.updated", to_json(r.conversation));
  // The visitor's widget: public items only (a note never reaches this topic).
  if (!r.message.is_private)
    publish_to_visitors(ctx, ws, r.conversation.contact_id, r.widget_starter, "message.created",
                        visitor_message_json(r.message));
}

boost::asio::awaitable<result<reply_result>> send_reply(context& ctx, store::principal who,
                                                        store::id_t conversation_id, std::string text,
                                                        bool is_private, std::optional<std::string> channel,
                                                        std::vector<store::id_t> media_ids) {
  auto at = now_text(ctx);
  auto public_url = ctx.carriers.public_url;
  auto job = [who, conversation_id, at, text = std::move(text), channel, is_private, public_url,
              media_ids = std::move(media_ids)](store::unit_of_work& uow) {
    auto r = queue_reply(uow, who, conversation_id, text, is_private, channel, at, media_ids);
    // Written in the inbox: the conversation's Teams thread shows it too.
    r.teams_queued = teams::mirror_item(uow, r.message, public_url, at);
    return r;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  publish_reply(ctx, *r);
  co_return std::move(*r);
}

boost::asio::awaitable<result<store::message>> resend_reply(context& ctx, store::principal who,
                                                           store::id_t conversation_id, store::id_t message_id) {
  auto at = now_text(ctx);
  auto job = [who, conversation_id, message_id, at](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto c = uow.conversations().find(ws, conversation_id);
    if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
    auto m = uow.messages().find(ws, message_id);
    if (!m || m->conversation_id != conversation_id) throw store::job_error("NOT_FOUND", "message not found");
    if (auto why = routing::why_not_resend({m->direction, m->is_private, m->kind, m->channel, m->status}))
      throw store::job_error("CONFLICT_STATE", *why);  // 409 CONFLICT
    // The same consent rule as a new reply: nothing is queued to someone who opted out.
    if (opted_out_of_texts(uow, ws, *c)) throw store::job_error("OPTED_OUT", opted_out_reason);
    uow.messages().requeue(ws, message_id);
    uow.outbox().enqueue(ws, "message.send.sms",
                         {{"message_id", message_id}, {"conversation_id", conversation_id}, {"channel", "sms"}}, at);
    return *uow.messages().find(ws, message_id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  if (ctx.outbox_ready) ctx.outbox_ready();
  ctx.hub.publish(r->workspace_id, agents_topic, "message.updated", to_json(*r));
  co_return std::move(*r);
}

}  // namespace switchboard::services
