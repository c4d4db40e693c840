// A text arriving on a line. The facts (the line, its owner, who the sender is,
// the customer's thread, the line's hours) are read inside the write job that
// applies what routing/ decides, so the decision and its rows commit together.
#include "switchboard/services/inbound_message.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/services/webhooks.hpp"

#include "switchboard/services/answer_bot.hpp"
#include "switchboard/services/media.hpp"

#include <spdlog/spdlog.h>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/twiml.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/routing/consent.hpp"
#include "switchboard/routing/csat.hpp"
#include "switchboard/routing/inbound.hpp"
#include "switchboard/routing/sms.hpp"
#include "switchboard/services/click_to_call.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::services {

namespace {

namespace nums = store::numbers;

struct text_job {
  inbound_text in;
  std::string at;
  routing_settings settings;
  texting_settings texting;
  std::string public_url;  // for links in the Teams card
  bool want_events = true;
};

struct text_outcome {
  std::string twiml;
  store::id_t workspace_id = 0, conversation_id = 0;  // 0: no customer thread was touched
  // Read back for the events only when some agent socket was open (`want_events`);
  // otherwise receive_text reads them after the commit if one has opened since.
  std::optional<store::conversation> conversation;
  bool created = false;
  std::optional<store::message> message;
  bool wake_outbox = false;  // an SMS was queued (a forward, a reply, an answer to the teammate)
  std::optional<store::message> auto_reply;  // the after-hours reply, when one went out
  std::vector<store::message> consent_items;  // a keyword's system item and answer
  std::optional<csat_answered> csat;          // the text answered a CSAT survey
  // For the outbound webhooks: a new contact, and a reused conversation's status before the text.
  bool contact_created = false;
  std::optional<std::string> previous_status;
};

void log_undeliverable(store::unit_of_work& uow, const text_job& j, std::optional<store::id_t> ws, const std::string& why) {
  const auto& in = j.in;
  spdlog::warn("sms {} from {} to {} ({}) not delivered: {}", in.sid, in.from, in.to, in.carrier, why);
  uow.routing().record_undeliverable({0, ws, in.carrier, "sms", in.sid, in.from, in.to, why, in.body, j.at});
}

// A shared line outside its hours answers once per closed period and conversation.
void answer_after_hours(store::unit_of_work& uow, const nums::number_row& number, store::id_t conversation_id,
                        const text_job& j, text_outcome& out) {
  if (!number.owner_team_id) return;  // only shared lines answer on their own
  auto now = parse_rfc3339(j.at);
  if (!now) return;
  auto ws = number.workspace_id;
  auto line = line_of(uow, number);
  routing::after_hours_facts f;
  f.team_line = true;
  f.sender_textable = carriers::country_code(j.in.from).has_value();
  f.hours = line.hours;
  f.now = *now;
  if (auto text = uow.routing().after_hours_replied_at(ws, conversation_id)) f.last_reply = parse_rfc3339(*text);
  f.configured_reply = line.settings.after_hours_reply;
  auto reply = routing::after_hours_reply(f);
  if (!reply) return;
  out.auto_reply = queue_sms(uow, ws, conversation_id, "bot", std::nullopt, *reply, j.at);
  uow.routing().set_after_hours_replied(ws, conversation_id, j.at);
  out.wake_outbox = true;
}

// A keyword's effect (routing/consent.hpp): the ledger entry, the thread's system
// item, and the answer, which goes out even to someone who just opted out (the one
// text CTIA expects after STOP).
void apply_consent(store::unit_of_work& uow, const nums::number_row& number, store::id_t conversation_id,
                   store::id_t message_id, const routing::consent_plan& plan, const text_job& j, text_outcome& out) {
  auto ws = number.workspace_id;
  if (plan.record) {
    store::consent_entry e;
    e.workspace_id = ws;
    e.phone = j.in.from;
    e.number_id = number.id;
    e.state = *plan.record;
    e.source = "keyword";
    e.message_id = message_id;
    e.created_at = j.at;
    uow.consent().record(e);
  }
  if (!plan.event.empty()) out.consent_items.push_back(add_system_event(uow, ws, conversation_id, "sms", plan.event, j.at));
  using answer = routing::consent_plan::answer;
  std::string text = plan.reply == answer::opted_out  ? j.texting.opt_out_reply
                     : plan.reply == answer::opted_in ? j.texting.opt_in_reply
                     : plan.reply == answer::help     ? j.texting.help_reply
                                                      : std::string();
  const char* what = plan.reply == answer::opted_out  ? "opted_out"
                     : plan.reply == answer::opted_in ? "opted_in"
                                                      : "help";
  if (text.empty() || !carriers::country_code(j.in.from)) return;  // none configured, or a short code
  // Marked, so the dispatcher's send-time check lets the confirmation of a STOP go.
  out.consent_items.push_back(queue_sms(uow, ws, conversation_id, "bot", std::nullopt,
                                        routing::fill_business(text, uow.workspaces().name_of(ws).value_or("")), j.at,
                                        {{"consent_answer", what}}));
  out.wake_outbox = true;
}

// The owner texting their own line from their own phone: a command (routing/sms.hpp).
void teammate_speaks(store::unit_of_work& uow, const text_job& j, const nums::number_row& number,
                     const store::teammate& tm, text_outcome& out) {
  const auto& in = j.in;
  auto ws = number.workspace_id;
  auto said = routing::parse_teammate_text(in.body);
  routing::phone_context pc;
  for (auto& c : uow.routing().active_on_number(ws, tm.id, number.id, 9))
    pc.active.push_back({uow.routing().selector_for(ws, tm.id, c.conversation_id, j.at), c.conversation_id,
                         c.who.rfind('+', 0) == 0 ? carriers::format_display(c.who) : c.who});
  if (said.selector > 0) {
    auto cid = uow.routing().conversation_of(tm.id, said.selector);
    if (cid && uow.conversations().find(ws, *cid)) pc.selected = cid;
  }
  if (auto st = uow.routing().sticky_of(tm.id)) {
    pc.sticky = st->conversation_id;
    pc.sticky_at = parse_rfc3339(st->at);
  }
  pc.now = parse_rfc3339(j.at).value_or(std::chrono::system_clock::now());
  pc.sticky_idle = j.settings.sticky_idle;
  auto d = routing::decide_teammate_text(said, pc);
  switch (d.what) {
    case routing::phone_decision::action::reply: {
      if (auto c = uow.conversations().find(ws, *d.conversation_id); c && opted_out_of_texts(uow, ws, *c)) {
        queue_relay(uow, ws, number.id, in.from, "Not sent: " + who_of(c, "") + " opted out of texts", j.at,
                    d.conversation_id);
        break;
      }
      out.message = queue_sms(uow, ws, *d.conversation_id, "teammate", tm.id, d.text, j.at);
      uow.routing().set_sticky(ws, tm.id, *d.conversation_id, j.at);
      out.conversation = uow.conversations().find(ws, *d.conversation_id);
      break;
    }
    case routing::phone_decision::action::call:
      // Click-to-call from the phone: the line rings this phone, then dials the customer.
      try {
        auto item = queue_click_to_call(uow, ws, tm.id, *d.conversation_id, j.at);
        uow.routing().set_sticky(ws, tm.id, *d.conversation_id, j.at);
        out.message = item;
        out.conversation = uow.conversations().find(ws, *d.conversation_id);
      } catch (const store::job_error& e) {
        queue_relay(uow, ws, number.id, in.from, std::string("Cannot call: ") + e.what(), j.at, d.conversation_id);
      }
      break;
    case routing::phone_decision::action::tell:
      queue_relay(uow, ws, number.id, in.from, d.to_teammate, j.at, d.conversation_id);
      break;
  }
  out.wake_outbox = true;
}

text_outcome store_text(store::unit_of_work& uow, const text_job& j) {
  const auto& in = j.in;
  text_outcome out;
  // Never an error for what we cannot deliver: the carrier would retry forever.
  out.twiml = carriers::twiml::render({});
  auto number = uow.numbers().find_active(in.to);
  // A retry answers the same and stores nothing new. A customer's text is known by
  // its message (unique per workspace, channel and MessageSid; see the DUPLICATE
  // below), which saves a webhook_events row per text; texts that store no customer
  // message (undeliverable, a teammate's own command) claim a webhook_events row.
  auto first_time = [&](std::optional<store::id_t> ws) {
    auto seen = uow.numbers().claim_webhook(in.carrier, in.sid, "sms", ws, out.twiml, j.at);
    if (seen) out.twiml = *seen;
    return !seen;
  };
  if (!number) {
    if (first_time(std::nullopt)) log_undeliverable(uow, j, std::nullopt, "no active number " + in.to);
    return out;
  }
  auto ws = number->workspace_id;
  std::optional<store::teammate> owner;
  if (number->owner_teammate_id) owner = uow.teammates().find(ws, *number->owner_teammate_id);
  auto sender = uow.numbers().classify_sender(in.from);
  routing::inbound_facts facts{.number_known = true,
                               .from_is_our_line = sender.our_line,
                               .from_is_owner_phone = owner && owner->physical_number == in.from,
                               .from_is_teammate_phone = sender.teammate_phone};
  switch (routing::classify_inbound(facts)) {
    case routing::inbound_kind::loop:
      // One of our own lines texting another would bounce forever.
      if (first_time(ws))
        log_undeliverable(uow, j, ws, "loop guard: the sender " + in.from + " is one of our virtual numbers");
      return out;
    case routing::inbound_kind::owner:
      if (first_time(ws)) teammate_speaks(uow, j, *number, *owner, out);
      return out;
    case routing::inbound_kind::other_teammate:
      // Another teammate's own phone is never a customer.
      if (first_time(ws)) log_undeliverable(uow, j, ws, "the sender is a teammate's own phone, not this line's owner");
      return out;
    case routing::inbound_kind::unknown_number:
    case routing::inbound_kind::customer:
      break;
  }

  // A bare 1..5 answering this line's CSAT text within its 24 hours is the rating:
  // recorded, never a message, and no conversation opens or reopens (issue 21).
  if (auto rating = routing::parse_csat_answer(in.body)) {
    // A carrier's retry of a text already taken as a rating (its webhook_events row
    // says so): answered the same, nothing stored.
    if (auto seen = uow.numbers().webhook_response(in.carrier, in.sid, "sms")) {
      out.twiml = *seen;
      return out;
    }
    if (auto survey = uow.csat().find_open_sms(ws, in.from, number->id, j.at)) {
      if (first_time(ws)) out.csat = record_csat_answer(uow, *survey, *rating, std::nullopt, j.at);
      return out;
    }
  }

  auto th = resolve_thread(uow, *number, in.from, "sms", j.at, j.settings.new_conversation_after_resolved);
  out.created = th.created;
  out.contact_created = th.contact_created;
  out.previous_status = th.reused_status;
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = th.conversation_id;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.sender_id = th.contact_id;
  m.channel = "sms";
  m.body = in.body;
  m.status = "received";
  m.external_id = in.sid;
  // A carrier's files are downloaded by the outbox (media.fetch) after this commit:
  // the text is never held up or lost for them; until then each item is pending.
  bool media_pending = false;
  m.media = nlohmann::json::array();
  for (auto& item : in.media) {
    if (!item.is_object()) continue;
    if (item.contains("id")) {  // already stored (the sandbox's own uploads)
      m.media.push_back(item);
      continue;
    }
    m.media.push_back({{"pending", true},
                       {"url", item.value("url", std::string())},
                       {"content_type", item.value("content_type", std::string())},
                       {"carrier", in.carrier}});
    media_pending = true;
  }
  m.created_at = j.at;
  const bool was_opted_out = uow.consent().opted_out(ws, in.from, number->id);
  const auto consent = routing::plan_consent(in.body, was_opted_out);
  // Free text that may revoke consent is marked for an agent to confirm; never applied.
  if (consent.what == routing::keyword::none && routing::may_revoke_consent(in.body))
    m.metadata["consent_suggestion"] = "opt_out";
  // The message's own INSERT finds a retry (no lookup before it): the job then
  // fails, and rolls back whatever it did for it (a contact, a conversation).
  auto inserted = add_message_once(uow, m, !th.open);
  if (!inserted) throw store::job_error("DUPLICATE", "message " + in.sid + " is already stored");
  auto mid = *inserted;
  out.workspace_id = ws;
  out.conversation_id = th.conversation_id;
  m.id = mid;
  if (media_pending) {
    uow.outbox().enqueue(ws, media_fetch_kind, {{"message_id", mid}, {"conversation_id", th.conversation_id}}, j.at);
    out.wake_outbox = true;
  }
  if (teams::mirror_item(uow, m, j.public_url, j.at)) out.wake_outbox = true;
  if (j.want_events) out.message = uow.messages().find(ws, mid);
  apply_consent(uow, *number, th.conversation_id, mid, consent, j, out);
  // No automated answer to a keyword (it had its own) or to someone opted out.
  if (consent.what == routing::keyword::none && !was_opted_out)
    answer_after_hours(uow, *number, th.conversation_id, j, out);
  bool forwards = owner && routing::forwards_to_phone(owner->sms_forwarding, owner->physical_number);
  if (j.want_events || forwards) out.conversation = uow.conversations().find(ws, th.conversation_id);
  if (!owner) return out;
  uow.routing().set_sticky(ws, owner->id, th.conversation_id, j.at);
  if (!forwards) return out;
  routing::forward_facts fwd{owner->sms_forwarding, owner->physical_number,
                             uow.routing().selector_for(ws, owner->id, th.conversation_id, j.at),
                             who_of(out.conversation, in.from),
                             // A keyword reaches the owner's phone as a notice, never as the customer's words.
                             consent.what == routing::keyword::none ? in.body : consent.relay_notice,
                             consent.what == routing::keyword::none && in.media.is_array() ? in.media.size() : 0};
  auto relay = routing::forward_to_phone(fwd);
  queue_relay(uow, ws, number->id, relay->to, relay->body, j.at, th.conversation_id);
  out.wake_outbox = true;
  return out;
}

// The outbound webhooks of a text (issue 21), in its own job: the conversation
// and the items it stored, read back only when an endpoint asks for them.
void emit_text_webhooks(store::unit_of_work& uow, const text_job& j, const text_outcome& out) {
  auto ws = out.workspace_id ? out.workspace_id : out.conversation ? out.conversation->workspace_id : 0;
  auto cid = out.conversation_id ? out.conversation_id : out.conversation ? out.conversation->id : 0;
  if (!ws || !cid) return;
  webhook_events events(uow, ws, j.at);
  const char* conversation_event = out.created ? "conversation.created" : "conversation.updated";
  bool reopened = out.previous_status.has_value();  // compared below, once the conversation is read
  bool want_conversation = events.wanted(conversation_event), want_messages = events.wanted("message.created");
  bool want_contact = out.contact_created && events.wanted("contact.created");
  bool want_status = reopened && events.wanted("conversation.status_changed");
  if (!want_conversation && !want_messages && !want_contact && !want_status) return;
  auto c = out.conversation ? out.conversation : uow.conversations().find(ws, cid);
  if (!c) return;
  if (want_contact)
    if (auto k = uow.contacts().find(ws, c->contact_id)) events.emit("contact.created", to_json(*k), c->contact_id);
  events.emit(conversation_event, to_json(*c), c->contact_id);
  if (want_status && c->status != *out.previous_status) {
    auto changed = to_json(*c);
    changed["previous_status"] = *out.previous_status;
    events.emit("conversation.status_changed", changed, c->contact_id);
  }
  if (!want_messages) return;
  auto m = out.message;
  if (!m && out.conversation_id) m = uow.messages().find_by_external(ws, "sms", j.in.sid);
  if (m) events.emit("message.created", to_json(*m), c->contact_id);
  if (out.auto_reply) events.emit("message.created", to_json(*out.auto_reply), c->contact_id);
  for (auto& item : out.consent_items) events.emit("message.created", to_json(item), c->contact_id);
}

}  // namespace

