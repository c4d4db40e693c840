// The answer bot's generation, pure (issue 20): the request carries the numbered
// passages and the question only; a completion is read for its text, its [n]
// citations (within the passages given) and a decline.
#include <gtest/gtest.h>

#include "switchboard/kb/generation.hpp"

namespace kb = switchboard::kb;
using json = nlohmann::json;

namespace {

std::string completion(const std::string& content) {
  return json{{"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}}.dump();
}

TEST(chat_request, carries_the_model_the_rules_the_numbered_passages_and_the_question) {
  auto j = kb::chat_request("llama3", "How do I reset it?",
                            {{"Reset your router", "https://x/help/articles/reset", "Hold the button."},
                             {"Wi-Fi", "https://x/help/articles/wifi", "Open the app."}});
  EXPECT_EQ(j["model"], "llama3");
  EXPECT_EQ(j["temperature"], 0);
  ASSERT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["role"], "system");
  EXPECT_NE(j["messages"][0]["content"].get<std::string>().find("NO_ANSWER"), std::string::npos);
  const std::string user = j["messages"][1]["content"];
  EXPECT_NE(user.find("[1] Reset your router\nHold the button."), std::string::npos) << user;
  EXPECT_NE(user.find("[2] Wi-Fi\nOpen the app."), std::string::npos) << user;
  EXPECT_NE(user.find("Question: How do I reset it?"), std::string::npos) << user;
}

TEST(read_chat_completion, finds_citations_within_the_passages_given) {
  auto g = kb::read_chat_completion(completion("  Hold it for ten seconds [2]. Then wait [1][2], see [1, 3] or [7].  "), 3);
  EXPECT_TRUE(g.parsed);
  EXPECT_FALSE(g.declined);
  EXPECT_EQ(g.cited, (std::vector<int>{2, 1, 3}));
  EXPECT_EQ(g.text, "Hold it for ten seconds [2]. Then wait [1][2], see [1, 3] or [7].");
  EXPECT_TRUE(kb::read_chat_completion(completion("See [the manual] and [0]."), 2).cited.empty());
}

TEST(read_chat_completion, a_decline_or_empty_text_is_a_decline) {
  EXPECT_TRUE(kb::read_chat_completion(completion("NO_ANSWER"), 2).declined);
  EXPECT_TRUE(kb::read_chat_completion(completion("Sorry. NO_ANSWER"), 2).declined);
  EXPECT_TRUE(kb::read_chat_completion(completion("   "), 2).declined);
}

TEST(read_chat_completion, a_body_without_a_completion_is_not_parsed) {
  for (const char* body : {"", "not json", "[]", "{}", R"({"choices":[]})", R"({"choices":[{"message":{}}]})",
                           R"({"choices":[{"message":{"content":42}}]})", R"({"error":{"message":"overloaded"}})"})
    EXPECT_FALSE(kb::read_chat_completion(body, 2).parsed) << body;
}

TEST(completions_url, adds_the_path_unless_given) {
  EXPECT_EQ(kb::completions_url("http://127.0.0.1:8081/v1"), "http://127.0.0.1:8081/v1/chat/completions");
  EXPECT_EQ(kb::completions_url("http://127.0.0.1:8081/v1/"), "http://127.0.0.1:8081/v1/chat/completions");
  EXPECT_EQ(kb::completions_url("https://api.example.com/v1/chat/completions"),
            "https://api.example.com/v1/chat/completions");
}

}  // namespace
