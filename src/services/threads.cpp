#include "switchboard/services/threads.hpp"

#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/routing/inbound.hpp"
#include "switchboard/routing/sms.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::services {

namespace conv = store::conversations;
namespace nums = store::numbers;

thread_ref resolve_thread(store::database& db, const nums::number_row& number, const std::string& from,
                          const std::string& channel, const std::string& at, bool new_after_resolved) {
  thread_ref out;
  auto ws = out.workspace_id = number.workspace_id;
  auto contact_id = store::contacts::find_by_identity(db, ws, "phone", from);
  if (!contact_id) {
    store::contact k;
    k.workspace_id = ws;
    k.phones = {from};
    k.created_at = k.updated_at = at;
    contact_id = store::contacts::insert(db, k);
  }
  out.contact_id = *contact_id;
  auto latest = nums::latest_conversation(db, ws, *contact_id, number.id);
  routing::thread_facts facts;
  if (latest) facts.latest_status = latest->status;
  facts.new_after_resolved = new_after_resolved;
  auto choice = routing::choose_thread(facts);
  if (choice.reuse) {
    out.conversation_id = latest->id;
    out.open = choice.already_open;
    return out;
  }
  routing::line_owner owner{number.owner_teammate_id, number.owner_team_id, false};
  if (number.owner_team_id)
    if (auto team = store::teammates::find_team(db, ws, *number.owner_team_id)) owner.team_round_robin = team->round_robin;
  auto who = routing::assign_new_conversation(owner);
  store::conversation cv;
  cv.workspace_id = ws;
  cv.contact_id = *contact_id;
  cv.channel = channel;
  cv.created_at = at;
  cv.assignee_id = who.assignee_id;
  cv.team_id = who.team_id;
  // The pick and the insert share this write job: no two conversations get the same turn.
  if (who.round_robin) cv.assignee_id = store::teammates::next_round_robin(db, ws, *who.team_id, at);
  out.conversation_id = conv::insert(db, cv);
  conv::set_number(db, out.conversation_id, number.id);
  out.created = true;
  out.open = true;
  return out;
}

namespace {

std::string line_name(store::database& db, const nums::number_row& n) {
  if (n.owner_teammate_id)
    if (auto t = store::teammates::find(db, n.workspace_id, *n.owner_teammate_id)) return t->name;
  if (n.owner_team_id)
    if (auto t = store::teammates::find_team(db, n.workspace_id, *n.owner_team_id)) return t->name;
  return {};
}

}  // namespace

line_info line_of(store::database& db, const nums::number_row& n) {
  line_info l;
  l.name = line_name(db, n);
  if (n.owner_teammate_id) {
    l.owner_kind = "teammate";
    l.owner_id = *n.owner_teammate_id;
  } else if (n.owner_team_id) {
    l.owner_kind = "team";
    l.owner_id = *n.owner_team_id;
  } else {
    return l;
  }
  l.settings = store::routing::settings_of(db, n.workspace_id, l.owner_kind, l.owner_id);
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

void queue_relay(store::database& db, store::id_t ws, store::id_t number_id, const std::string& to,
                 const std::string& body, const std::string& at, std::optional<store::id_t> about) {
  nlohmann::json payload{{"number_id", number_id}, {"to", to}, {"body", routing::clip_sms(body)}};
  if (about) payload["conversation_id"] = *about;
  conv::enqueue_outbox(db, ws, "sms.relay", payload, at);
}

bool notify_owner_phone(store::database& db, store::id_t ws, store::id_t conversation_id, const std::string& what,
                        const std::string& at) {
  auto number_id = conv::number_of(db, ws, conversation_id);
  auto number = number_id ? nums::find(db, ws, *number_id) : std::nullopt;
  if (!number || number->status != "active" || !number->owner_teammate_id) return false;
  auto tm = store::teammates::find(db, ws, *number->owner_teammate_id);
  if (!tm) return false;
  routing::forward_facts f{tm->sms_forwarding, tm->physical_number, 0, "", what, 0};
  if (!routing::forward_to_phone(f)) return false;  // not forwarding: no selector either
  f.who = who_of(conv::find(db, ws, conversation_id), "");
  f.selector = store::routing::selector_for(db, ws, tm->id, conversation_id, at);
  auto relay = routing::forward_to_phone(f);
  queue_relay(db, ws, number->id, relay->to, relay->body, at, conversation_id);
  return true;
}

}  // namespace switchboard::services
