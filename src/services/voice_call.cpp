// The call flows. Each step reads its facts (the call item, the line, its owner)
// inside the write job that stores what routing/voice.hpp decides, and answers
// with the TwiML routing/ built.
#include "switchboard/services/voice_call.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/services/webhooks.hpp"

#include <functional>

#include <spdlog/spdlog.h>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/twiml.hpp"
#include "switchboard/routing/sms.hpp"
#include "switchboard/routing/voice.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::services {

namespace {

using nlohmann::json;

const std::string empty_twiml = carriers::twiml::render({});

std::string param(const carriers::param_list& ps, std::string_view name) {
  for (auto& [k, v] : ps)
    if (k == name) return v;
  return {};
}

// Where the carrier asks for a call's next step.
std::string step_base_of(const context& ctx, const std::string& carrier) {
  return ctx.carriers.public_url + "/webhooks/" + carrier + "/voice";
}

struct call_result {
  std::string twiml;
  std::optional<store::conversation> conversation;
  bool created = false;
  std::vector<store::message> created_items, updated_items;
  bool wake_outbox = false;  // the owner's phone was told (missed call, voicemail)
};

// Tells a line owner who forwards texts to their phone about a call: "@2 Dana: Missed call".

// The outbound webhooks of a call's step (issue 21): its conversation, the items it
// stored or changed, a voicemail left, and a call that ended (`call_ended`).
void emit_call_webhooks(store::unit_of_work& uow, const call_result& r, const std::string& at, bool call_ended) {
  if (!r.conversation) {
    if (r.created_items.empty() && r.updated_items.empty()) return;
  }
  auto ws = r.conversation ? r.conversation->workspace_id
                           : (!r.created_items.empty() ? r.created_items.front() : r.updated_items.front()).workspace_id;
  webhook_events events(uow, ws, at);
  std::optional<store::id_t> contact;
  if (r.conversation) {
    contact = r.conversation->contact_id;
    events.emit(r.created ? "conversation.created" : "conversation.updated", to_json(*r.conversation), contact);
  }
  auto contact_of = [&](const store::message& m) {
    if (contact) return contact;
    auto c = uow.conversations().find(m.workspace_id, m.conversation_id);
    if (c) contact = c->contact_id;
    return contact;
  };
  for (auto& m : r.created_items) {
    if (!events.wanted("message.created") && !(m.kind == "voicemail" && events.wanted("voicemail.created"))) continue;
    events.emit("message.created", to_json(m), contact_of(m));
    if (m.kind == "voicemail") events.emit("voicemail.created", to_json(m), contact_of(m));
  }
  for (auto& m : r.updated_items) {
    if (!events.wanted("message.updated") && !(call_ended && events.wanted("call.completed"))) continue;
    events.emit("message.updated", to_json(m), contact_of(m));
    if (call_ended && m.kind != "voicemail") events.emit("call.completed", to_json(m), contact_of(m));
  }
}

void publish_call_result(context& ctx, const call_result& r) {
  if (r.conversation) {
    auto ws = r.conversation->workspace_id;
    ctx.hub.publish(ws, agents_topic, r.created ? "conversation.created" : "conversation.updated",
                    to_json(*r.conversation));
  }
  for (auto& m : r.created_items) ctx.hub.publish(m.workspace_id, agents_topic, "message.created", to_json(m));
  for (auto& m : r.updated_items) ctx.hub.publish(m.workspace_id, agents_topic, "message.updated", to_json(m));
  if (r.wake_outbox && ctx.outbox_ready) ctx.outbox_ready();
}

}  // namespace

