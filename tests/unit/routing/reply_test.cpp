// issue 16 item 15: which channel a reply goes out on, table-driven.
#include <gtest/gtest.h>

#include "switchboard/routing/reply.hpp"

namespace rt = switchboard::routing;

namespace {

struct row {
  const char* name;
  rt::reply_facts facts;
  std::optional<std::string> chosen;
  std::optional<std::string> channel;  // nullopt: refused
  std::vector<std::string> available;
  const char* reason_part;  // a piece of the refusal's reason ("" when sent)
};

rt::reply_facts facts(std::string conv, std::optional<std::string> last, bool phone, bool visitor,
                      bool opaque = false) {
  rt::reply_facts f;
  f.conversation_channel = std::move(conv);
  f.last_messaging_channel = std::move(last);
  f.contact_has_sms_phone = phone;
  f.contact_has_visitor = visitor;
  f.contact_has_opaque_sender = opaque;
  return f;
}

}  // namespace

TEST(reply_channel, issue16_item15_table) {
  const std::vector<row> rows = {
      {"sms conversation answers by sms", facts("sms", "sms", true, false), {}, "sms", {"sms"}, ""},
      {"after a call: the customer's last text", facts("voice", "sms", true, false), {}, "sms", {"sms"}, ""},
      {"after a voicemail with no text before: sms to a phone contact", facts("voice", {}, true, false), {},
       "sms", {"sms"}, ""},
      {"after a call from a widget visitor who also texted: chat was last", facts("voice", "chat", true, true),
       {}, "chat", {"sms", "chat"}, ""},
      {"chat conversation answers by chat", facts("chat", "chat", true, true), {}, "chat", {"sms", "chat"}, ""},
      {"the agent picks sms on a chat conversation", facts("chat", "chat", true, true), "sms", "sms",
       {"sms", "chat"}, ""},
      {"the agent picks voice: refused", facts("sms", "sms", true, false), "voice", {}, {"sms"},
       "cannot go out on voice"},
      {"the agent picks email: refused", facts("sms", "sms", true, false), "email", {}, {"sms"},
       "cannot go out on email"},
      {"the agent picks chat for a contact without the widget", facts("sms", "sms", true, false), "chat", {},
       {"sms"}, "never used the website chat"},
      {"a call with no phone, no line, no widget: refused", facts("voice", {}, false, false), {}, {}, {},
       "no channel can deliver a reply"},
      {"a phone on a released line: sms, which the dispatcher then fails visibly",
       facts("voice", "sms", true, false), {}, "sms", {"sms"}, ""},
      {"a short code sender cannot be texted back", facts("sms", "sms", false, false, true), {}, {}, {},
       "short code or sender id"},
      {"an email conversation without a channel of its own", facts("email", {}, false, false), {}, {}, {},
       "no phone number"},
      {"an email conversation of a phone contact goes by sms", facts("email", {}, true, false), {}, "sms",
       {"sms"}, ""},
  };
  for (auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto p = rt::plan_reply(r.facts, r.chosen);
    EXPECT_EQ(p.channel, r.channel);
    EXPECT_EQ(p.available, r.available);
    if (r.channel) {
      EXPECT_TRUE(p.reason.empty()) << p.reason;
    } else {
      EXPECT_NE(p.reason.find(r.reason_part), std::string::npos) << p.reason;
    }
    // Never a channel without a dispatcher.
    if (p.channel) {
      EXPECT_TRUE(*p.channel == "sms" || *p.channel == "chat") << *p.channel;
    }
  }
}

// Issue 18: for a customer who opted out of texts the composer is not offered SMS;
// chat takes over when the contact has it, else nothing, with the reason.
TEST(routing_reply, an_opted_out_customer_is_not_offered_sms) {
  rt::reply_plan both{"sms", {"sms", "chat"}, ""};
  auto p = rt::without_sms(both, "opted out");
  EXPECT_EQ(p.channel, "chat");
  EXPECT_EQ(p.available, std::vector<std::string>{"chat"});
  EXPECT_TRUE(p.reason.empty());
  auto only = rt::without_sms({"sms", {"sms"}, ""}, "opted out");
  EXPECT_FALSE(only.channel);
  EXPECT_TRUE(only.available.empty());
  EXPECT_EQ(only.reason, "opted out");
  auto chat = rt::without_sms({"chat", {"chat", "sms"}, ""}, "opted out");
  EXPECT_EQ(chat.channel, "chat");
  EXPECT_EQ(chat.available, std::vector<std::string>{"chat"});
}
