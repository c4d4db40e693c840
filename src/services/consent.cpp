#include "switchboard/services/consent.hpp"

#include <algorithm>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/routing/consent.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using store::id_t;

namespace {

// The contact's phones that take texts (E.164), or NOT_FOUND.
std::vector<std::string> textable_phones(store::unit_of_work& uow, id_t ws, id_t contact_id) {
  auto c = uow.contacts().find(ws, contact_id);
  if (!c) throw store::job_error("NOT_FOUND", "contact not found");
  std::vector<std::string> out;
  for (auto& p : c->phones)
    if (carriers::country_code(p)) out.push_back(p);
  return out;
}

}  // namespace

asio::awaitable<result<std::vector<store::consent_entry>>> consent_history(context& ctx, id_t ws, id_t contact_id) {
  auto job = [ws, contact_id](store::unit_of_work& uow) {
    return uow.consent().history(ws, textable_phones(uow, ws, contact_id));
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<store::consent_entry>>> record_consent(context& ctx, store::principal who,
                                                                          id_t contact_id, consent_change change,
                                                                          std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, contact_id, change, ip, at](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto phones = textable_phones(uow, ws, contact_id);
    if (change.phone) {
      if (std::find(phones.begin(), phones.end(), *change.phone) == phones.end())
        throw store::job_error("INVALID_INPUT", "phone: not one of this contact's phones");
      phones = {*change.phone};
    }
    if (phones.empty()) throw store::job_error("INVALID_INPUT", "the contact has no phone that takes texts");
    if (change.number_id) {
      auto n = uow.numbers().find(ws, *change.number_id);
      if (!n || n->status != "active") throw store::job_error("INVALID_INPUT", "number_id: no such active number");
    }
    std::vector<store::consent_entry> out;
    for (auto& phone : phones) {
      store::consent_entry e;
      e.workspace_id = ws;
      e.phone = phone;
      e.number_id = change.number_id;
      e.state = change.state;
      e.source = who.via_api_key ? "api" : "agent";
      e.teammate_id = who.teammate_id;
      e.note = change.note;
      e.created_at = at;
      e.id = uow.consent().record(e);
      out.push_back(e);
    }
    nlohmann::json details{{"state", change.state}, {"phones", phones.size()}};
    if (change.number_id) details["number_id"] = id_str(*change.number_id);
    uow.auth().audit(ws, who.teammate_id, "contact.consent_recorded", "contact", contact_id, details, ip, at);
    return out;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<resolved_suggestion>> resolve_consent_suggestion(context& ctx, store::principal who,
                                                                       id_t conversation_id, id_t message_id,
                                                                       std::string action, std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, conversation_id, message_id, action, ip, at](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto c = uow.conversations().find(ws, conversation_id);
    if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
    auto m = uow.messages().find(ws, message_id);
    if (!m || m->conversation_id != conversation_id) throw store::job_error("NOT_FOUND", "message not found");
    auto meta = m->metadata.is_object() ? m->metadata : nlohmann::json::object();
    routing::suggestion_facts f;
    f.action = action;
    f.suggestion = meta.value("consent_suggestion", std::string());
    f.resolved = meta.contains("consent_suggestion_resolved");
    f.opted_out = opted_out_of_texts(uow, ws, *c);
    // The line the customer texted, as a STOP applies to it; each of their phones,
    // since the message does not say which one it came from.
    auto number = uow.conversations().number_of(ws, conversation_id);
    std::vector<std::string> phones;
    for (auto& p : uow.conversations().reply_context_of(ws, *c).phones)
      if (carriers::country_code(p)) phones.push_back(p);
    f.textable = !phones.empty();
    f.teammate = who.name;
    f.words = m->body;
    auto plan = routing::plan_suggestion(f);
    // CONFLICT_STATE: a 409 CONFLICT, not the unique index's ALREADY_EXISTS.
    if (!plan.error_code.empty())
      throw store::job_error(plan.error_code == "CONFLICT" ? "CONFLICT_STATE" : plan.error_code, plan.error);
    meta["consent_suggestion_resolved"] = plan.resolved;
    meta["consent_suggestion_resolved_by"] = id_str(who.teammate_id);
    meta["consent_suggestion_resolved_at"] = at;
    uow.messages().update_item(ws, message_id, m->body, m->status, meta);
    resolved_suggestion out;
    out.message = *uow.messages().find(ws, message_id);
    if (plan.record) {
      for (auto& phone : phones) {
        store::consent_entry e;
        e.workspace_id = ws;
        e.phone = phone;
        e.number_id = number;
        e.state = *plan.record;
        e.source = who.via_api_key ? "api" : "agent";
        e.message_id = message_id;
        e.teammate_id = who.teammate_id;
        e.note = "confirmed from the customer's message";
        e.created_at = at;
        e.id = uow.consent().record(e);
        out.entries.push_back(e);
      }
      if (!plan.event.empty()) out.event = add_system_event(uow, ws, conversation_id, "sms", plan.event, at);
      nlohmann::json details{{"state", *plan.record}, {"phones", phones.size()}, {"message_id", id_str(message_id)}};
      if (number) details["number_id"] = id_str(*number);
      uow.auth().audit(ws, who.teammate_id, "contact.consent_recorded", "contact", c->contact_id, details, ip, at);
    }
    out.conversation = uow.conversations().find(ws, conversation_id);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  auto ws = who.workspace_id;
  ctx.hub.publish(ws, agents_topic, "message.updated", to_json(r->message));
  if (r->event) ctx.hub.publish(ws, agents_topic, "message.created", to_json(*r->event));
  if (r->event && r->conversation) ctx.hub.publish(ws, agents_topic, "conversation.updated", to_json(*r->conversation));
  co_return std::move(*r);
}

}  // namespace switchboard::services
