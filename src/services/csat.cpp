// CSAT surveys (issue 21): sent in the write that resolves a conversation, answered
// in the widget, by a reply text or on the public /survey/{token} page.
#include "switchboard/services/csat.hpp"
#include "switchboard/services/reports.hpp"

#include "switchboard/core/clock.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/visitors.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::services {

namespace {

using json = nlohmann::json;
using store::id_t;

constexpr const char* widget_question = "How would you rate this conversation?";

std::string after_text(const std::string& at, std::chrono::hours window) {
  auto t = parse_rfc3339(at);
  return format_rfc3339((t ? *t : system_now()) + window);
}

}  // namespace

std::optional<csat_sent> send_csat_survey(store::unit_of_work& uow, const store::conversation& before,
                                          const store::conversation& after, const std::string& at) {
  if (before.status == "resolved" || after.status != "resolved") return std::nullopt;
  auto ws = after.workspace_id;
  auto settings = routing::parse_csat_settings(uow.workspaces().setting(ws, csat_setting_name));
  routing::csat_facts f;
  f.channel = after.channel;
  f.was_resolved = false;
  f.now_resolved = true;
  std::optional<id_t> line;
  std::optional<std::string> phone;
  if (after.channel == "sms") {
    line = uow.conversations().number_of(ws, after.id);
    phone = after.contact_phone;
    if (!phone) {
      auto rc = uow.conversations().reply_context_of(ws, after);
      if (!rc.phones.empty()) phone = rc.phones.front();
    }
    f.sms_reachable = line && phone;
    f.opted_out = settings.sms && f.sms_reachable && opted_out_of_texts(uow, ws, after);
  }
  auto plan = routing::plan_csat(f, settings);
  if (plan == routing::csat_send::none) return std::nullopt;

  csat_sent out;
  auto& s = out.survey;
  s.workspace_id = ws;
  s.conversation_id = after.id;
  s.contact_id = after.contact_id;
  s.channel = routing::csat_channel_name(plan);
  s.token = random_alnum(32);
  s.teammate_id = after.assignee_id;
  s.sent_at = at;
  s.expires_at = after_text(at, plan == routing::csat_send::sms ? routing::csat_sms_window : routing::csat_link_window);
  if (plan == routing::csat_send::widget) {
    store::message m;
    m.workspace_id = ws;
    m.conversation_id = after.id;
    m.direction = "outbound";
    m.sender_kind = "bot";
    m.channel = "chat";
    m.body = widget_question;
    m.status = "delivered";
    m.metadata = {{"csat", {{"rating", nullptr}}}};
    m.created_at = at;
    auto mid = add_message(uow, m);
    out.item = uow.messages().find(ws, mid);
    s.message_id = mid;
  } else if (plan == routing::csat_send::sms) {
    s.number_id = line;
    s.phone = phone;
    out.item = queue_sms(uow, ws, after.id, "bot", std::nullopt, std::string(routing::csat_sms_question), at,
                         {{"csat", {{"rating", nullptr}}}});
    s.message_id = out.item->id;
  }
  s.id = uow.csat().insert(s);
  report_log(uow, ws).csat_sent(after, s);
  return out;
}

void publish_csat_sent(context& ctx, const csat_sent& s, const store::conversation& c,
                       const std::optional<std::string>& widget_starter) {
  if (!s.item) return;
  auto ws = c.workspace_id;
  if (s.survey.channel == "sms" && ctx.outbox_ready) ctx.outbox_ready();
  ctx.hub.publish(ws, agents_topic, "message.created", to_json(*s.item));
  if (s.survey.channel == "widget")
    publish_to_visitors(ctx, ws, c.contact_id, widget_starter, "message.created", visitor_message_json(*s.item));
}

json csat_event_json(const store::csat::survey& s) {
  return {{"id", id_str(s.id)},
          {"conversation_id", id_str(s.conversation_id)},
          {"contact_id", id_str(s.contact_id)},
          {"teammate_id", opt_id(s.teammate_id)},
          {"channel", s.channel},
          {"rating", s.rating ? json(*s.rating) : json(nullptr)},
          {"comment", s.comment ? json(*s.comment) : json(nullptr)},
          {"sent_at", s.sent_at},
          {"answered_at", s.answered_at ? json(*s.answered_at) : json(nullptr)}};
}

json csat_json(const std::optional<store::csat::survey>& s, const std::string& public_url) {
  if (!s) return nullptr;
  auto j = csat_event_json(*s);
  j.erase("conversation_id");
  j.erase("contact_id");
  j["status"] = s->status;
  j["expires_at"] = s->expires_at;
  j["link"] = s->channel == "link" ? json(public_url + "/survey/" + s->token) : json(nullptr);
  return j;
}

