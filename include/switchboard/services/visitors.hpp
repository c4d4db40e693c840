#pragma once
// What the website widget's visitors hear live: their hub topics and the shape of
// a message as a visitor sees it (never a private note).
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/realtime/hub.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// The hub topic of a verified visitor's widget sockets: public items of their contact's conversations.
std::string visitor_topic(store::id_t contact_id);
// The hub topic of an unverified visitor's sockets (visitor:v_…): only the conversations
// that visitor id started, whatever merges do to their contact (issue 16 item 10).
std::string anonymous_topic(const std::string& visitor_id);
// Publishes a visitor-facing event of a conversation to both: the contact's topic
// and, for a widget chat, the topic of the visitor id that started it.
void publish_to_visitors(context& ctx, store::id_t workspace_id, store::id_t contact_id,
                         const std::optional<std::string>& starter, std::string_view type, const nlohmann::json& data,
                         realtime::hub::delivery how = realtime::hub::delivery::durable);
// Who hears a conversation's visitor-facing events: its contact and, for a widget
// chat, the visitor id that started it. nullopt when there is no such conversation.
struct visitor_audience {
  store::id_t contact_id = 0;
  std::optional<std::string> starter;
};
boost::asio::awaitable<result<std::optional<visitor_audience>>> audience_of(context& ctx, store::id_t workspace_id,
                                                                            store::id_t conversation_id);
// A message as a visitor sees it (never called for private notes).
nlohmann::json visitor_message_json(const store::message& m);

}  // namespace switchboard::services
