// The answer bot (issue 20 acceptance): a visitor's question in the widget is
// answered from the published articles — a quoted passage with its link, or, with
// answer_bot.llm.* set, the answer a fake OpenAI-compatible server on loopback
// wrote citing the passages — and "Did that answer your question?" follows. Yes
// resolves; "no", "talk to a person", a decline, a timeout and a low confidence
// hand over (the last without asking the model). Off by default; its settings are
// for admins and refuse bad input; /metrics counts answers and handoffs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/fake_llm.hpp"
#include "support/test_support.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

const std::string shop = "https://shop.example.com";

class answer_bot : public ::testing::Test {
 protected:
  void start(const std::string& llm_url = "", std::chrono::milliseconds llm_timeout = std::chrono::seconds(5)) {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://support.example.com";
    cfg_.answer_bot.handoff_message = "Passing you to the team.";
    cfg_.answer_bot.llm_url = llm_url;
    cfg_.answer_bot.llm_model = llm_url.empty() ? "" : "test-model";
    cfg_.answer_bot.llm_api_key = llm_url.empty() ? "" : "sk-test";
    cfg_.answer_bot.llm_timeout = llm_timeout;
    app_ = std::make_unique<sbtest::running_app>(cfg_, sb::app::app_options{false, {}});
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", {{"allowed_origins", {shop}}}).status, 200);
    publish("Reset your password",
            "## Forgot your password\n\nTo reset a forgotten password, open the sign-in page and choose "
            "**Forgot password**. We email you a link that works for one hour.\n\n## While signed in\n\n"
            "Go to Settings, then Security, and choose Change password.");
    publish("Cancel your subscription",
            "To cancel your subscription, open Billing and choose Cancel plan. The plan stays active until "
            "the end of the period you paid for.");
    publish("Shipping times", "Orders ship within two business days. Standard delivery takes 3 to 5 days.");
  }
  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         const std::string& token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }
  void publish(const std::string& title, const std::string& body) {
    auto r = call("POST", "/api/v1/articles", {{"title", title}, {"body", body}, {"status", "published"}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  void enable(json extra = json::object()) {
    extra["enabled"] = true;
    auto r = call("PATCH", "/api/v1/answer_bot/settings", extra);
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  // A visitor's widget session; the first message opens the conversation.
  std::string visitor() {
    auto me = call("GET", "/api/v1/me");
    auto s = sbtest::api_call(app_->port(), "POST", "/api/widget/v1/sessions", "",
                              {{"workspace_id", me.body["workspace_id"]}}, "Origin: " + shop + "\r\n");
    EXPECT_EQ(s.status, 200) << s.raw;
    return s.body.value("token", "");
  }
  std::string ask(const std::string& visitor_token, const std::string& text, const std::string& conversation = "") {
    auto path = conversation.empty() ? "/api/widget/v1/conversations"
                                     : "/api/widget/v1/conversations/" + conversation + "/messages";
    auto r = sbtest::api_call(app_->port(), "POST", path, visitor_token, {{"body", text}}, "Origin: " + shop + "\r\n");
    EXPECT_EQ(r.status, 201) << r.raw;
    return conversation.empty() ? r.body.value("id", "") : conversation;
  }
  std::vector<json> bot_items(const std::string& conversation) {
    auto r = call("GET", "/api/v1/conversations/" + conversation + "/messages");
    std::vector<json> out;
    for (auto& m : r.body["items"])
      if (m["sender"]["kind"] == "bot") out.push_back(m);
    return out;
  }
  // Waits until the conversation has `n` bot items (the bot runs in the background).
  std::vector<json> wait_bot(const std::string& conversation, std::size_t n) {
    std::vector<json> items;
    sbtest::eventually([&] {
      items = bot_items(conversation);
      return items.size() >= n;
    });
    return items;
  }
  std::string metrics() { return sbtest::http_request(app_->port(), "GET", "/metrics", "")->body; }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
};

TEST_F(answer_bot, answers_a_question_from_the_best_passage_and_a_yes_resolves) {
  start();
  enable();
  auto v = visitor();
  auto c = ask(v, "How do I reset my password? I forgot it");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  const std::string body = items[0]["body"];
  EXPECT_NE(body.find("To reset a forgotten password"), std::string::npos) << body;
  EXPECT_NE(body.find("https://support.example.com/help/articles/reset-your-password"), std::string::npos) << body;
  EXPECT_NE(body.find("Did that answer your question?"), std::string::npos) << body;
  EXPECT_EQ(items[0]["direction"], "outbound");
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["step"], "answer");
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["generated"], false);
  EXPECT_GE(items[0]["metadata"]["answer_bot"]["confidence"].get<double>(), 0.5);
  // The visitor sees it too, with the article to link.
  auto seen = sbtest::api_call(app_->port(), "GET", "/api/widget/v1/conversations/" + c + "/messages", v, nullptr,
                               "Origin: " + shop + "\r\n");
  ASSERT_EQ(seen.status, 200) << seen.raw;
  ASSERT_EQ(seen.body["items"].size(), 2u) << seen.raw;
  EXPECT_EQ(seen.body["items"][1]["sender"]["kind"], "bot");
  EXPECT_EQ(seen.body["items"][1]["answer_bot"]["step"], "answer");
  EXPECT_EQ(seen.body["items"][1]["answer_bot"]["article"]["title"], "Reset your password");
  // No teammate answered: no first response yet.
  EXPECT_TRUE(call("GET", "/api/v1/conversations/" + c).body["first_response_at"].is_null());

  ask(v, "Yes, thanks!", c);
  items = wait_bot(c, 2);
  // The resolution's CSAT survey (issue 21) is written with it.
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[1]["metadata"]["answer_bot"]["step"], "resolved");
  EXPECT_TRUE(items[2]["metadata"].contains("csat")) << items[2];
  EXPECT_TRUE(sbtest::eventually([&] { return call("GET", "/api/v1/conversations/" + c).body["status"] == "resolved"; }));
  auto m = metrics();
  EXPECT_NE(m.find("switchboard_answer_bot_answers_total{source=\"extractive\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("switchboard_answer_bot_resolutions_total 1"), std::string::npos) << m;
}

TEST_F(answer_bot, talk_to_a_person_hands_over_and_the_bot_then_stays_quiet) {
  start();
  enable();
  auto v = visitor();
  auto c = ask(v, "How can I cancel my subscription?");
  ASSERT_EQ(wait_bot(c, 1).size(), 1u);
  ask(v, "Talk to a person please", c);
  auto items = wait_bot(c, 2);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["body"], "Passing you to the team.");
  EXPECT_EQ(items[1]["metadata"]["answer_bot"]["step"], "handoff");
  EXPECT_EQ(items[1]["metadata"]["answer_bot"]["reason"], "asked_for_human");
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + c).body["status"], "open");
  // After the handoff the team has it: a new question gets no bot answer.
  ask(v, "How long does shipping take?", c);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(bot_items(c).size(), 2u);
  EXPECT_NE(metrics().find("switchboard_answer_bot_handoffs_total{reason=\"asked_for_human\"} 1"), std::string::npos);

  // A "no" after an answer hands over as well; a teammate's reply ends the bot's part.
  auto c2 = ask(v, "How long does shipping take?");
  ASSERT_EQ(wait_bot(c2, 1).size(), 1u);
  ask(v, "No", c2);
  auto two = wait_bot(c2, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1]["metadata"]["answer_bot"]["reason"], "not_helpful");
  auto c3 = ask(v, "Where do I change my password while signed in?");
  ASSERT_EQ(wait_bot(c3, 1).size(), 1u);
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + c3 + "/messages", {{"body", "Hi, I can help."}}).status, 201);
  ask(v, "Thanks, and how do I cancel my subscription?", c3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(bot_items(c3).size(), 1u);
}

