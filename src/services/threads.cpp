#include "switchboard/services/threads.hpp"
#include "switchboard/services/reports.hpp"

#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/routing/inbound.hpp"
#include "switchboard/routing/sms.hpp"

namespace switchboard::services {

namespace nums = store::numbers;

thread_ref resolve_thread(store::unit_of_work& uow, const nums::number_row& number, const std::string& from,
                          const std::string& channel, const std::string& at, bool new_after_resolved) {
  thread_ref out;
  auto ws = out.workspace_id = number.workspace_id;
  auto contact_id = uow.contacts().find_by_identity(ws, "phone", from);
  if (!contact_id) {
    store::contact k;
    k.workspace_id = ws;
    k.phones = {from};
    k.created_at = k.updated_at = at;
    contact_id = uow.contacts().insert(k);
    out.contact_created = true;
  }
  out.contact_id = *contact_id;
  auto latest = uow.numbers().latest_conversation(ws, *contact_id, number.id);
  routing::thread_facts facts;
  if (latest) facts.latest_status = latest->status;
  facts.new_after_resolved = new_after_resolved;
  auto choice = routing::choose_thread(facts);
  if (choice.reuse) {
    out.conversation_id = latest->id;
    out.open = choice.already_open;
    out.reused_status = latest->status;
    return out;
  }
  routing::line_owner owner{number.owner_teammate_id, number.owner_team_id, false};
  if (number.owner_team_id)
    if (auto team = uow.teams().find(ws, *number.owner_team_id)) owner.team_round_robin = team->round_robin;
  auto who = routing::assign_new_conversation(owner);
  store::conversation cv;
  cv.workspace_id = ws;
  cv.contact_id = *contact_id;
  cv.channel = channel;
  cv.created_at = at;
  cv.assignee_id = who.assignee_id;
  cv.team_id = who.team_id;
  // The pick and the insert share this write job: no two conversations get the same turn.
  if (who.round_robin) cv.assignee_id = uow.teams().next_round_robin(ws, *who.team_id, at);
  out.conversation_id = uow.conversations().insert(cv);
  uow.conversations().set_number(out.conversation_id, number.id);
  cv.id = out.conversation_id;
  report_log(uow, ws).conversation_created(cv);
  out.created = true;
  out.open = true;
  return out;
}

namespace {

std::string line_name(store::unit_of_work& uow, const nums::number_row& n) {
  if (n.owner_teammate_id)
    if (auto t = uow.teammates().find(n.workspace_id, *n.owner_teammate_id)) return t->name;
  if (n.owner_team_id)
    if (auto t = uow.teams().find(n.workspace_id, *n.owner_team_id)) return t->name;
  return {};
}

}  // namespace

line_info line_of(store::unit_of_work& uow, const nums::number_row& n) {
  line_info l;
  l.name = line_name(uow, n);
  if (n.owner_teammate_id) {
    l.owner_kind = "teammate";
    l.owner_id = *n.owner_teammate_id;
  } else if (n.owner_team_id) {
    l.owner_kind = "team";
    l.owner_id = *n.owner_team_id;
  } else {
    return l;
  }
  l.settings = uow.routing().settings_of(n.workspace_id, l.owner_kind, l.owner_id);
  if (l.settings.business_hours) {
    auto parsed =
        routing::parse_business_hours(nlohmann::json::parse(*l.settings.business_hours, nullptr, false));
    if (parsed) l.hours = *parsed;
  }
  return l;
}

bool line_open(const line_info& l, const std::string& at) {
  if (!l.hours) return true;
  auto now = parse_rfc3339(at);
  return !now || routing::is_open(*l.hours, *now);
}

std::string who_of(const std::optional<store::conversation>& c, const std::string& phone) {
  if (c && c->contact_name && !c->contact_name->empty()) return *c->contact_name;
  return carriers::format_display(c && c->contact_phone ? *c->contact_phone : phone);
}

store::message queue_sms(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id,
                         const std::string& sender_kind, std::optional<store::id_t> sender_id, const std::string& body,
                         const std::string& at, const nlohmann::json& metadata) {
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = conversation_id;
  m.direction = "outbound";
  m.sender_kind = sender_kind;
  m.sender_id = sender_id;
  m.channel = "sms";
  m.body = body;
  m.status = "queued";
  m.created_at = at;
  if (metadata.is_object()) m.metadata = metadata;
  auto mid = add_message(uow, m);
  uow.outbox().enqueue(ws, "message.send.sms",
                       {{"message_id", mid}, {"conversation_id", conversation_id}, {"channel", "sms"}}, at);
  return *uow.messages().find(ws, mid);
}

store::message add_system_event(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id,
                                const std::string& channel, const std::string& body, const std::string& at) {
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = conversation_id;
  m.direction = "internal";
  m.sender_kind = "system";
  m.is_private = true;  // for the team: never sent, never shown to a visitor
  m.kind = "event";
  m.channel = channel;
  m.body = body;
  m.status = "sent";
  m.created_at = at;
  return *uow.messages().find(ws, add_message(uow, m));
}

void queue_relay(store::unit_of_work& uow, store::id_t ws, store::id_t number_id, const std::string& to,
                 const std::string& body, const std::string& at, std::optional<store::id_t> about) {
  nlohmann::json payload{{"number_id", number_id}, {"to", to}, {"body", routing::clip_sms(body)}};
  if (about) payload["conversation_id"] = *about;
  uow.outbox().enqueue(ws, "sms.relay", payload, at);
}

bool opted_out_of_texts(store::unit_of_work& uow, store::id_t ws, const store::conversation& c) {
  auto number = uow.conversations().number_of(ws, c.id);
  for (auto& phone : uow.conversations().reply_context_of(ws, c).phones)
    if (carriers::country_code(phone) && uow.consent().opted_out(ws, phone, number)) return true;
  return false;
}

bool notify_owner_phone(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id, const std::string& what,
                        const std::string& at) {
  auto number_id = uow.conversations().number_of(ws, conversation_id);
  auto number = number_id ? uow.numbers().find(ws, *number_id) : std::nullopt;
  if (!number || number->status != "active" || !number->owner_teammate_id) return false;
  auto tm = uow.teammates().find(ws, *number->owner_teammate_id);
  if (!tm) return false;
  if (!routing::forwards_to_phone(tm->sms_forwarding, tm->physical_number)) return false;  // no selector either
  routing::forward_facts f{tm->sms_forwarding, tm->physical_number,
                           uow.routing().selector_for(ws, tm->id, conversation_id, at),
                           who_of(uow.conversations().find(ws, conversation_id), ""), what, 0};
  auto relay = routing::forward_to_phone(f);
  queue_relay(uow, ws, number->id, relay->to, relay->body, at, conversation_id);
  return true;
}

}  // namespace switchboard::services