csat_answered record_csat_answer(store::unit_of_work& uow, const store::csat::survey& s, int rating,
                                 const std::optional<std::string>& comment, const std::string& at) {
  auto ws = s.workspace_id;
  if (s.status != "sent") throw store::job_error("CONFLICT_STATE", "this survey was already answered");
  if (s.expires_at <= at) throw store::job_error("CONFLICT_STATE", "this survey has expired");
  if (!uow.csat().answer(ws, s.id, rating, comment, at))
    throw store::job_error("CONFLICT_STATE", "this survey was already answered");
  auto c = uow.conversations().find(ws, s.conversation_id);
  if (!c) throw store::job_error("NOT_FOUND", "conversation not found");
  csat_answered out{*uow.csat().find(ws, s.id), *c, std::nullopt, uow.widget().starter_of(ws, c->id)};
  if (s.message_id) {
    if (auto m = uow.messages().find(ws, *s.message_id)) {
      auto meta = m->metadata.is_object() ? m->metadata : json::object();
      meta["csat"] = {{"rating", rating}};
      uow.messages().update_item(ws, m->id, m->body, m->status, meta);
      out.item = uow.messages().find(ws, m->id);
    }
  }
  report_log(uow, ws).csat_rated(*c, s, rating, at);
  emit_webhook(uow, ws, "csat.submitted", csat_event_json(out.survey), at, c->contact_id);
  return out;
}

void publish_csat_answered(context& ctx, const csat_answered& a) {
  auto ws = a.conversation.workspace_id;
  ctx.hub.publish(ws, agents_topic, "conversation.updated", to_json(a.conversation));
  if (a.item) {
    ctx.hub.publish(ws, agents_topic, "message.updated", to_json(*a.item));
    if (a.survey.channel == "widget")
      publish_to_visitors(ctx, ws, a.conversation.contact_id, a.widget_starter, "message.updated",
                          visitor_message_json(*a.item));
  }
}

boost::asio::awaitable<result<routing::csat_settings>> csat_settings_of(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.workspaces().setting(ws, csat_setting_name); };
  auto stored = co_await ctx.db.read(std::move(job));
  if (!stored) co_return stored.err();
  co_return routing::parse_csat_settings(*stored);
}

boost::asio::awaitable<result<routing::csat_settings>> update_csat_settings(context& ctx, store::principal who,
                                                                            std::string ip, json body) {
  auto ws = who.workspace_id;
  auto at = now_text(ctx);
  auto job = [ws, who, ip, body, at](store::unit_of_work& uow) {
    auto current = routing::parse_csat_settings(uow.workspaces().setting(ws, csat_setting_name));
    std::string bad;
    auto next = routing::patch_csat_settings(current, body, bad);
    if (!next) throw store::job_error("INVALID_INPUT", bad + " must be true or false");
    uow.workspaces().put_setting(ws, csat_setting_name, routing::to_json(*next).dump(), at);
    uow.auth().audit(ws, who.teammate_id, "csat.updated", "workspace", ws, body, ip, at);
    return *next;
  };
  co_return co_await ctx.db.write(std::move(job));
}

boost::asio::awaitable<result<std::optional<store::csat::survey>>> conversation_csat(context& ctx, id_t ws,
                                                                                     id_t conversation_id) {
  auto job = [ws, conversation_id](store::unit_of_work& uow) {
    return uow.csat().latest_for_conversation(ws, conversation_id);
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<contact_csat>> csat_of_contact(context& ctx, id_t ws, id_t contact_id) {
  auto job = [ws, contact_id](store::unit_of_work& uow) {
    return contact_csat{uow.csat().summary_of_contact(ws, contact_id),
                        uow.csat().answered_for_contact(ws, contact_id, 5)};
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<csat_answered>> answer_widget_csat(context& ctx, visitor_ref v, id_t conversation_id,
                                                                 int rating, std::optional<std::string> comment) {
  auto at = now_text(ctx);
  auto job = [v, conversation_id, rating, comment, at](store::unit_of_work& uow) {
    auto c = uow.conversations().find(v.workspace_id, conversation_id);
    if (!c || !visitor_may_see(uow, v, *c)) throw store::job_error("NOT_FOUND", "conversation not found");
    auto s = uow.csat().latest_for_conversation(v.workspace_id, conversation_id);
    if (!s || s->channel != "widget") throw store::job_error("NOT_FOUND", "this conversation has no survey");
    return record_csat_answer(uow, *s, rating, comment, at);
  };
  auto a = co_await ctx.db.write(std::move(job));
  if (a) publish_csat_answered(ctx, *a);
  co_return a;
}

boost::asio::awaitable<result<std::optional<store::csat::survey>>> survey_by_token(context& ctx, std::string token) {
  auto job = [token](store::unit_of_work& uow) { return uow.csat().find_by_token(token); };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<csat_answered>> answer_survey_by_token(context& ctx, std::string token, int rating,
                                                                     std::optional<std::string> comment) {
  auto at = now_text(ctx);
  auto job = [token, rating, comment, at](store::unit_of_work& uow) {
    auto s = uow.csat().find_by_token(token);
    if (!s) throw store::job_error("NOT_FOUND", "no such survey");
    return record_csat_answer(uow, *s, rating, comment, at);
  };
  auto a = co_await ctx.db.write(std::move(job));
  if (a) publish_csat_answered(ctx, *a);
  co_return a;
}

}  // namespace switchboard::services