TEST_F(answer_bot, a_low_confidence_hands_over_without_asking_the_model) {
  sbtest::fake_llm llm;
  llm.answer("You can pay by cheque [1].");
  start(llm.url());
  enable({{"threshold", 0.9}});
  auto v = visitor();
  auto c = ask(v, "Can I pay by cheque when my order ships to Canada?");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["step"], "handoff");
  auto reason = items[0]["metadata"]["answer_bot"]["reason"].get<std::string>();
  EXPECT_TRUE(reason == "low_confidence" || reason == "no_source") << reason;
  EXPECT_EQ(llm.requests().size(), 0u);
}

TEST_F(answer_bot, the_model_answers_from_the_passages_and_cites_them) {
  sbtest::fake_llm llm;
  llm.answer("Choose Forgot password on the sign-in page; the emailed link works for an hour [1].");
  start(llm.url());
  enable();
  auto v = visitor();
  auto c = ask(v, "How do I reset my password? I forgot it");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  const std::string body = items[0]["body"];
  EXPECT_NE(body.find("the emailed link works for an hour [1]"), std::string::npos) << body;
  EXPECT_NE(body.find("[1] Reset your password: https://support.example.com/help/articles/reset-your-password"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Did that answer your question?"), std::string::npos) << body;
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["generated"], true);
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["sources"].size(), 1u);

  // The request: the configured model and key, the passages and the question, nothing else.
  auto reqs = llm.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].authorization, "Bearer sk-test");
  auto j = reqs[0].json();
  EXPECT_EQ(j["model"], "test-model");
  ASSERT_EQ(j["messages"].size(), 2u);
  const std::string user = j["messages"][1]["content"];
  EXPECT_NE(user.find("[1] Reset your password"), std::string::npos) << user;
  EXPECT_NE(user.find("To reset a forgotten password"), std::string::npos) << user;
  EXPECT_NE(user.find("Question: How do I reset my password? I forgot it"), std::string::npos) << user;
  EXPECT_NE(metrics().find("switchboard_answer_bot_answers_total{source=\"generated\"} 1"), std::string::npos);

  // An answer that cites nothing is not used: handoff.
  llm.answer("Just click the button.");
  auto c2 = ask(v, "How do I cancel my subscription?");
  auto two = wait_bot(c2, 1);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0]["metadata"]["answer_bot"]["step"], "handoff");
  EXPECT_EQ(two[0]["metadata"]["answer_bot"]["reason"], "llm_uncited");
}