boost::asio::awaitable<result<std::string>> receive_text(context& ctx, inbound_text in) {
  auto sid = in.sid;
  // With no socket open anywhere the job skips reading rows back for events nobody gets.
  text_job j{std::move(in), now_text(ctx), ctx.routing, ctx.texting, ctx.carriers.public_url, ctx.hub.subscribers() > 0};
  auto job = [j = std::move(j)](store::unit_of_work& uow) {
    auto out = store_text(uow, j);
    emit_text_webhooks(uow, j, out);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  // A retry of a stored text gets the first answer (a customer's text has no TwiML).
  if (!r && r.err().code == "DUPLICATE") co_return carriers::twiml::render({});
  // Acknowledge only what committed: an error makes the carrier retry.
  if (!r) co_return error{"INTERNAL", "could not store the message"};
  if (r->csat) publish_csat_answered(ctx, *r->csat);
  auto ws = r->workspace_id;
  if (r->conversation_id && ctx.hub.has_subscribers(ws, agents_topic)) {
    if (!r->message) {  // a socket opened during the write
      auto cid = r->conversation_id;
      auto read = [ws, cid, sid](store::unit_of_work& uow) {
        return std::make_pair(uow.conversations().find(ws, cid), uow.messages().find_by_external(ws, "sms", sid));
      };
      auto rows = co_await ctx.db.read(std::move(read));
      if (rows) std::tie(r->conversation, r->message) = std::move(*rows);
    }
    if (r->conversation)
      ctx.hub.publish(ws, agents_topic, r->created ? "conversation.created" : "conversation.updated",
                      to_json(*r->conversation));
    if (r->message) ctx.hub.publish(ws, agents_topic, "message.created", to_json(*r->message));
    if (r->auto_reply) ctx.hub.publish(ws, agents_topic, "message.created", to_json(*r->auto_reply));
    for (auto& item : r->consent_items) ctx.hub.publish(ws, agents_topic, "message.created", to_json(item));
  }
  if (r->wake_outbox && ctx.outbox_ready) ctx.outbox_ready();
  // The answer bot, when on for SMS, answers a customer's text in the background.
  if (r->conversation_id) after_customer_message(ctx, ws, r->conversation_id);
  co_return std::move(r->twiml);
}

}  // namespace switchboard::services
