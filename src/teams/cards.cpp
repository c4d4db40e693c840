#include "switchboard/teams/cards.hpp"

namespace switchboard::teams {

using json = nlohmann::json;

namespace {

json text_block(const std::string& text, bool bold = false, bool subtle = false) {
  json b = {{"type", "TextBlock"}, {"text", text}, {"wrap", true}};
  if (bold) b["weight"] = "Bolder";
  if (subtle) b["isSubtle"] = true;
  return b;
}

std::string minutes_seconds(int s) {
  if (s < 60) return std::to_string(s) + " s";
  return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
}

}  // namespace

json item_card(const card_item& item) {
  json body = json::array();
  std::string title = item.kind == "voicemail" ? "Voicemail from " + item.customer
                      : item.kind == "call"    ? "Call with " + item.customer
                      : !item.author.empty()   ? item.author + " to " + item.customer
                                               : item.customer;
  body.push_back(text_block(title, true));
  json facts = json::array();
  if (!item.line.empty()) facts.push_back({{"title", "Line"}, {"value", item.line}});
  if (!item.channel.empty()) facts.push_back({{"title", "Channel"}, {"value", item.channel}});
  if (item.duration_seconds > 0)
    facts.push_back({{"title", "Duration"}, {"value", minutes_seconds(item.duration_seconds)}});
  if (!facts.empty()) body.push_back({{"type", "FactSet"}, {"facts", facts}});
  if (item.kind == "voicemail") {
    body.push_back(text_block(item.transcript.empty() ? "(no transcript)" : item.transcript));
  } else if (!item.body.empty()) {
    body.push_back(text_block(item.body));
  }
  if (!item.created_at.empty()) body.push_back(text_block(item.created_at, false, true));

  json actions = json::array();
  if (!item.recording_url.empty())
    actions.push_back(
        {{"type", "Action.OpenUrl"}, {"title", "Play recording"}, {"url", item.recording_url}});
  if (item.call_back)
    actions.push_back(
        {{"type", "Action.Submit"},
         {"title", "Call back"},
         {"data", {{"action", call_back_action}, {"conversation_id", item.conversation_id}}}});
  if (!item.inbox_url.empty())
    actions.push_back(
        {{"type", "Action.OpenUrl"}, {"title", "Open in inbox"}, {"url", item.inbox_url}});

  json card = {{"type", "AdaptiveCard"},
               {"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
               {"version", "1.4"},
               {"body", body}};
  if (!actions.empty()) card["actions"] = actions;
  return card;
}

json card_activity(const json& card, const std::string& summary) {
  return {{"type", "message"},
          {"summary", summary},
          {"attachments", json::array({{{"contentType", adaptive_card_type}, {"content", card}}})}};
}

json text_activity(const std::string& text) {
  return {{"type", "message"}, {"textFormat", "markdown"}, {"text", text}};
}

json new_thread(const std::string& channel_id, const std::string& tenant_id, const json& activity) {
  json channel_data = {{"channel", {{"id", channel_id}}}};
  if (!tenant_id.empty()) channel_data["tenant"] = {{"id", tenant_id}};
  json body = {{"isGroup", true}, {"channelData", channel_data}, {"activity", activity}};
  if (!tenant_id.empty()) body["tenantId"] = tenant_id;
  return body;
}

}  // namespace switchboard::teams
