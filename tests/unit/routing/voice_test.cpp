#include "switchboard/routing/voice.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;
namespace tw = sb::carriers::twiml;

TEST(routing_voice, voicemail_answer_greets_records_and_says_goodbye_on_silence) {
  auto xml = tw::render(sb::routing::voicemail_answer({.step_base = "https://x.example/webhooks/twilio/voice",
                                                       .line_name = "Dana <Sales>",
                                                       .greeting = {}}));
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
            "<Say>You&apos;ve reached Dana &lt;Sales&gt;. Please leave a message after the tone, and press the pound "
            "key when you are done.</Say>"
            "<Record action=\"https://x.example/webhooks/twilio/voice/voicemail\" method=\"POST\" maxLength=\"120\" "
            "timeout=\"5\" playBeep=\"true\" finishOnKey=\"#\" transcribe=\"true\" "
            "transcribeCallback=\"https://x.example/webhooks/twilio/voice/transcription\"/>"
            "<Say>We did not get a message. Goodbye.</Say><Hangup/></Response>");
  EXPECT_TRUE(tw::validate(sb::routing::voicemail_answer({.step_base = "s", .line_name = "", .greeting = {}})));
}

TEST(routing_voice, an_owner_greeting_replaces_the_default) {
  auto xml = tw::render(
      sb::routing::voicemail_answer({.step_base = "b", .line_name = "Dana", .greeting = "Hi, Dana here."}));
  EXPECT_NE(xml.find("<Say>Hi, Dana here.</Say>"), std::string::npos);
  EXPECT_EQ(xml.find("You&apos;ve reached"), std::string::npos);
  EXPECT_EQ(sb::routing::default_greeting(""),
            "You've reached us. Please leave a message after the tone, and press the pound key when you are done.");
}

TEST(routing_voice, call_status_is_ordered_and_final_states_are_final) {
  using sb::routing::call_status_rank;
  EXPECT_LT(call_status_rank("queued"), call_status_rank("ringing"));
  EXPECT_LT(call_status_rank("ringing"), call_status_rank("in-progress"));
  for (auto s : {"completed", "busy", "failed", "no-answer", "canceled"}) {
    EXPECT_GT(call_status_rank(s), call_status_rank("in-progress")) << s;
    EXPECT_TRUE(sb::routing::call_status_final(s)) << s;
  }
  EXPECT_FALSE(sb::routing::call_status_final("ringing"));
  EXPECT_EQ(call_status_rank("exploded"), -1);
}

TEST(routing_voice, call_summaries) {
  using sb::routing::call_summary;
  EXPECT_EQ(call_summary("ringing", false, false, 0), "Incoming call");
  EXPECT_EQ(call_summary("in-progress", false, false, 0), "Call in progress");
  EXPECT_EQ(call_summary("completed", true, false, 65), "Call, 1:05");
  EXPECT_EQ(call_summary("completed", false, false, 30), "Missed call");
  EXPECT_EQ(call_summary("no-answer", false, false, 0), "Missed call");
  EXPECT_EQ(call_summary("completed", false, true, 30), "Missed call, voicemail left");
}

TEST(routing_voice, who_a_call_reaches_first) {
  using sb::routing::call_route;
  sb::routing::call_target t;
  t.teammate_line = true;
  t.physical_number = "+14155550150";
  t.availability = "available";
  t.within_hours = true;
  EXPECT_EQ(sb::routing::route_inbound_call(t), call_route::ring_teammate);
  for (auto change : {0, 1, 2, 3, 4}) {
    auto u = t;
    if (change == 0) u.teammate_line = false;
    if (change == 1) u.physical_number.reset();
    if (change == 2) u.availability = "away";
    if (change == 3) u.availability = "offline";
    if (change == 4) u.within_hours = false;
    EXPECT_EQ(sb::routing::route_inbound_call(u), call_route::voicemail) << change;
  }
  // Shared lines: every available member's phone at once, else the team's voicemail.
  sb::routing::call_target team;
  team.team_line = true;
  team.team_phones = {"+14155550160", "+14155550161"};
  EXPECT_EQ(sb::routing::route_inbound_call(team), call_route::ring_team);
  auto closed = team;
  closed.within_hours = false;
  EXPECT_EQ(sb::routing::route_inbound_call(closed), call_route::voicemail);
  auto nobody = team;
  nobody.team_phones.clear();
  EXPECT_EQ(sb::routing::route_inbound_call(nobody), call_route::voicemail);
  auto xml = tw::render(sb::routing::ring_teammate(
      {.step_base = "b", .call_sid = "CA1", .customer = "+14155550199", .phones = team.team_phones}));
  EXPECT_NE(xml.find("<Number url=\"b/screen?parent=CA1\" method=\"POST\">+14155550160</Number><Number "
                     "url=\"b/screen?parent=CA1\" method=\"POST\">+14155550161</Number>"),
            std::string::npos)
      << xml;

  EXPECT_TRUE(sb::routing::dial_connected("completed", true));
  EXPECT_FALSE(sb::routing::dial_connected("completed", false)) << "bridged without pressing 1 is not accepted";
  EXPECT_FALSE(sb::routing::dial_connected("no-answer", true));
  EXPECT_EQ(tw::render(sb::routing::screen_result("1")), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  EXPECT_EQ(tw::render(sb::routing::screen_result("")),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>");
}

TEST(routing_voice, keyed_destinations) {
  using kind = sb::routing::outbound_choice::kind;
  struct row {
    const char* digits;
    kind what;
    const char* number;
  } rows[] = {
      {"1", kind::last_caller, ""},
      {"4155550123", kind::number, "+14155550123"},
      {"14155550123", kind::number, "+14155550123"},
      {"011442071234567", kind::number, "+442071234567"},
      {"00442071234567", kind::number, "+442071234567"},
      {"", kind::invalid, ""},
      {"12", kind::invalid, ""},
      {"41555501*3", kind::invalid, ""},
      {"24155550123", kind::invalid, ""},
      {"0114420712345678901234", kind::invalid, ""},
  };
  for (auto& r : rows) {
    auto c = sb::routing::read_outbound_digits(r.digits);
    EXPECT_EQ(c.what, r.what) << r.digits;
    EXPECT_EQ(c.number, r.number) << r.digits;
  }
}