// A customer calls a business number. The call becomes a thread item at once (so
// agents see it ring); the caller hears the owner's phone ring, the team's, or the
// line's greeting and voicemail.
boost::asio::awaitable<result<std::string>> receive_call(context& ctx, inbound_call c) {
  auto at = now_text(ctx);
  auto step_base = step_base_of(ctx, c.carrier);
  const auto& carrier = c.carrier;
  const auto& sid = c.sid;
  const auto& f = c.from;
  const auto& t = c.to;
  const auto& status = c.status;
  auto job = [carrier, sid, f, t, status, at, step_base](store::unit_of_work& uow) {
    call_result out;
    if (auto seen = uow.numbers().webhook_response(carrier, sid, "voice")) {
      out.twiml = *seen;
      return out;
    }
    auto number = uow.numbers().find_active(t);
    if (!number) {
      spdlog::warn("call {} from {} to {} ({}) not delivered: no active number", sid, f, t, carrier);
      uow.routing().record_undeliverable({0, std::nullopt, carrier, "voice", sid, f, t, "no active number " + t, "", at});
      out.twiml = carriers::twiml::render(routing::not_in_service());
      uow.numbers().record_webhook(carrier, sid, "voice", std::nullopt, out.twiml, at);
      return out;
    }
    // Who is calling, decided as for a text (routing::classify_inbound): one of our
    // lines (the loop guard), the line's owner, another teammate's own phone, or a customer.
    std::optional<store::teammate> owner;
    if (number->owner_teammate_id) owner = uow.teammates().find(number->workspace_id, *number->owner_teammate_id);
    auto sender = uow.numbers().classify_sender(f);
    routing::inbound_facts facts{.number_known = true,
                                 .from_is_our_line = sender.our_line,
                                 .from_is_owner_phone = owner && owner->physical_number == f,
                                 .from_is_teammate_phone = sender.teammate_phone};
    auto refuse = [&](const std::string& why) {
      spdlog::warn("call {} from {} to {} ({}) refused: {}", sid, f, t, carrier, why);
      uow.routing().record_undeliverable({0, number->workspace_id, carrier, "voice", sid, f, t, why, "", at});
      out.twiml = carriers::twiml::render(routing::say_and_hang_up("This call cannot be completed."));
      uow.numbers().record_webhook(carrier, sid, "voice", number->workspace_id, out.twiml, at);
      return out;
    };
    switch (routing::classify_inbound(facts)) {
      case routing::inbound_kind::loop:
        return refuse("loop guard: the caller is one of our virtual numbers");
      case routing::inbound_kind::other_teammate:
        return refuse("the caller is a teammate's own phone, not this line's owner");
      case routing::inbound_kind::owner:
        // The owner calling their own line from their phone: they call out as the business.
        out.twiml = carriers::twiml::render(routing::outbound_prompt(step_base));
        uow.numbers().record_webhook(carrier, sid, "voice", number->workspace_id, out.twiml, at);
        return out;
      case routing::inbound_kind::unknown_number:
      case routing::inbound_kind::customer:
        break;
    }
    auto th = resolve_thread(uow, *number, f, "voice", at);
    out.created = th.created;
    store::message m;
    m.workspace_id = th.workspace_id;
    m.conversation_id = th.conversation_id;
    m.direction = "inbound";
    m.sender_kind = "contact";
    m.sender_id = th.contact_id;
    m.channel = "voice";
    m.kind = "call";
    m.status = "received";
    m.external_id = sid;
    m.body = routing::call_summary(status, false, false, 0);
    m.metadata = {{"call_sid", sid}, {"from", f}, {"to", t}, {"status", status}, {"connected", false},
                  {"voicemail", false}, {"duration", 0}, {"started_at", at}};
    m.created_at = at;
    auto mid = add_message(uow, m);
    auto line = line_of(uow, *number);
    routing::call_target target;
    target.within_hours = line_open(line, at);
    if (number->owner_teammate_id) {
      if (auto tm = uow.teammates().find(th.workspace_id, *number->owner_teammate_id)) {
        target.teammate_line = true;
        target.physical_number = tm->physical_number;
        target.availability = tm->availability;
      }
    } else if (number->owner_team_id) {
      target.team_line = true;
      target.team_phones = uow.routing().team_phones(th.workspace_id, *number->owner_team_id);
    }
    auto route = routing::route_inbound_call(target);
    if (route == routing::call_route::ring_teammate || route == routing::call_route::ring_team) {
      std::vector<std::string> phones = route == routing::call_route::ring_team
                                            ? target.team_phones
                                            : std::vector<std::string>{*target.physical_number};
      out.twiml = carriers::twiml::render(
          routing::ring_teammate({.step_base = step_base, .call_sid = sid, .customer = f, .phones = phones}));
    } else {
      out.twiml = carriers::twiml::render(routing::voicemail_answer(
          {.step_base = step_base, .line_name = line.name, .greeting = line.settings.voicemail_greeting}));
    }
    uow.numbers().record_webhook(carrier, sid, "voice", th.workspace_id, out.twiml, at);
    if (auto saved = uow.messages().find(th.workspace_id, mid)) out.created_items.push_back(*saved);
    out.conversation = uow.conversations().find(th.workspace_id, th.conversation_id);
    return out;
  };
  auto with_webhooks = [job = std::move(job), at](store::unit_of_work& uow) {
    auto out = job(uow);
    emit_call_webhooks(uow, out, at, false);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(with_webhooks));
  if (!r) co_return error{"INTERNAL", "could not store the call"};
  publish_call_result(ctx, *r);
  co_return std::move(r->twiml);
}

