#pragma once
// Which channel an agent's reply goes out on: a pure decision over what the
// conversation and its contact have (issue 16 item 15). A call or voicemail is
// never a way to answer in writing, so a reply after one goes out on the
// customer's last messaging channel; a reply that nothing can deliver is
// refused at once instead of waiting forever in the outbox.
#include <optional>
#include <string>
#include <vector>

namespace switchboard::routing {

// The channels a reply can be delivered on, in the order offered to the agent.
// sms: through the conversation's business number (the dispatcher fails the reply,
// visibly, when that number is no longer active); chat: the widget (the commit
// delivers it). voice, email and teams have no reply dispatcher.
inline const std::vector<std::string>& reply_channels() {
  static const std::vector<std::string> all = {"sms", "chat"};
  return all;
}

struct reply_facts {
  std::string conversation_channel;  // the channel of the customer's latest item (voice after a call)
  std::optional<std::string> last_messaging_channel;  // of the customer's newest sms/chat message here
  bool contact_has_sms_phone = false;  // an E.164 phone (a short code or sender id cannot take texts)
  bool contact_has_opaque_sender = false;  // a carrier sender that is not E.164 (short code, "ACME")
  bool contact_has_visitor = false;  // a website widget visitor
};

struct reply_plan {
  std::optional<std::string> channel;  // where the reply goes; nullopt = refused
  std::vector<std::string> available;  // every channel the agent may pick
  std::string reason;  // why channel is nullopt (fit to show the agent)
};

// chosen: the channel the agent picked, if any (an unknown name is the caller's 400).
reply_plan plan_reply(const reply_facts& f, const std::optional<std::string>& chosen = std::nullopt);

// The composer's plan for a customer who opted out of texts (issue 18): SMS is no
// longer offered; another channel becomes the default, or none with `reason`.
reply_plan without_sms(reply_plan plan, const std::string& reason);

}  // namespace switchboard::routing
