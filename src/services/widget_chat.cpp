#include "switchboard/services/widget_chat.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/services/webhooks.hpp"

#include "switchboard/services/answer_bot.hpp"
#include "switchboard/services/visitors.hpp"
#include "switchboard/services/media.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::services {


bool visitor_may_see(store::unit_of_work& uow, const visitor_ref& v, const store::conversation& c) {
  if (c.workspace_id != v.workspace_id) return false;
  // Verified identity: the contact's whole history, on any device.
  if (v.verified && v.contact_id && c.contact_id == v.contact_id) return true;
  // Otherwise only what this visitor id started: a merge moves conversations
  // between contacts but never gives an unverified visitor someone else's.
  auto starter = uow.widget().starter_of(v.workspace_id, c.id);
  return starter && *starter == v.visitor_id;
}

namespace {

visitor_post store_visitor_message(store::unit_of_work& uow, const visitor_ref& v, store::id_t cid,
                                   const std::string& text, const std::vector<store::id_t>& media_ids,
                                   const std::string& public_url, const std::string& at) {
  visitor_post out;
  store::id_t contact = v.contact_id;
  bool contact_was_new = false;
  if (cid == 0) {
    // The visitor's first message is what creates its contact (issue 16 item 12).
    if (!contact) {
      contact = uow.widget().contact_for_first_message(v.workspace_id, v.visitor_id, at);
      contact_was_new = true;
    }
    store::conversation c;
    c.workspace_id = v.workspace_id;
    c.contact_id = contact;
    c.channel = "chat";
    c.created_at = at;
    cid = add_conversation(uow, c);
    uow.widget().record_starter(v.workspace_id, cid, v.visitor_id, at);
    out.created = true;
  } else {
    auto c = uow.conversations().find(v.workspace_id, cid);
    if (!c || !visitor_may_see(uow, v, *c)) throw store::job_error("NOT_FOUND", "conversation not found");
    contact = c->contact_id;  // a merge may have moved it: the message is the conversation's contact's
  }
  store::message m;
  m.workspace_id = v.workspace_id;
  m.conversation_id = cid;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.sender_id = contact;
  m.channel = "chat";
  m.body = text;
  m.status = "received";
  m.created_at = at;
  if (!media_ids.empty()) m.media = take_uploads(uow, v.workspace_id, media_ids, v.visitor_id);
  auto mid = add_message(uow, m);
  attach_uploads(uow, v.workspace_id, media_ids, cid, mid);
  m.id = mid;
  // A customer item: the conversation's Teams thread gets it like an inbound SMS.
  out.teams_queued = teams::mirror_item(uow, m, public_url, at);
  out.message = *uow.messages().find(v.workspace_id, mid);
  out.conversation = *uow.conversations().find(v.workspace_id, cid);
  out.starter = uow.widget().starter_of(v.workspace_id, cid);
  webhook_events events(uow, v.workspace_id, at);
  if (contact_was_new && events.wanted("contact.created"))
    if (auto k = uow.contacts().find(v.workspace_id, contact)) events.emit("contact.created", to_json(*k), contact);
  events.emit(out.created ? "conversation.created" : "conversation.updated", to_json(out.conversation), contact);
  events.emit("message.created", to_json(out.message), contact);
  return out;
}

}  // namespace

boost::asio::awaitable<result<visitor_post>> post_visitor_message(context& ctx, visitor_ref v,
                                                                  store::id_t conversation_id, std::string text,
                                                                  std::vector<store::id_t> media_ids) {
  auto at = now_text(ctx);
  auto public_url = ctx.carriers.public_url;
  auto job = [v, conversation_id, text = std::move(text), media_ids = std::move(media_ids), public_url,
              at](store::unit_of_work& uow) {
    return store_visitor_message(uow, v, conversation_id, text, media_ids, public_url, at);
  };
  auto p = co_await ctx.db.write(std::move(job));
  if (!p) co_return p.err();
  auto ws = p->message.workspace_id;
  if (p->teams_queued && ctx.outbox_ready) ctx.outbox_ready();
  if (p->created) ctx.hub.publish(ws, agents_topic, "conversation.created", to_json(p->conversation));
  ctx.hub.publish(ws, agents_topic, "message.created", to_json(p->message));
  if (!p->created) ctx.hub.publish(ws, agents_topic, "conversation.updated", to_json(p->conversation));
  // The visitor's other tabs.
  publish_to_visitors(ctx, ws, p->conversation.contact_id, p->starter, "message.created",
                      visitor_message_json(p->message));
  // The answer bot, when on, answers in the background (issue 20).
  after_customer_message(ctx, ws, p->conversation.id);
  co_return std::move(*p);
}

boost::asio::awaitable<result<std::vector<store::conversation>>> visitor_conversations(context& ctx, visitor_ref v) {
  auto job = [v](store::unit_of_work& uow) {
    auto ws = v.workspace_id;
    std::vector<store::conversation> out;
    // Verified: the contact's history. Unverified: only what this visitor id started (issue 16 item 10).
    auto ids = v.verified && v.contact_id ? uow.widget().conversations_of(ws, v.contact_id, 50)
                                          : uow.widget().conversations_started_by(ws, v.visitor_id, 50);
    for (auto id : ids)
      if (auto c = uow.conversations().find(ws, id)) out.push_back(*c);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<std::optional<store::conversation>>> visible_conversation(context& ctx, visitor_ref v,
                                                                                        store::id_t cid) {
  auto job = [v, cid](store::unit_of_work& uow) {
    auto c = uow.conversations().find(v.workspace_id, cid);
    if (c && !visitor_may_see(uow, v, *c)) c.reset();
    return c;
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<std::optional<std::vector<store::message>>>> visitor_thread(
    context& ctx, visitor_ref v, store::id_t cid, std::optional<store::id_t> after, int limit) {
  auto job = [v, cid, after, limit](store::unit_of_work& uow) {
    std::optional<std::vector<store::message>> out;
    auto c = uow.conversations().find(v.workspace_id, cid);
    // Another visitor's conversation is simply not found.
    if (c && visitor_may_see(uow, v, *c)) out = uow.messages().thread(v.workspace_id, cid, after, limit, false);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<void>> track_visitor_event(context& ctx, visitor_ref v, std::string name,
                                                         nlohmann::json props, std::string at) {
  auto ws = v.workspace_id;
  auto contact = v.contact_id;
  auto vid = v.visitor_id;
  auto job = [ws, contact, vid, name, props, at](store::unit_of_work& uow) {
    uow.widget().insert_event(ws, contact, vid, name, props, at);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return w;
  ctx.hub.publish(ws, "agents", "visitor.event",
                  {{"contact_id", contact ? nlohmann::json(id_str(contact)) : nlohmann::json(nullptr)},
                   {"visitor_id", vid},
                   {"name", name},
                   {"props", props},
                   {"created_at", at}});
  co_return w;
}

}  // namespace switchboard::services
