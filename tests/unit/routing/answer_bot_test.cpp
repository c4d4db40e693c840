// The answer bot's decisions (issue 20), table-driven: never an answer without a
// source or below the threshold, a person always wins, and "Did that answer your
// question?" is read the way customers write.
#include "switchboard/routing/answer_bot.hpp"

#include <gtest/gtest.h>

namespace r = switchboard::routing;
using action = r::bot_plan::action;

namespace {

TEST(classify_bot_reply, reads_short_replies_and_leaves_questions_alone) {
  struct row {
    const char* text;
    r::bot_reply want;
  };
  for (auto [text, want] : std::initializer_list<row>{
           {"yes", r::bot_reply::yes},
           {"Yes!", r::bot_reply::yes},
           {"yep thanks 👍", r::bot_reply::yes},
           {"thank you", r::bot_reply::yes},
           {"that helped, bye", r::bot_reply::yes},
           {"no", r::bot_reply::no},
           {"Nope.", r::bot_reply::no},
           {"not really", r::bot_reply::no},
           {"it didn't help", r::bot_reply::no},
           {"didn't help", r::bot_reply::no},
           {"I want to talk to a human", r::bot_reply::human},
           {"AGENT", r::bot_reply::human},
           {"can i speak to a real person please", r::bot_reply::human},
           {"how do I reset my router", r::bot_reply::other},
           {"How do I add an agent to my account?", r::bot_reply::other},
           {"someone used my card without asking", r::bot_reply::other},
           {"agent please", r::bot_reply::human},
           {"I'd like to speak with someone about my bill", r::bot_reply::human},
           {"no internet since this morning and the lights are red what do i do", r::bot_reply::other},
           {"", r::bot_reply::other},
       })
    EXPECT_EQ(r::classify_bot_reply(text), want) << text;
}

r::bot_facts question(double confidence, bool source = true) {
  r::bot_facts f;
  f.enabled = true;
  f.channel_on = true;
  f.text = "how do I reset my router";
  f.has_source = source;
  f.confidence = confidence;
  f.threshold = 0.6;
  return f;
}

TEST(plan_bot, answers_only_with_a_source_above_the_threshold) {
  EXPECT_EQ(r::plan_bot(question(0.8)).what, action::answer);
  auto low = r::plan_bot(question(0.59));
  EXPECT_EQ(low.what, action::handoff);
  EXPECT_EQ(low.reason, "low_confidence");
  auto none = r::plan_bot(question(0.9, false));
  EXPECT_EQ(none.what, action::handoff);
  EXPECT_EQ(none.reason, "no_source");
}

TEST(plan_bot, stays_out_when_off_on_another_channel_or_once_a_person_is_there) {
  auto f = question(0.9);
  f.enabled = false;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9);
  f.channel_on = false;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9);
  f.human_replied = true;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9);
  f.handed_off = true;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
}

TEST(plan_bot, reads_the_answer_to_did_that_answer_your_question) {
  auto f = question(0.9);
  f.awaiting_feedback = true;
  f.text = "yes thanks";
  EXPECT_EQ(r::plan_bot(f).what, action::resolve);
  f.text = "no";
  auto no = r::plan_bot(f);
  EXPECT_EQ(no.what, action::handoff);
  EXPECT_EQ(no.reason, "not_helpful");
  // Another question after an answer is answered again.
  f.text = "and how do I change the wifi password";
  EXPECT_EQ(r::plan_bot(f).what, action::answer);
}

TEST(plan_bot, a_greeting_or_thanks_with_nothing_to_answer_waits_instead_of_handing_over) {
  auto f = question(0.9, false);
  f.text = "hi there";
  f.short_message = true;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9);
  f.text = "thanks!";  // not after an answer: an acknowledgement
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9, false);  // a real question nothing answers still goes to the team
  EXPECT_EQ(r::plan_bot(f).reason, "no_source");
}

TEST(plan_bot, asking_for_a_person_hands_over_at_any_point) {
  auto f = question(0.99);
  f.text = "let me talk to an agent";
  auto p = r::plan_bot(f);
  EXPECT_EQ(p.what, action::handoff);
  EXPECT_EQ(p.reason, "asked_for_human");
}

TEST(plan_bot, set_to_answer_outside_business_hours_leaves_the_hours_to_the_team) {
  auto f = question(0.9);
  f.answer_outside_hours_only = true;
  f.in_business_hours = true;
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f.text = "talk to a person";  // in open hours the team has it anyway: no handoff message
  EXPECT_EQ(r::plan_bot(f).what, action::none);
  f = question(0.9);
  f.answer_outside_hours_only = true;
  f.in_business_hours = false;
  EXPECT_EQ(r::plan_bot(f).what, action::answer);
}

TEST(plan_after_llm, uses_only_a_cited_answer_that_came_in_time) {
  EXPECT_EQ(r::plan_after_llm({true, false, true}).what, action::answer);
  EXPECT_EQ(r::plan_after_llm({false, false, false}).reason, "llm_unavailable");
  EXPECT_EQ(r::plan_after_llm({true, true, true}).reason, "llm_declined");
  EXPECT_EQ(r::plan_after_llm({true, false, false}).reason, "llm_uncited");
}

}  // namespace