boost::asio::awaitable<result<void>> record_call_progress(context& ctx, call_progress p) {
  auto at = now_text(ctx);
  auto public_url = ctx.carriers.public_url;
  auto sid = p.sid;
  auto status = p.status;
  auto duration = p.duration;
  auto job = [sid, status, duration, at, public_url](store::unit_of_work& uow) {
    call_result out;
    auto item = uow.messages().find_by_external_any("voice", sid);
    if (!item || item->kind != "call") return out;
    auto meta = item->metadata.is_object() ? item->metadata : json::object();
    auto current = meta.value("status", std::string("ringing"));
    if (routing::call_status_rank(current) >= routing::call_status_rank(status)) return out;
    meta["status"] = status;
    // A bridged call's talk time came with its <Dial> outcome; the leg's own
    // duration also counts ringing and screening.
    if (duration > 0 && !meta.contains("dial_status")) meta["duration"] = duration;
    auto body = item->direction == "outbound"
                    ? routing::outbound_call_summary(status, meta.value("connected", false), meta.value("duration", 0))
                    : routing::call_summary(status, meta.value("connected", false), meta.value("voicemail", false),
                                            meta.value("duration", 0));
    uow.messages().update_item(item->workspace_id, item->id, body, item->status, meta);
    if (item->direction == "inbound" && routing::call_status_final(status) && !meta.value("connected", false) &&
        !meta.value("voicemail", false))
      out.wake_outbox = notify_owner_phone(uow, item->workspace_id, item->conversation_id, "Missed call", at);
    if (auto saved = uow.messages().find(item->workspace_id, item->id)) {
      out.updated_items.push_back(*saved);
      // The call record goes to Teams once it is over; a voicemail has its own card.
      if (item->direction == "inbound" && routing::call_status_final(status) && !meta.value("voicemail", false) &&
          teams::mirror_item(uow, *saved, public_url, at))
        out.wake_outbox = true;
    }
    emit_call_webhooks(uow, out, at, routing::call_status_final(status));
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return error{"INTERNAL", "could not store the call status"};
  publish_call_result(ctx, *r);
  co_return result<void>{};
}

namespace {

// The <Record> action: the caller left a voicemail.
call_result save_voicemail(store::unit_of_work& uow, const std::string& carrier, const std::string& sid,
                           const carriers::param_list& ps, const std::string& at) {
  call_result out;
  if (auto seen = uow.numbers().webhook_response(carrier, sid, "voicemail")) {
    out.twiml = *seen;
    return out;
  }
  out.twiml = carriers::twiml::render(routing::voicemail_saved());
  auto call = uow.messages().find_by_external_any("voice", sid);
  if (!call || call->kind != "call") {
    spdlog::warn("voicemail for unknown call {} ({}): not stored", sid, carrier);
    return out;
  }
  auto ws = call->workspace_id;
  auto recording_sid = param(ps, "RecordingSid");
  int duration = std::atoi(param(ps, "RecordingDuration").c_str());
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = call->conversation_id;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.sender_id = call->sender_id;
  m.channel = "voice";
  m.kind = "voicemail";
  m.status = "received";
  m.external_id = recording_sid.empty() ? sid + ":voicemail" : recording_sid;
  m.body = "Voicemail";
  m.metadata = {{"call_sid", sid},
                {"recording_url", param(ps, "RecordingUrl")},
                {"recording_sid", recording_sid},
                {"duration", duration},
                {"transcript", nullptr},
                {"transcription_status", "pending"}};
  m.created_at = at;
  auto mid = add_message(uow, m);
  auto meta = call->metadata.is_object() ? call->metadata : json::object();
  meta["voicemail"] = true;
  meta["voicemail_id"] = std::to_string(mid);
  uow.messages().update_item(ws, call->id,
                    routing::call_summary(meta.value("status", std::string("in-progress")),
                                          meta.value("connected", false), true, meta.value("duration", 0)),
                    call->status, meta);
  uow.numbers().record_webhook(carrier, sid, "voicemail", ws, out.twiml, at);
  out.wake_outbox = notify_owner_phone(uow, ws, call->conversation_id,
                                       "Voicemail (" + std::to_string(duration) + " s), the transcript follows", at);
  if (auto saved = uow.messages().find(ws, mid)) out.created_items.push_back(*saved);
  if (auto saved = uow.messages().find(ws, call->id)) out.updated_items.push_back(*saved);
  out.conversation = uow.conversations().find(ws, call->conversation_id);
  return out;
}

// The transcribeCallback: the voicemail's text, which also makes it searchable.
call_result save_transcription(store::unit_of_work& uow, const std::string& sid, const carriers::param_list& ps,
                               const std::string& at, const std::string& public_url) {
  call_result out;
  out.twiml = empty_twiml;
  auto recording_sid = param(ps, "RecordingSid");
  std::optional<store::message> vm;
  if (!recording_sid.empty()) vm = uow.messages().find_by_external_any("voice", recording_sid);
  if (!vm) vm = uow.messages().find_by_external_any("voice", sid + ":voicemail");
  if (!vm || vm->kind != "voicemail") return out;
  auto meta = vm->metadata.is_object() ? vm->metadata : json::object();
  auto status = param(ps, "TranscriptionStatus");
  auto text = param(ps, "TranscriptionText");
  if (meta.value("transcription_status", std::string()) == "completed") return out;  // a retry
  bool ok = status.empty() || status == "completed";
  meta["transcription_status"] = ok ? "completed" : "failed";
  meta["transcript"] = ok ? json(text) : json(nullptr);
  uow.messages().update_item(vm->workspace_id, vm->id, ok && !text.empty() ? text : "Voicemail", vm->status, meta);
  if (ok && !text.empty())
    out.wake_outbox = notify_owner_phone(uow, vm->workspace_id, vm->conversation_id, "Voicemail: " + text, at);
  if (auto saved = uow.messages().find(vm->workspace_id, vm->id)) {
    out.updated_items.push_back(*saved);
    // Teams gets the voicemail once its transcript (or its failure) is known.
    if (teams::mirror_item(uow, *saved, public_url, at)) out.wake_outbox = true;
  }
  return out;
}

struct flow_step {
  std::string carrier, step, sid, parent, at, step_base;
  carriers::param_list params;
};

// screen, screen-result and dial-complete: ringing the teammate's own phone.
call_result ring_step(store::unit_of_work& uow, const flow_step& s) {
  call_result out;
  auto key = s.step == "dial-complete" ? s.sid : s.sid + ":" + s.parent;
  if (auto seen = uow.numbers().webhook_response(s.carrier, key, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto call_sid = s.step == "dial-complete" ? s.sid : s.parent;
  auto call = uow.messages().find_by_external_any("voice", call_sid);
  if (!call || call->kind != "call") {
    spdlog::warn("call step {} for unknown call {} ({})", s.step, call_sid, s.carrier);
    out.twiml = carriers::twiml::render(s.step == "screen-result" ? routing::screen_result("") : routing::voicemail_saved());
    return out;
  }
  auto ws = call->workspace_id;
  auto meta = call->metadata.is_object() ? call->metadata : json::object();
  if (s.step == "screen") {
    std::string business = uow.workspaces().name_of(ws).value_or("");
    std::string caller = carriers::format_display(meta.value("from", std::string()));
    if (call->sender_name.size()) caller = call->sender_name;
    out.twiml = carriers::twiml::render(routing::screen(s.step_base, s.parent, business, caller));
  } else if (s.step == "screen-result") {
    auto digits = param(s.params, "Digits");
    if (digits == "1") {
      meta["accepted"] = true;
      uow.messages().update_item(ws, call->id, call->body, call->status, meta);
    }
    out.twiml = carriers::twiml::render(routing::screen_result(digits));
  } else {  // dial-complete
    auto status = param(s.params, "DialCallStatus");
    if (routing::dial_connected(status, meta.value("accepted", false))) {
      meta["connected"] = true;
      meta["dial_status"] = status;
      meta["duration"] = std::atoi(param(s.params, "DialCallDuration").c_str());
      uow.messages().update_item(ws, call->id,
                        routing::call_summary("completed", true, false, meta.value("duration", 0)), call->status, meta);
      carriers::twiml::response r;
      r.add(carriers::twiml::hangup{});
      out.twiml = carriers::twiml::render(r);
    } else {
      meta["dial_status"] = status;
      uow.messages().update_item(ws, call->id, call->body, call->status, meta);
      line_info line;
      if (auto n = uow.numbers().find_active(meta.value("to", std::string()))) line = line_of(uow, *n);
      out.twiml = carriers::twiml::render(routing::voicemail_answer(
          {.step_base = s.step_base, .line_name = line.name, .greeting = line.settings.voicemail_greeting}));
    }
    if (auto saved = uow.messages().find(ws, call->id)) out.updated_items.push_back(*saved);
  }
  uow.numbers().record_webhook(s.carrier, key, s.step, ws, out.twiml, s.at);
  return out;
}

// click-to-call?item=N: the teammate answered the call the line placed to their
// phone; now dial the customer with the line as caller id.
call_result click_to_call_step(store::unit_of_work& uow, const flow_step& s, const std::string& item_param) {
  call_result out;
  if (auto seen = uow.numbers().webhook_response(s.carrier, s.sid, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto line = carriers::normalize_e164(param(s.params, "From"));
  auto number = line ? uow.numbers().find_active(*line) : std::nullopt;
  auto item_id = std::atoll(item_param.c_str());
  auto item = number ? uow.messages().find(number->workspace_id, item_id) : std::nullopt;
  if (!item || item->kind != "call" || item->direction != "outbound") {
    out.twiml = carriers::twiml::render(routing::say_and_hang_up("This call cannot be completed."));
    uow.numbers().record_webhook(s.carrier, s.sid, s.step, std::nullopt, out.twiml, s.at);
    return out;
  }
  auto ws = number->workspace_id;
  auto meta = item->metadata.is_object() ? item->metadata : json::object();
  auto dest = meta.value("to", std::string());
  meta["call_sid"] = s.sid;
  meta["status"] = "in-progress";
  uow.messages().set_external_id(ws, item->id, s.sid);
  uow.messages().update_item(ws, item->id, item->body, "sent", meta);
  auto c = uow.conversations().find(ws, item->conversation_id);
  auto spoken = who_of(c, dest);
  out.twiml = carriers::twiml::render(
      routing::dial_out(s.step_base, number->number, dest, "Connecting you to " + spoken + "."));
  uow.numbers().record_webhook(s.carrier, s.sid, s.step, ws, out.twiml, s.at);
  if (auto saved = uow.messages().find(ws, item->id)) out.updated_items.push_back(*saved);
  return out;
}

// outbound-dial and outbound-complete: the owner calling out through their line.
call_result outbound_step(store::unit_of_work& uow, const flow_step& s) {
  call_result out;
  if (auto seen = uow.numbers().webhook_response(s.carrier, s.sid, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto hang_up = [&](const std::string& why, std::optional<store::id_t> ws) {
    out.twiml = carriers::twiml::render(routing::say_and_hang_up(why));
    uow.numbers().record_webhook(s.carrier, s.sid, s.step, ws, out.twiml, s.at);
    return out;
  };
  if (s.step == "outbound-complete") {
    auto item = uow.messages().find_by_external_any("voice", s.sid);
    carriers::twiml::response bye;
    bye.add(carriers::twiml::hangup{});
    out.twiml = carriers::twiml::render(bye);
    if (item && item->kind == "call") {
      auto meta = item->metadata.is_object() ? item->metadata : json::object();
      auto status = param(s.params, "DialCallStatus");
      meta["connected"] = status == "completed" || status == "answered";
      meta["dial_status"] = status;
      meta["duration"] = std::atoi(param(s.params, "DialCallDuration").c_str());
      uow.messages().update_item(item->workspace_id, item->id,
                        routing::outbound_call_summary("completed", meta.value("connected", false), meta.value("duration", 0)),
                        item->status, meta);
      if (auto saved = uow.messages().find(item->workspace_id, item->id)) out.updated_items.push_back(*saved);
    }
    uow.numbers().record_webhook(s.carrier, s.sid, s.step, item ? std::optional(item->workspace_id) : std::nullopt,
                         out.twiml, s.at);
    return out;
  }
  // outbound-dial: only the line's owner, from their own phone.
  auto line = carriers::normalize_e164(param(s.params, "To"));
  auto from = carriers::normalize_e164(param(s.params, "From"));
  auto number = line ? uow.numbers().find_active(*line) : std::nullopt;
  if (!number || !from || !number->owner_teammate_id) return hang_up("This call cannot be completed.", std::nullopt);
  auto ws = number->workspace_id;
  auto tm = uow.teammates().find(ws, *number->owner_teammate_id);
  if (!tm || tm->physical_number != *from) return hang_up("This call cannot be completed.", ws);
  auto choice = routing::read_outbound_digits(param(s.params, "Digits"));
  std::string dest;
  if (choice.what == routing::outbound_choice::kind::last_caller) {
    auto last = uow.routing().last_caller(ws, number->id);
    if (!last) return hang_up("There is no caller to call back. Goodbye.", ws);
    dest = *last;
  } else if (choice.what == routing::outbound_choice::kind::number) {
    auto valid = carriers::normalize_e164(choice.number);
    if (!valid) return hang_up("That number is not valid. Goodbye.", ws);
    dest = *valid;
  } else {
    return hang_up("That number is not valid. Goodbye.", ws);
  }
  if (uow.numbers().find_active(dest) || uow.numbers().is_physical_number(dest))
    return hang_up("That number cannot be called from this line. Goodbye.", ws);
  auto th = resolve_thread(uow, *number, dest, "voice", s.at);
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = th.conversation_id;
  m.direction = "outbound";
  m.sender_kind = "teammate";
  m.sender_id = tm->id;
  m.channel = "voice";
  m.kind = "call";
  m.status = "sent";
  m.external_id = s.sid;
  m.body = "Outgoing call";
  m.metadata = {{"call_sid", s.sid}, {"from", number->number}, {"to", dest}, {"status", "in-progress"},
                {"connected", false}, {"duration", 0}, {"started_at", s.at}};
  m.created_at = s.at;
  auto mid = add_message(uow, m);
  auto c = uow.conversations().find(ws, th.conversation_id);
  auto spoken = who_of(c, dest);
  out.twiml = carriers::twiml::render(routing::dial_out(s.step_base, number->number, dest, "Calling " + spoken + "."));
  uow.numbers().record_webhook(s.carrier, s.sid, s.step, ws, out.twiml, s.at);
  out.created = th.created;
  out.conversation = c;
  if (auto saved = uow.messages().find(ws, mid)) out.created_items.push_back(*saved);
  return out;
}

}  // namespace

bool is_call_step(std::string_view step) {
  for (auto known : {"voicemail", "transcription", "click-to-call", "outbound-dial", "outbound-complete", "screen",
                     "screen-result", "dial-complete"})
    if (step == known) return true;
  return false;
}

boost::asio::awaitable<result<std::string>> advance_call(context& ctx, call_step cs) {
  if (!is_call_step(cs.step)) co_return error{"NOT_FOUND", "no call step " + cs.step};
  flow_step fs{cs.carrier, cs.step, cs.sid, cs.parent, now_text(ctx), step_base_of(ctx, cs.carrier),
               std::move(cs.params)};
  const auto& step = fs.step;
  // Each step is one write job; storing, publishing and answering are the same for all.
  std::function<call_result(store::unit_of_work&)> job;
  if (step == "voicemail") {
    job = [fs](store::unit_of_work& uow) { return save_voicemail(uow, fs.carrier, fs.sid, fs.params, fs.at); };
  } else if (step == "transcription") {
    auto public_url = ctx.carriers.public_url;
    job = [fs, public_url](store::unit_of_work& uow) { return save_transcription(uow, fs.sid, fs.params, fs.at, public_url); };
  } else if (step == "click-to-call") {
    job = [fs, item = cs.item](store::unit_of_work& uow) { return click_to_call_step(uow, fs, item); };
  } else if (step == "outbound-dial" || step == "outbound-complete") {
    job = [fs](store::unit_of_work& uow) { return outbound_step(uow, fs); };
  } else {  // screen, screen-result, dial-complete
    job = [fs](store::unit_of_work& uow) { return ring_step(uow, fs); };
  }
  auto at = fs.at;
  auto with_webhooks = [job = std::move(job), at](store::unit_of_work& uow) {
    auto out = job(uow);
    emit_call_webhooks(uow, out, at, false);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(with_webhooks));
  if (!r) co_return error{"INTERNAL", "could not store the call step " + step};
  publish_call_result(ctx, *r);
  co_return std::move(r->twiml);
}

}  // namespace switchboard::services
