// Issue 18: carrier delivery errors explained to the agent, and their code read
// back from a stored error, as tables.
#include "switchboard/routing/delivery.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sb = switchboard;

TEST(routing_delivery, each_known_carrier_error_has_its_own_explanation) {
  struct row {
    const char* code;
    const char* says;  // a phrase the explanation must hold
  };
  const row rows[] = {
      {"30003", "unreachable"},       {"30004", "blocked"},         {"30005", "does not exist"},
      {"30006", "landline"},          {"30007", "spam"},            {"30008", "unknown error"},
      {"21610", "opted out"},         {"21211", "not a valid phone number"},
      {"21408", "region"},            {"21614", "not a mobile number"}, {"30034", "10DLC"},
  };
  const std::string generic(sb::routing::explain_delivery_error(""));
  for (const auto& r : rows) {
    std::string text(sb::routing::explain_delivery_error(r.code));
    EXPECT_NE(text.find(r.says), std::string::npos) << r.code << ": " << text;
    EXPECT_NE(text, generic) << r.code;
  }
}

TEST(routing_delivery, an_unknown_or_missing_code_gets_the_generic_explanation) {
  const std::string generic(sb::routing::explain_delivery_error(""));
  EXPECT_EQ(generic, "The message could not be delivered.");
  for (auto code : {"99999", "3000", "300033", "abc", " 30003"})
    EXPECT_EQ(sb::routing::explain_delivery_error(code), generic) << "'" << code << "'";
}

TEST(routing_delivery, the_code_is_read_from_both_forms_of_a_stored_error) {
  struct row {
    const char* error;
    const char* code;
  };
  const row rows[] = {
      {"carrier error 30003", "30003"},                             // a status callback's ErrorCode
      {"21211: The 'To' number +1555 is not a valid phone number.", "21211"},  // a refused send
      {"20500: Internal Server Error", "20500"},
      {"21610: ", "21610"},
      {"HTTP 503", ""},                                             // no code from the carrier
      {"HTTP 400: bad request", ""},
      {"the contact has no phone number", ""},                      // refused before any carrier
      {"carrier error ", ""},
      {"carrier error 30003x", ""},
      {"connect: Connection refused", ""},
      {"", ""},
  };
  for (const auto& r : rows) EXPECT_EQ(sb::routing::delivery_error_code(r.error), r.code) << "'" << r.error << "'";
}

TEST(routing_delivery, only_a_failed_public_text_reply_by_sms_can_be_sent_again) {
  struct row {
    const char* direction;
    bool is_private;
    const char* kind;
    const char* channel;
    const char* status;
    const char* refusal;  // a phrase of the reason, or nullptr: allowed
  };
  const row rows[] = {
      {"outbound", false, "text", "sms", "failed", nullptr},
      {"outbound", false, "text", "sms", "queued", "this one is queued"},
      {"outbound", false, "text", "sms", "sent", "this one is sent"},
      {"outbound", false, "text", "sms", "delivered", "this one is delivered"},
      {"outbound", false, "text", "chat", "failed", "only a text message"},
      {"inbound", false, "text", "sms", "failed", "only a reply"},
      {"internal", true, "text", "sms", "failed", "only a reply"},
      {"outbound", true, "text", "sms", "failed", "only a reply"},
      {"outbound", false, "call", "voice", "failed", "only a reply"},
  };
  for (const auto& r : rows) {
    sb::routing::resend_facts f{r.direction, r.is_private, r.kind, r.channel, r.status};
    auto why = sb::routing::why_not_resend(f);
    std::string label = std::string(r.direction) + "/" + r.kind + "/" + r.channel + "/" + r.status;
    if (!r.refusal) {
      EXPECT_FALSE(why) << label << ": " << *why;
      continue;
    }
    ASSERT_TRUE(why) << label;
    EXPECT_NE(why->find(r.refusal), std::string::npos) << label << ": " << *why;
  }
}