TEST_F(answer_bot, a_decline_or_an_error_from_the_model_hands_over) {
  sbtest::fake_llm llm;
  llm.answer("NO_ANSWER");
  start(llm.url());
  enable();
  auto v = visitor();
  auto c = ask(v, "How do I cancel my subscription?");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["body"], "Passing you to the team.");
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["reason"], "llm_declined");
  EXPECT_EQ(llm.requests().size(), 1u);

  llm.answer("", 500);
  auto c2 = ask(v, "How long does shipping take?");
  auto two = wait_bot(c2, 1);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0]["metadata"]["answer_bot"]["reason"], "llm_unavailable");
  auto m = metrics();
  EXPECT_NE(m.find("switchboard_answer_bot_handoffs_total{reason=\"llm_declined\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("switchboard_answer_bot_handoffs_total{reason=\"llm_unavailable\"} 1"), std::string::npos) << m;
}

TEST_F(answer_bot, a_model_slower_than_the_timeout_hands_over) {
  sbtest::fake_llm llm;
  llm.answer("Late answer [1].", 200, std::chrono::seconds(5));
  start(llm.url(), std::chrono::milliseconds(300));
  enable();
  auto v = visitor();
  auto c = ask(v, "How do I reset my password? I forgot it");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["step"], "handoff");
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["reason"], "llm_unavailable");
}

TEST_F(answer_bot, answers_texts_only_when_sms_is_among_its_channels_and_sends_by_sms) {
  start();
  auto line = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}});
  ASSERT_EQ(line.status, 201) << line.raw;
  const std::string number = line.body["number"];
  auto text = [&](const std::string& from, const std::string& body) {
    auto r = call("POST", "/api/sandbox/v1/messages", {{"from", from}, {"to", number}, {"body", body}});
    ASSERT_EQ(r.status, 201) << r.raw;
  };
  auto conversation_of = [&](const std::string& phone) {
    std::string id;
    sbtest::eventually([&] {
      auto list = call("GET", "/api/v1/conversations?status=all");  // kept: the loop reads into it
      for (auto& c : list.body["items"])
        if (c["contact"]["phone"] == phone) id = c["id"].get<std::string>();
      return !id.empty();
    });
    return id;
  };
  // The widget only (the default channels): a text gets no bot answer.
  enable();
  text("+14155550401", "How do I reset my password? I forgot it");
  auto quiet = conversation_of("+14155550401");
  ASSERT_FALSE(quiet.empty()) << call("GET", "/api/v1/conversations?status=all").raw;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(bot_items(quiet).empty());

  enable({{"channels", {"widget", "sms"}}});
  text("+14155550402", "How do I reset my password? I forgot it");
  auto c = conversation_of("+14155550402");
  auto items = wait_bot(c, 1);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["channel"], "sms");
  EXPECT_EQ(items[0]["metadata"]["answer_bot"]["step"], "answer");
  EXPECT_NE(items[0]["body"].get<std::string>().find("https://support.example.com/help/articles/reset-your-password"),
            std::string::npos);
  // Sent through the outbox like a reply.
  EXPECT_TRUE(sbtest::eventually([&] {
    auto now = bot_items(c);
    return !now.empty() && (now[0]["status"] == "sent" || now[0]["status"] == "delivered");
  })) << bot_items(c)[0].dump();
  text("+14155550402", "agent please");
  auto two = wait_bot(c, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1]["metadata"]["answer_bot"]["reason"], "asked_for_human");
}

