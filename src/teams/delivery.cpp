#include "switchboard/teams/delivery.hpp"

#include "switchboard/carriers/signature.hpp"

namespace switchboard::teams {

outbox::outcome classify_connector_response(int status, std::string_view body) {
  outbox::outcome o;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (status >= 200 && status < 300) {
    o.what = outbox::outcome::kind::delivered;
    if (j.is_object() && j["id"].is_string()) o.carrier_sid = j["id"].get<std::string>();
    o.status = "sent";
    return o;
  }
  o.error = "Bot Connector HTTP " + std::to_string(status);
  if (j.is_object() && j["error"].is_object()) {
    auto& e = j["error"];
    if (e["code"].is_string()) o.error += " " + e["code"].get<std::string>();
    if (e["message"].is_string()) o.error += ": " + e["message"].get<std::string>();
  }
  bool transient =
      status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
  o.what = transient ? outbox::outcome::kind::retry : outbox::outcome::kind::failed;
  return o;
}

std::string conversations_url(std::string service_url) {
  while (!service_url.empty() && service_url.back() == '/') service_url.pop_back();
  return service_url + "/v3/conversations";
}

std::string activities_url(std::string service_url, const std::string& conversation_id,
                           const std::string& reply_to_id) {
  auto url = conversations_url(std::move(service_url)) + "/" +
             carriers::form_encode(conversation_id) + "/activities";
  if (!reply_to_id.empty()) url += "/" + carriers::form_encode(reply_to_id);
  return url;
}

}  // namespace switchboard::teams
