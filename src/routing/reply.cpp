#include "switchboard/routing/reply.hpp"

#include <algorithm>

namespace switchboard::routing {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Why sms cannot carry this reply, for the agent.
std::string sms_reason(const reply_facts& f) {
  if (f.contact_has_opaque_sender && !f.contact_has_sms_phone)
    return "the contact's sender is a short code or sender id, which cannot receive texts";
  return "the contact has no phone number that can receive texts";
}

}  // namespace

reply_plan plan_reply(const reply_facts& f, const std::optional<std::string>& chosen) {
  reply_plan p;
  bool sms = f.contact_has_sms_phone;
  // A conversation opened as chat (the widget, or the API) keeps answering there.
  bool chat = f.contact_has_visitor || f.conversation_channel == "chat";
  if (sms) p.available.push_back("sms");
  if (chat) p.available.push_back("chat");

  if (chosen) {
    if (contains(p.available, *chosen)) {
      p.channel = *chosen;
    } else if (*chosen == "sms") {
      p.reason = "cannot reply by sms: " + sms_reason(f);
    } else if (*chosen == "chat") {
      p.reason = "cannot reply by chat: the contact has never used the website chat";
    } else {
      p.reason = "a reply cannot go out on " + *chosen + "; choose sms or chat";
    }
    return p;
  }
  // The customer's latest channel when it can carry text, then their last
  // messaging channel, then whatever the contact has (sms first).
  for (const auto* c : {&f.conversation_channel, f.last_messaging_channel ? &*f.last_messaging_channel : nullptr})
    if (c && contains(p.available, *c)) {
      p.channel = *c;
      return p;
    }
  if (!p.available.empty()) {
    p.channel = p.available.front();
    return p;
  }
  p.reason = "no channel can deliver a reply: " + sms_reason(f) + ", and the contact has never used the website chat";
  return p;
}

reply_plan without_sms(reply_plan plan, const std::string& reason) {
  std::erase(plan.available, "sms");
  if (plan.channel == "sms") {
    plan.channel = plan.available.empty() ? std::nullopt : std::optional<std::string>(plan.available.front());
    if (!plan.channel) plan.reason = reason;
  }
  return plan;
}

}  // namespace switchboard::routing
