// Issue 18: the texting keywords and what they do, as tables.
#include "switchboard/routing/consent.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;
using sb::routing::keyword;

TEST(routing_consent, each_keyword_class_is_the_whole_message_in_any_case) {
  struct row {
    const char* body;
    keyword expected;
  };
  const row rows[] = {
      {"STOP", keyword::opt_out},       {"stop", keyword::opt_out},      {"  Stop \n", keyword::opt_out},
      {"STOPALL", keyword::opt_out},    {"unsubscribe", keyword::opt_out}, {"Cancel", keyword::opt_out},
      {"END", keyword::opt_out},        {"quit", keyword::opt_out},      {"REVOKE", keyword::opt_out},
      {"optout", keyword::opt_out},     {"START", keyword::opt_in},      {"unstop", keyword::opt_in},
      {"Yes", keyword::opt_in},         {"HELP", keyword::help},         {"info", keyword::help},
      {"stop it", keyword::none},       {"STOP!", keyword::none},        {"please stop", keyword::none},
      {"opt out", keyword::none},       {"", keyword::none},             {"Stopping by at 5", keyword::none},
      {"yes please", keyword::none},    {"HELP ME", keyword::none},
  };
  for (const auto& r : rows) EXPECT_EQ(sb::routing::classify_keyword(r.body), r.expected) << "'" << r.body << "'";
}

TEST(routing_consent, an_opt_out_or_opt_in_is_recorded_and_confirmed_once_and_help_always_answers) {
  using answer = sb::routing::consent_plan::answer;
  struct row {
    const char* body;
    bool opted_out;
    std::optional<std::string> record;
    answer reply;
    const char* event;
    const char* notice;
  };
  const row rows[] = {
      {"STOP", false, "opted_out", answer::opted_out, "Opted out by texting STOP", "(opted out of texts: STOP)"},
      {"stop", true, std::nullopt, answer::none, "", "(opted out of texts: STOP)"},  // already out: nothing twice
      {"Start", true, "opted_in", answer::opted_in, "Opted in again by texting START", "(opted in to texts: START)"},
      {"YES", false, std::nullopt, answer::none, "", "(opted in to texts: YES)"},  // never out: just a reply
      {"help", false, std::nullopt, answer::help, "", "(asked for help: HELP; the help text was sent)"},
      {"HELP", true, std::nullopt, answer::help, "", "(asked for help: HELP; the help text was sent)"},
      {"Is my order ready?", false, std::nullopt, answer::none, "", ""},
  };
  for (const auto& r : rows) {
    auto p = sb::routing::plan_consent(r.body, r.opted_out);
    EXPECT_EQ(p.record, r.record) << r.body;
    EXPECT_EQ(p.reply, r.reply) << r.body;
    EXPECT_EQ(p.event, r.event) << r.body;
    EXPECT_EQ(p.relay_notice, r.notice) << r.body;
  }
}

TEST(routing_consent, free_text_that_may_revoke_consent_is_only_a_suggestion) {
  for (auto body : {"please stop texting me", "Don't text me again", "unsubscribe me", "remove me from your list",
                    "No more texts please", "I want to opt out"})
    EXPECT_TRUE(sb::routing::may_revoke_consent(body)) << body;
  for (auto body : {"STOP", "Stop", "where is my order", "stop by the store tomorrow", "thanks!"})
    EXPECT_FALSE(sb::routing::may_revoke_consent(body)) << body;
}

TEST(routing_consent, carrier_errors_and_the_business_name) {
  EXPECT_TRUE(sb::routing::error_means_opted_out("21610"));
  EXPECT_FALSE(sb::routing::error_means_opted_out("30003"));
  EXPECT_FALSE(sb::routing::error_means_opted_out(""));
  EXPECT_EQ(sb::routing::fill_business("{business}: reply STOP. {business}", "Acme"), "Acme: reply STOP. Acme");
  EXPECT_EQ(sb::routing::fill_business("no name", "Acme"), "no name");
}

TEST(routing_consent, a_queued_text_is_refused_at_send_time_once_opted_out_except_a_keywords_answer) {
  struct row {
    bool opted_out, answers_keyword, refused;
  };
  const row rows[] = {
      {false, false, false},  // an ordinary reply
      {true, false, true},    // opted out after it was queued
      {true, true, false},    // the confirmation of the STOP itself
      {false, true, false},   // HELP's answer, or START's
  };
  for (const auto& r : rows)
    EXPECT_EQ(sb::routing::refused_at_send(r.opted_out, r.answers_keyword), r.refused)
        << r.opted_out << " " << r.answers_keyword;
}

TEST(routing_consent, an_agent_confirms_or_dismisses_a_suggestion_once) {
  struct row {
    const char* action;
    const char* suggestion;
    bool resolved, opted_out, textable;
    const char* error_code;
    const char* resolution;
    bool records;
    const char* event;
  };
  const row rows[] = {
      {"confirm", "opt_out", false, false, true, "", "confirmed", true,
       "Opted out by Dana Smith (from the message \"please stop texting me\")"},
      {"dismiss", "opt_out", false, false, true, "", "dismissed", false, ""},
      {"confirm", "opt_out", false, true, true, "", "confirmed", false, ""},  // a STOP came first
      {"confirm", "opt_out", true, false, true, "CONFLICT", "", false, ""},
      {"dismiss", "opt_out", true, false, true, "CONFLICT", "", false, ""},
      {"confirm", "", false, false, true, "INVALID_INPUT", "", false, ""},   // no suggestion on the message
      {"opt_in", "opt_out", false, false, true, "INVALID_INPUT", "", false, ""},
      {"", "opt_out", false, false, true, "INVALID_INPUT", "", false, ""},
      {"confirm", "opt_out", false, false, false, "INVALID_INPUT", "", false, ""},  // a short code: nothing to opt out
      {"dismiss", "opt_out", false, false, false, "", "dismissed", false, ""},
  };
  for (const auto& r : rows) {
    sb::routing::suggestion_facts f{r.action, r.suggestion, r.resolved, r.opted_out, r.textable, "Dana Smith",
                                    "please stop texting me"};
    auto p = sb::routing::plan_suggestion(f);
    SCOPED_TRACE(std::string(r.action) + " " + r.suggestion + (r.resolved ? " resolved" : "") +
                 (r.opted_out ? " opted out" : ""));
    EXPECT_EQ(p.error_code, r.error_code);
    EXPECT_EQ(p.error.empty(), std::string(r.error_code).empty());
    EXPECT_EQ(p.resolved, r.resolution);
    EXPECT_EQ(p.record.has_value(), r.records);
    if (r.records) {
      EXPECT_EQ(*p.record, "opted_out");
    }
    EXPECT_EQ(p.event, r.event);
  }
}

TEST(routing_consent, a_long_message_is_clipped_in_the_thread_item_on_a_character_boundary) {
  std::string words(56, 'a');
  words += "ééé and more words after";  // é is two bytes: byte 57 falls inside one
  auto p = sb::routing::plan_suggestion({"confirm", "opt_out", false, false, true, "Dana", words});
  EXPECT_EQ(p.event, "Opted out by Dana (from the message \"" + std::string(56, 'a') + "…\")");
}
