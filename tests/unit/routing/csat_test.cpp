// CSAT surveys' pure part (issue 21): what a resolution sends, and which texts are ratings.
#include <gtest/gtest.h>

#include "switchboard/routing/csat.hpp"

namespace rt = switchboard::routing;

TEST(csat_plan, sends_once_when_a_conversation_becomes_resolved_by_channel) {
  rt::csat_settings on{true, true, true};
  struct row {
    std::string channel;
    bool was, now, opted_out, reachable;
    rt::csat_settings s;
    rt::csat_send want;
  } rows[] = {
      {"chat", false, true, false, true, on, rt::csat_send::widget},
      {"chat", false, true, false, true, {false, true, true}, rt::csat_send::none},
      {"chat", true, true, false, true, on, rt::csat_send::none},   // already resolved
      {"chat", false, false, false, true, on, rt::csat_send::none}, // not resolved
      {"sms", false, true, false, true, on, rt::csat_send::sms},
      {"sms", false, true, false, true, rt::csat_settings{}, rt::csat_send::none},  // off by default
      {"sms", false, true, true, true, on, rt::csat_send::none},    // opted out
      {"sms", false, true, false, false, on, rt::csat_send::none},  // no line or phone
      {"voice", false, true, false, true, on, rt::csat_send::link},
      {"email", false, true, false, true, {true, true, false}, rt::csat_send::none},
  };
  for (auto& r : rows) {
    rt::csat_facts f{r.channel, r.was, r.now, r.opted_out, r.reachable};
    EXPECT_EQ(rt::plan_csat(f, r.s), r.want) << r.channel << " " << r.was << r.now << r.opted_out;
  }
}

TEST(csat_plan, settings_default_and_patch) {
  auto d = rt::parse_csat_settings(std::nullopt);
  EXPECT_TRUE(d.widget);
  EXPECT_FALSE(d.sms);
  EXPECT_TRUE(d.link);
  auto stored = rt::parse_csat_settings(std::string(R"({"widget":false,"sms":true})"));
  EXPECT_FALSE(stored.widget);
  EXPECT_TRUE(stored.sms);
  EXPECT_TRUE(stored.link);
  EXPECT_TRUE(rt::parse_csat_settings(std::string("not json")).widget);
  std::string bad;
  EXPECT_FALSE(rt::patch_csat_settings(d, {{"sms", "yes"}}, bad));
  EXPECT_EQ(bad, "sms");
  auto p = rt::patch_csat_settings(d, {{"link", false}}, bad);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->link);
  EXPECT_EQ(rt::to_json(*p), (nlohmann::json{{"widget", true}, {"sms", false}, {"link", false}}));
}

TEST(csat_answer, a_bare_digit_one_to_five_is_a_rating) {
  EXPECT_EQ(rt::parse_csat_answer("4"), 4);
  EXPECT_EQ(rt::parse_csat_answer(" 5 "), 5);
  EXPECT_EQ(rt::parse_csat_answer("5!"), 5);
  EXPECT_EQ(rt::parse_csat_answer("1."), 1);
  EXPECT_EQ(rt::parse_csat_answer("\"3\"\n"), 3);
  EXPECT_FALSE(rt::parse_csat_answer(""));
  EXPECT_FALSE(rt::parse_csat_answer("0"));
  EXPECT_FALSE(rt::parse_csat_answer("6"));
  EXPECT_FALSE(rt::parse_csat_answer("10"));
  EXPECT_FALSE(rt::parse_csat_answer("4 5"));
  EXPECT_FALSE(rt::parse_csat_answer("5 stars"));
  EXPECT_FALSE(rt::parse_csat_answer("call me at 5"));
  EXPECT_FALSE(rt::parse_csat_answer("-"));
}
