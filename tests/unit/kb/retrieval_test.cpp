// The answer bot's retrieval pieces (issue 20): which words of a question are
// searched for, which passage of an article answers, and how sure that is.
#include "switchboard/kb/retrieval.hpp"

#include <gtest/gtest.h>

namespace kb = switchboard::kb;

namespace {

TEST(question_terms, keeps_the_content_words_once_in_order_lower_cased) {
  EXPECT_EQ(kb::question_terms("How do I reset my Router? My router's lights are RED!"),
            (std::vector<std::string>{"reset", "router", "routers", "lights", "red"}));
  EXPECT_EQ(kb::question_terms("don't want to cancle, just pause"),
            (std::vector<std::string>{"cancle", "pause"}));
}

TEST(question_terms, a_question_of_function_words_only_keeps_them) {
  EXPECT_EQ(kb::question_terms("what is this?"), (std::vector<std::string>{"what", "is", "this"}));
  EXPECT_TRUE(kb::question_terms("?!").empty());
}

TEST(question_terms, are_bounded) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "word" + std::to_string(i) + " ";
  EXPECT_EQ(kb::question_terms(many).size(), 16u);
}

TEST(rank_passages, the_passage_covering_most_terms_comes_first_with_its_heading) {
  const char* md =
      "Intro paragraph about the app.\n\n"
      "## Resetting\n\nHold the reset button on the router for ten seconds.\n\n"
      "## Lights\n\n- Red light: the line is down\n- Green light: all good\n";
  auto ranked = kb::rank_passages(md, {"reset", "router", "button"});
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].p.heading, "Resetting");
  EXPECT_DOUBLE_EQ(ranked[0].coverage, 1.0);
  // "light" matches "lights" in the heading (a prefix of 4 letters or more).
  auto lights = kb::rank_passages(md, {"light", "red"});
  EXPECT_EQ(lights[0].p.heading, "Lights");
  EXPECT_DOUBLE_EQ(lights[0].coverage, 1.0);
  // Short words do not match by prefix.
  auto short_words = kb::rank_passages("The red car.", {"re"});
  EXPECT_DOUBLE_EQ(short_words[0].coverage, 0.0);
}

TEST(confidence, grows_with_coverage_and_with_the_lead_over_the_next_article) {
  EXPECT_GT(kb::confidence(1.0, 10, 0), kb::confidence(0.5, 10, 0));
  EXPECT_GT(kb::confidence(1.0, 10, 2), kb::confidence(1.0, 10, 9));
  EXPECT_DOUBLE_EQ(kb::confidence(1.0, 10, 0), 1.0);
  EXPECT_DOUBLE_EQ(kb::confidence(0.0, 0, 0), 0.0);
  EXPECT_LE(kb::confidence(1.0, 10, 20), 0.7 + 1e-9);  // a runner-up scoring higher gives no margin
}

}  // namespace
