#include "switchboard/services/wire.hpp"
#include "switchboard/services/media.hpp"

#include "switchboard/routing/delivery.hpp"

namespace switchboard::services {

using json = nlohmann::json;

std::string id_str(store::id_t id) { return std::to_string(id); }
json opt_id(const std::optional<store::id_t>& id) { return id ? json(id_str(*id)) : json(nullptr); }
json opt_str(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

std::string sandbox_topic(const std::string& phone) { return "sandbox:" + phone; }

json to_json(const store::teammate& t) {
  return {{"id", id_str(t.id)},
          {"workspace_id", id_str(t.workspace_id)},
          {"email", t.email},
          {"name", t.name},
          {"role", t.role},
          {"physical_number", opt_str(t.physical_number)},
          {"availability", t.availability},
          {"sms_forwarding", t.sms_forwarding},
          {"created_at", t.created_at}};
}

json to_json(const store::team& t) {
  json members = json::array();
  for (auto m : t.member_ids) members.push_back(id_str(m));
  return {{"id", id_str(t.id)},           {"name", t.name},
          {"round_robin", t.round_robin}, {"member_ids", members},
          {"created_at", t.created_at}};
}

json to_json(const store::contact& c) {
  return {{"id", id_str(c.id)},
          {"name", opt_str(c.name)},
          {"email", opt_str(c.email)},
          {"phones", c.phones},
          {"external_id", opt_str(c.external_id)},
          {"attributes", c.attributes},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

json to_json(const store::conversation& c) {
  return {{"id", id_str(c.id)},
          {"contact_id", id_str(c.contact_id)},
          {"contact", {{"id", id_str(c.contact_id)}, {"name", opt_str(c.contact_name)}, {"phone", opt_str(c.contact_phone)}}},
          {"preview", opt_str(c.preview)},
          {"status", c.status},
          {"assignee_id", opt_id(c.assignee_id)},
          {"team_id", opt_id(c.team_id)},
          {"priority", c.priority},
          {"labels", c.labels},
          {"snoozed_until", opt_str(c.snoozed_until)},
          {"first_response_at", opt_str(c.first_response_at)},
          {"resolved_at", opt_str(c.resolved_at)},
          {"last_message_at", opt_str(c.last_message_at)},
          {"subject", opt_str(c.subject)},
          {"unread_count", c.unread_count},
          {"channel", c.channel},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

json to_json(const store::message& m) {
  // A failed item says why in words (issue 18); the carrier's code is kept in
  // `error` as it came ("21211: …" or "carrier error 30003").
  json code = nullptr, explanation = nullptr;
  if (m.status == "failed" && m.kind == "text") {
    const std::string error = m.error.value_or("");
    auto c = routing::delivery_error_code(error);  // a view into `error`
    if (!c.empty()) code = std::string(c);
    explanation = std::string(routing::explain_delivery_error(c));
  }
  return {{"id", id_str(m.id)},
          {"conversation_id", id_str(m.conversation_id)},
          {"body", m.body},
          {"private", m.is_private},
          {"channel", m.channel},
          {"direction", m.direction},
          {"kind", m.kind},
          {"sender",
           {{"kind", m.sender_kind},
            {"id", opt_id(m.sender_id)},
            {"name", m.sender_name.empty() ? json(nullptr) : json(m.sender_name)}}},
          {"status", m.status},
          {"error", opt_str(m.error)},
          {"error_code", std::move(code)},
          {"error_explanation", std::move(explanation)},
          {"media", public_media(m.media)},
          {"metadata", m.metadata},
          {"created_at", m.created_at}};
}

nlohmann::json to_json(const store::consent_entry& e) {
  return {{"id", id_str(e.id)},
          {"phone", e.phone},
          {"number_id", opt_id(e.number_id)},
          {"state", e.state},
          {"source", e.source},
          {"message_id", opt_id(e.message_id)},
          {"teammate_id", opt_id(e.teammate_id)},
          {"note", opt_str(e.note)},
          {"created_at", e.created_at}};
}

}  // namespace switchboard::services