TEST_F(answer_bot, is_off_by_default_and_its_settings_are_for_admins_and_checked) {
  start();
  auto v = visitor();
  auto c = ask(v, "How do I reset my password? I forgot it");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(bot_items(c).empty());

  auto s = call("GET", "/api/v1/answer_bot/settings");
  ASSERT_EQ(s.status, 200) << s.raw;
  EXPECT_EQ(s.body["enabled"], false);
  EXPECT_EQ(s.body["threshold"], 0.5);
  EXPECT_EQ(s.body["channels"], json::array({"widget"}));
  EXPECT_EQ(s.body["business_hours"], "always");
  EXPECT_EQ(s.body["handoff_message"], "Passing you to the team.");
  EXPECT_EQ(s.body["llm"]["configured"], false);

  auto bad = [&](json body, const std::string& field) {
    auto r = call("PATCH", "/api/v1/answer_bot/settings", body);
    EXPECT_EQ(r.status, 400) << r.raw;
    EXPECT_EQ(r.code(), "INVALID_INPUT") << r.raw;
    EXPECT_NE(r.raw.find(field), std::string::npos) << r.raw;
  };
  bad({{"threshold", 2}}, "threshold");
  bad({{"threshold", "high"}}, "threshold");
  bad({{"channels", {"fax"}}}, "channels");
  bad({{"business_hours", "sometimes"}}, "business_hours");
  bad({{"handoff_message", ""}}, "handoff_message");
  bad({{"schedule", {{"timezone", "Mars/Olympus"}}}}, "schedule");
  bad({{"enabled", true}, {"colour", "red"}}, "colour");
  EXPECT_EQ(call("GET", "/api/v1/answer_bot/settings").body["enabled"], false);  // nothing half-written

  auto ok = call("PATCH", "/api/v1/answer_bot/settings",
                 {{"enabled", true},
                  {"threshold", 0.6},
                  {"channels", {"widget", "sms"}},
                  {"business_hours", "outside"},
                  {"schedule", {{"timezone", "Europe/Paris"},
                                {"weekly", {{"mon", json::array({json::array({"09:00", "17:00"})})}}}}}});
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["threshold"], 0.6);
  EXPECT_EQ(ok.body["schedule"]["timezone"], "Europe/Paris");
  EXPECT_EQ(call("GET", "/api/v1/answer_bot/settings").body["channels"], json::array({"widget", "sms"}));
  auto audit = call("GET", "/api/v1/audit_log");
  EXPECT_NE(audit.raw.find("answer_bot.updated"), std::string::npos) << audit.raw;

  // Agents and viewers neither read nor change them.
  ASSERT_EQ(call("POST", "/api/v1/teammates",
                 {{"email", "agent@example.com"}, {"name", "Agent"}, {"role", "agent"}, {"password", "agent-password-1"}})
                .status,
            201);
  auto agent = sbtest::login(app_->port(), "agent@example.com", "agent-password-1");
  EXPECT_EQ(call("GET", "/api/v1/answer_bot/settings", nullptr, agent).status, 403);
  EXPECT_EQ(call("PATCH", "/api/v1/answer_bot/settings", {{"enabled", false}}, agent).status, 403);
}

}  // namespace
