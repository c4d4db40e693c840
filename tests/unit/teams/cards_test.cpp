// Adaptive Cards, new-thread bodies and the Bot Connector's answers.
#include "switchboard/teams/cards.hpp"

#include <gtest/gtest.h>

#include "switchboard/teams/delivery.hpp"

namespace t = switchboard::teams;
using json = nlohmann::json;

TEST(teams_cards, a_voicemail_card_has_transcript_recording_and_call_back) {
  t::card_item item;
  item.kind = "voicemail";
  item.conversation_id = "42";
  item.customer = "Dana";
  item.line = "(415) 555-0101";
  item.transcript = "Please call me about my order.";
  item.recording_url = "https://api.twilio.com/rec/RE1";
  item.duration_seconds = 75;
  item.call_back = true;
  auto card = t::item_card(item);
  EXPECT_EQ(card["type"], "AdaptiveCard");
  auto text = card["body"].dump();
  EXPECT_NE(text.find("Voicemail from Dana"), std::string::npos);
  EXPECT_NE(text.find("Please call me about my order."), std::string::npos);
  EXPECT_NE(text.find("1 min 15 s"), std::string::npos);
  bool call_back = false, recording = false;
  for (auto& a : card["actions"]) {
    if (a["type"] == "Action.Submit" && a["title"] == "Call back") {
      call_back = true;
      EXPECT_EQ(a["data"]["action"], t::call_back_action);
      EXPECT_EQ(a["data"]["conversation_id"], "42");
    }
    if (a["type"] == "Action.OpenUrl" && a["url"] == item.recording_url) recording = true;
  }
  EXPECT_TRUE(call_back);
  EXPECT_TRUE(recording);
}

TEST(teams_cards, a_text_card_shows_the_message_without_buttons_it_does_not_need) {
  t::card_item item;
  item.customer = "+1 (415) 555-0199";
  item.body = "Is the shop open?";
  item.channel = "sms";
  auto card = t::item_card(item);
  EXPECT_NE(card["body"].dump().find("Is the shop open?"), std::string::npos);
  EXPECT_FALSE(card.contains("actions"));
  auto activity = t::card_activity(card, "summary");
  EXPECT_EQ(activity["type"], "message");
  EXPECT_EQ(activity["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(activity["attachments"][0]["content"], card);
}

TEST(teams_cards, a_new_thread_is_a_group_conversation_in_the_channel) {
  auto activity = t::text_activity("hi");
  auto body = t::new_thread("19:abc@thread.tacv2", "tenant-1", activity);
  EXPECT_EQ(body["isGroup"], true);
  EXPECT_EQ(body["channelData"]["channel"]["id"], "19:abc@thread.tacv2");
  EXPECT_EQ(body["channelData"]["tenant"]["id"], "tenant-1");
  EXPECT_EQ(body["activity"], activity);
  EXPECT_FALSE(
      t::new_thread("19:abc@thread.tacv2", "", activity)["channelData"].contains("tenant"));
}

TEST(teams_delivery, connector_answers_are_classified) {
  using kind = switchboard::outbox::outcome::kind;
  auto ok = t::classify_connector_response(201, R"({"id":"19:x;messageid=9","activityId":"9"})");
  EXPECT_EQ(ok.what, kind::delivered);
  EXPECT_EQ(ok.carrier_sid, "19:x;messageid=9");
  EXPECT_EQ(t::classify_connector_response(429, "").what, kind::retry);
  EXPECT_EQ(t::classify_connector_response(503, "{}").what, kind::retry);
  EXPECT_EQ(t::classify_connector_response(401, "").what, kind::retry)
      << "a stale token is renewed and retried";
  auto bad = t::classify_connector_response(
      400, R"({"error":{"code":"BadArgument","message":"no such channel"}})");
  EXPECT_EQ(bad.what, kind::failed);
  EXPECT_NE(bad.error.find("no such channel"), std::string::npos);
  EXPECT_EQ(t::classify_connector_response(404, "not json").what, kind::failed);
}

TEST(teams_delivery, urls_escape_the_conversation_id) {
  EXPECT_EQ(t::conversations_url("https://smba.trafficmanager.net/amer/"),
            "https://smba.trafficmanager.net/amer/v3/conversations");
  EXPECT_EQ(t::activities_url("https://s.example", "19:a@thread.tacv2;messageid=1"),
            "https://s.example/v3/conversations/19%3Aa%40thread.tacv2%3Bmessageid%3D1/activities");
  EXPECT_EQ(t::activities_url("https://s.example/", "a:1", "f:2"),
            "https://s.example/v3/conversations/a%3A1/activities/f%3A2");
}
