#include "switchboard/routing/sms.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;
using sb::routing::phone_decision;
using sb::routing::teammate_text;
using namespace std::chrono_literals;

TEST(routing_sms, parses_what_a_teammate_texts) {
  struct row {
    const char* in;
    teammate_text::kind what;
    int selector;
    const char* text;
  };
  const row rows[] = {
      {"?", teammate_text::kind::list, 0, ""},
      {"  ?  ", teammate_text::kind::list, 0, ""},
      {"@2 On my way", teammate_text::kind::reply_to, 2, "On my way"},
      {"@12: sure", teammate_text::kind::reply_to, 12, "sure"},
      {"@3,ok", teammate_text::kind::reply_to, 3, "ok"},
      {"@7", teammate_text::kind::reply_to, 7, ""},
      {"@100 too big", teammate_text::kind::plain, 0, "@100 too big"},
      {"@0 zero", teammate_text::kind::plain, 0, "@0 zero"},
      {"@bob hi", teammate_text::kind::plain, 0, "@bob hi"},
      {"call 4", teammate_text::kind::call, 4, ""},
      {"Call @5", teammate_text::kind::call, 5, ""},
      {"call me later", teammate_text::kind::plain, 0, "call me later"},
      {"calling 3", teammate_text::kind::plain, 0, "calling 3"},
      {"Thanks, see you then", teammate_text::kind::plain, 0, "Thanks, see you then"},
      {"", teammate_text::kind::empty, 0, ""},
      {"   \n", teammate_text::kind::empty, 0, ""},
  };
  for (auto& r : rows) {
    auto t = sb::routing::parse_teammate_text(r.in);
    EXPECT_EQ(t.what, r.what) << r.in;
    EXPECT_EQ(t.selector, r.selector) << r.in;
    EXPECT_EQ(t.text, r.text) << r.in;
  }
}

namespace {
sb::routing::phone_context two_customers() {
  sb::routing::phone_context c;
  c.active = {{2, 202, "Bob"}, {1, 101, "+1 415-555-0101"}};
  c.now = std::chrono::system_clock::time_point{} + 1000h;
  return c;
}
}  // namespace

TEST(routing_sms, two_customers_and_at_n_reaches_the_right_one) {
  auto c = two_customers();
  c.selected = 101;  // what selector 1 resolves to
  auto d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("@1 Your order shipped"), c);
  EXPECT_EQ(d.what, phone_decision::action::reply);
  EXPECT_EQ(d.conversation_id, 101);
  EXPECT_EQ(d.text, "Your order shipped");
  c.selected = 202;
  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("@2 See you at 5"), c);
  EXPECT_EQ(d.conversation_id, 202);
}

TEST(routing_sms, plain_text_follows_the_sticky_conversation_until_it_expires) {
  auto c = two_customers();
  c.sticky = 101;
  c.sticky_at = c.now - 23h;
  auto d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("ok, done"), c);
  EXPECT_EQ(d.what, phone_decision::action::reply);
  EXPECT_EQ(d.conversation_id, 101);
  EXPECT_EQ(d.text, "ok, done");

  c.sticky_at = c.now - 25h;  // idle too long: ask instead of guessing
  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("ok, done"), c);
  EXPECT_EQ(d.what, phone_decision::action::tell);
  EXPECT_EQ(d.to_teammate,
            "Not sent: which conversation? Reply @N with your text.\nOpen conversations:\n@2 Bob\n@1 +1 415-555-0101\n"
            "Reply @N text, or call N.");

  c.sticky_idle = 48h;  // configurable
  EXPECT_EQ(sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("ok"), c).what,
            phone_decision::action::reply);

  c.sticky.reset();
  c.active.clear();
  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("hello?"), c);
  EXPECT_EQ(d.what, phone_decision::action::tell);
  EXPECT_NE(d.to_teammate.find("no open conversation"), std::string::npos);
}

TEST(routing_sms, list_call_help_and_unknown_selectors) {
  auto c = two_customers();
  auto d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("?"), c);
  EXPECT_EQ(d.what, phone_decision::action::tell);
  EXPECT_EQ(d.to_teammate, "Open conversations:\n@2 Bob\n@1 +1 415-555-0101\nReply @N text, or call N.");

  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("@9 hi"), c);
  EXPECT_EQ(d.what, phone_decision::action::tell);
  EXPECT_EQ(d.to_teammate.rfind("No conversation @9. Open conversations:", 0), 0u) << d.to_teammate;

  c.selected = 202;
  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("call 2"), c);
  EXPECT_EQ(d.what, phone_decision::action::call);
  EXPECT_EQ(d.conversation_id, 202);

  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text("@2"), c);
  EXPECT_EQ(d.what, phone_decision::action::tell);
  EXPECT_EQ(d.to_teammate, "Nothing to send: write @2 followed by your text.");

  d = sb::routing::decide_teammate_text(sb::routing::parse_teammate_text(""), c);
  EXPECT_EQ(d.to_teammate, sb::routing::help_text());
  EXPECT_EQ(sb::routing::format_list({}), "No open conversations on this line.");
}

TEST(routing_sms, forwards_carry_the_selector_and_long_texts_are_clipped) {
  EXPECT_EQ(sb::routing::format_forward(3, "Dana Smith", "Is my order ready?"), "@3 Dana Smith: Is my order ready?");
  EXPECT_EQ(sb::routing::clip_sms("hello", 5), "hello");
  EXPECT_EQ(sb::routing::clip_sms("hello!", 5), "hell…");
  EXPECT_EQ(sb::routing::clip_sms("ééééé!", 5), "éééé…") << "never cuts a code point in half";
}

TEST(routing_sms, who_is_texting_a_line) {
  using sb::routing::inbound_kind;
  struct row {
    sb::routing::inbound_facts facts;
    inbound_kind kind;
    const char* what;
  } rows[] = {
      {{false, false, false, false}, inbound_kind::unknown_number, "unknown To: empty answer, undeliverable log"},
      {{false, true, true, true}, inbound_kind::unknown_number, "an unknown To wins over everything"},
      {{true, true, false, false}, inbound_kind::loop, "loop guard: one of our lines"},
      {{true, true, true, true}, inbound_kind::loop, "loop guard before anything else"},
      {{true, false, true, true}, inbound_kind::owner, "the owner's own phone: commands"},
      {{true, false, false, true}, inbound_kind::other_teammate, "another teammate's phone is never a customer"},
      {{true, false, false, false}, inbound_kind::customer, "a customer"},
  };
  for (auto& r : rows) EXPECT_EQ(sb::routing::classify_inbound(r.facts), r.kind) << r.what;
}

TEST(routing_sms, after_hours_reply_once_per_closed_period) {
  auto t = [](int h) { return std::chrono::system_clock::time_point{} + std::chrono::hours(h); };
  struct row {
    std::optional<std::chrono::system_clock::time_point> closed_since, last;
    bool due;
    const char* what;
  } rows[] = {
      {std::nullopt, std::nullopt, false, "open: no reply"},
      {t(10), std::nullopt, true, "closed, never replied"},
      {t(10), t(11), false, "already replied in this closed period"},
      {t(10), t(10), false, "replied right at closing"},
      {t(34), t(11), true, "a new closed period (next evening)"},
  };
  for (auto& r : rows) EXPECT_EQ(sb::routing::after_hours_reply_due(r.closed_since, r.last), r.due) << r.what;
}
