#pragma once
// What the bot posts: Bot Framework activities and the Adaptive Cards of
// conversation items (texts, voicemails, calls). Pure JSON building.
#include <nlohmann/json.hpp>
#include <string>

namespace switchboard::teams {

inline constexpr const char* adaptive_card_type = "application/vnd.microsoft.card.adaptive";

// One conversation item as a card shows it.
struct card_item {
  std::string kind = "message";  // message | voicemail | call
  std::string conversation_id;   // the API's id: the Call back button carries it
  std::string customer;          // name, else the display phone number
  std::string author;            // a teammate's message (sent from elsewhere): who wrote it
  std::string line;              // the business number it came in on (display form), may be empty
  std::string channel;           // sms, chat, voice…
  std::string body;              // message text or call summary
  std::string transcript;        // voicemail
  std::string recording_url;     // voicemail
  int duration_seconds = 0;      // voicemail or call
  std::string created_at;
  std::string inbox_url;   // link to the conversation in the web inbox, may be empty
  bool call_back = false;  // show the "Call back" Action.Submit
};

nlohmann::json item_card(const card_item& item);
// A message activity carrying one Adaptive Card; summary is the notification text.
nlohmann::json card_activity(const nlohmann::json& card, const std::string& summary);
nlohmann::json text_activity(const std::string& text);
// The body of POST {serviceUrl}/v3/conversations that starts a thread in a channel.
nlohmann::json new_thread(const std::string& channel_id, const std::string& tenant_id,
                          const nlohmann::json& activity);

// What the "Call back" button submits (activity.value) and how it is read back.
inline constexpr const char* call_back_action = "call_back";

}  // namespace switchboard::teams
