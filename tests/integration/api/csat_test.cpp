// CSAT surveys (issue 21 acceptance), over real HTTP: resolving a widget chat puts
// an inline 1-5 rating in the visitor's thread; an SMS conversation (with sms on)
// gets "How did we do? Reply 1–5", whose bare numeric answer within 24 hours is
// the rating and opens nothing (after 24 hours it is an ordinary text); an
// opted-out number gets no survey; other channels get a /survey/{token} page that
// works without JavaScript. The rating is credited to the assignee when the
// survey was sent, shows on the conversation and the contact, and is delivered as
// the csat.submitted webhook. Bad input is 400; the settings are for admins.
#include <atomic>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/fake_webhook_receiver.hpp"
#include "support/test_support.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string shop = "https://shop.example.com";

class csat : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://support.example.com";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = "http://127.0.0.1:9";  // nothing listens: the texts stay unsent
    cfg_.webhooks_allow_private_targets = true;
    sb::app::app_options o{false, {}};
    o.outbox_poll = 50ms;
    o.webhook_retry_scale = 0.001;
    auto offset = offset_;
    o.now = [offset] { return sb::system_now() + std::chrono::hours(offset->load()); };
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         const std::string& token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }
  sbtest::api_reply as_visitor(const std::string& method, const std::string& path, const std::string& visitor,
                               const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, visitor, body, "Origin: " + shop + "\r\n");
  }
  // A teammate with a password: {id, token}.
  std::pair<std::string, std::string> teammate(const std::string& email, const std::string& role = "agent") {
    auto r = call("POST", "/api/v1/teammates",
                  {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role},
                   {"password", "password-" + role + "-1"}});
    EXPECT_EQ(r.status, 201) << r.raw;
    auto login = sbtest::api_call(app_->port(), "POST", "/api/v1/auth/login", "",
                                  {{"email", email}, {"password", "password-" + role + "-1"}});
    EXPECT_EQ(login.status, 200) << login.raw;
    return {r.body.value("id", ""), login.body.value("token", "")};
  }
  std::string visitor() {
    auto me = call("GET", "/api/v1/me");
    auto s = sbtest::api_call(app_->port(), "POST", "/api/widget/v1/sessions", "",
                              {{"workspace_id", me.body["workspace_id"]}}, "Origin: " + shop + "\r\n");
    EXPECT_EQ(s.status, 200) << s.raw;
    return s.body.value("token", "");
  }
  void allow_widget() { ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", {{"allowed_origins", {shop}}}).status, 200); }
  sbtest::api_reply patch(const std::string& conversation, const json& body) {
    return call("PATCH", "/api/v1/conversations/" + conversation, body);
  }
  json conversation(const std::string& id) {
    auto r = call("GET", "/api/v1/conversations/" + id);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body;
  }
  json thread(const std::string& id) {
    auto r = call("GET", "/api/v1/conversations/" + id + "/messages");
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"];
  }
  std::string contact(const std::string& name, const std::string& phone = "") {
    json body = {{"name", name}};
    if (!phone.empty()) body["phone"] = phone;
    auto r = call("POST", "/api/v1/contacts", body);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }
  // An email conversation, resolved: a link survey.
  std::string resolved_email_conversation(const std::string& name) {
    auto c = call("POST", "/api/v1/conversations", {{"contact_id", contact(name)}, {"channel", "email"}});
    EXPECT_EQ(c.status, 201) << c.raw;
    std::string id = c.body.value("id", "");
    EXPECT_EQ(patch(id, {{"status", "resolved"}}).status, 200);
    return id;
  }
  // SMS on a Twilio line.
  void add_line() {
    auto r = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", line_}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  sbtest::api_reply text(const std::string& sid, const std::string& from, const std::string& body) {
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms",
                               {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", from}, {"To", line_},
                                {"Body", body}, {"NumMedia", "0"}});
  }
  json conversations() {
    auto r = call("GET", "/api/v1/conversations");
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"];
  }
  static int count_body(const json& items, const std::string& body) {
    int n = 0;
    for (auto& m : items)
      if (m.value("body", "") == body) ++n;
    return n;
  }
  std::optional<sbtest::http_reply> page(const std::string& method, const std::string& path,
                                         const std::string& form = "") {
    return sbtest::http_request(app_->port(), method, path, form,
                                method == "POST" ? "Content-Type: application/x-www-form-urlencoded\r\n" : "");
  }

  std::shared_ptr<std::atomic<int>> offset_ = std::make_shared<std::atomic<int>>(0);
  sbtest::temp_dir dir_;
  sb::config cfg_;
  sbtest::fake_webhook_receiver receiver_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
  std::string line_ = "+14155550100";
};

TEST_F(csat, a_widget_rating_is_recorded_once_and_credited_to_the_assignee_when_sent) {
  allow_widget();
  auto [ana, ana_token] = teammate("ana@example.com");
  auto [ben, ben_token] = teammate("ben@example.com");
  auto v = visitor();
  auto first = as_visitor("POST", "/api/widget/v1/conversations", v, {{"body", "Where is my order?"}});
  ASSERT_EQ(first.status, 201) << first.raw;
  std::string c = first.body["id"];
  // Nothing to rate before the resolution.
  EXPECT_TRUE(conversation(c)["csat"].is_null());
  EXPECT_EQ(as_visitor("POST", "/api/widget/v1/conversations/" + c + "/csat", v, {{"rating", 4}}).status, 404);

  ASSERT_EQ(patch(c, {{"assignee_id", ana}}).status, 200);
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  auto sent = conversation(c)["csat"];
  ASSERT_TRUE(sent.is_object()) << sent;
  EXPECT_EQ(sent["channel"], "widget");
  EXPECT_EQ(sent["status"], "sent");
  EXPECT_EQ(sent["teammate_id"], ana);
  EXPECT_TRUE(sent["rating"].is_null());
  // The visitor's thread has the rating item.
  auto seen = as_visitor("GET", "/api/widget/v1/conversations/" + c + "/messages", v);
  ASSERT_EQ(seen.status, 200) << seen.raw;
  auto& items = seen.body["items"];
  ASSERT_EQ(items.size(), 2u) << seen.raw;
  EXPECT_EQ(items[1]["sender"]["kind"], "bot");
  ASSERT_TRUE(items[1].contains("csat")) << items[1];
  EXPECT_TRUE(items[1]["csat"]["rating"].is_null());

  // Reassigned after it was sent: the rating stays Ana's.
  ASSERT_EQ(patch(c, {{"assignee_id", ben}}).status, 200);

  // Bad input.
  auto path = "/api/widget/v1/conversations/" + c + "/csat";
  for (json bad : {json{{"rating", 0}}, json{{"rating", 6}}, json{{"rating", "x"}}, json{{"rating", 2.5}},
                   json::object(), json{{"rating", 3}, {"comment", std::string(1001, 'a')}},
                   json{{"rating", 3}, {"comment", 7}}})
    EXPECT_EQ(as_visitor("POST", path, v, bad).status, 400) << bad;
  // Another visitor cannot rate it.
  EXPECT_EQ(as_visitor("POST", path, visitor(), {{"rating", 1}}).status, 404);

  auto rated = as_visitor("POST", path, v, {{"rating", 4}, {"comment", "Quick and kind"}});
  ASSERT_EQ(rated.status, 200) << rated.raw;
  EXPECT_EQ(rated.body["rating"], 4);
  // Once.
  EXPECT_EQ(as_visitor("POST", path, v, {{"rating", 1}}).status, 409);

  auto shown = conversation(c)["csat"];
  EXPECT_EQ(shown["status"], "answered");
  EXPECT_EQ(shown["rating"], 4);
  EXPECT_EQ(shown["comment"], "Quick and kind");
  EXPECT_EQ(shown["teammate_id"], ana);
  EXPECT_TRUE(shown["answered_at"].is_string());
  // The visitor's item now shows the rating given.
  seen = as_visitor("GET", "/api/widget/v1/conversations/" + c + "/messages", v);
  EXPECT_EQ(seen.body["items"][1]["csat"]["rating"], 4) << seen.raw;
  // And the contact.
  std::string contact_id = conversation(c)["contact_id"];
  auto person = call("GET", "/api/v1/contacts/" + contact_id);
  ASSERT_EQ(person.status, 200) << person.raw;
  EXPECT_EQ(person.body["csat"]["count"], 1);
  EXPECT_DOUBLE_EQ(person.body["csat"]["average"].get<double>(), 4.0);
  ASSERT_EQ(person.body["csat"]["latest"].size(), 1u);
  EXPECT_EQ(person.body["csat"]["latest"][0]["rating"], 4);

  // Resolving a resolved conversation sends nothing; reopened and resolved again, a new survey.
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  EXPECT_EQ(conversation(c)["csat"]["status"], "answered");
  ASSERT_EQ(patch(c, {{"status", "open"}}).status, 200);
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  auto again = conversation(c)["csat"];
  EXPECT_EQ(again["status"], "sent");
  EXPECT_EQ(again["teammate_id"], ben);
}

TEST_F(csat, an_sms_reply_within_24_hours_is_the_rating_and_opens_nothing) {
  ASSERT_EQ(call("PATCH", "/api/v1/csat/settings", {{"sms", true}}).status, 200);
  add_line();
  const std::string ada = "+14155550123";
  ASSERT_EQ(text("SMcsat1", ada, "My parcel is late").status, 200);
  auto list = conversations();
  ASSERT_EQ(list.size(), 1u);
  std::string c = list[0]["id"];
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  EXPECT_EQ(count_body(thread(c), "How did we do? Reply 1–5"), 1) << thread(c);
  auto sent = conversation(c)["csat"];
  ASSERT_TRUE(sent.is_object());
  EXPECT_EQ(sent["channel"], "sms");

  // "4!" answers it: no new message, the conversation stays resolved.
  ASSERT_EQ(text("SMcsat2", ada, "4!").status, 200);
  auto shown = conversation(c);
  EXPECT_EQ(shown["status"], "resolved");
  EXPECT_EQ(shown["csat"]["rating"], 4);
  EXPECT_EQ(shown["csat"]["status"], "answered");
  EXPECT_EQ(count_body(thread(c), "4!"), 0);
  EXPECT_EQ(conversations().size(), 1u);
  // A carrier's retry records nothing twice.
  ASSERT_EQ(text("SMcsat2", ada, "4!").status, 200);
  EXPECT_EQ(conversation(c)["csat"]["rating"], 4);
  EXPECT_EQ(count_body(thread(c), "4!"), 0);

  // Another resolution, another survey; answered after 24 hours, "5" is an ordinary text.
  ASSERT_EQ(text("SMcsat3", ada, "One more question").status, 200);
  list = conversations();
  std::string c2 = list[0]["id"];
  ASSERT_EQ(patch(c2, {{"status", "resolved"}}).status, 200);
  EXPECT_EQ(conversation(c2)["csat"]["status"], "sent");
  offset_->store(25);
  ASSERT_EQ(text("SMcsat4", ada, "5").status, 200);
  list = conversations();
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list[0]["preview"], "5") << list;
  EXPECT_NE(list[0]["status"], "resolved");
  EXPECT_EQ(conversation(c2)["csat"]["status"], "sent");
}

TEST_F(csat, an_opted_out_number_gets_no_survey) {
  ASSERT_EQ(call("PATCH", "/api/v1/csat/settings", {{"sms", true}}).status, 200);
  add_line();
  const std::string bob = "+14155550124";
  ASSERT_EQ(text("SMout1", bob, "Hello").status, 200);
  ASSERT_EQ(text("SMout2", bob, "STOP").status, 200);
  std::string c = conversations()[0]["id"];
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  EXPECT_TRUE(conversation(c)["csat"].is_null());
  EXPECT_EQ(count_body(thread(c), "How did we do? Reply 1–5"), 0);
}

TEST_F(csat, sms_surveys_are_off_by_default) {
  add_line();
  ASSERT_EQ(text("SMoff1", "+14155550125", "Hello").status, 200);
  std::string c = conversations()[0]["id"];
  ASSERT_EQ(patch(c, {{"status", "resolved"}}).status, 200);
  EXPECT_TRUE(conversation(c)["csat"].is_null());
}

TEST_F(csat, the_survey_page_works_without_javascript_and_the_webhook_is_delivered) {
  auto e = call("POST", "/api/v1/webhooks", {{"url", receiver_.url()}, {"events", {"csat.submitted"}}});
  ASSERT_EQ(e.status, 201) << e.raw;
  auto c = resolved_email_conversation("Carla");
  auto s = conversation(c)["csat"];
  ASSERT_TRUE(s.is_object()) << s;
  EXPECT_EQ(s["channel"], "link");
  std::string link = s["link"];
  const std::string prefix = "https://support.example.com/survey/";
  ASSERT_EQ(link.rfind(prefix, 0), 0u) << link;
  auto path = "/survey/" + link.substr(prefix.size());

  auto form = page("GET", path);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200) << form->body;
  EXPECT_NE(form->header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(form->header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(form->body.find("<script"), std::string::npos);
  EXPECT_NE(form->body.find("<form method=\"post\" action=\"" + path + "\">"), std::string::npos) << form->body;
  for (int i = 1; i <= 5; ++i)
    EXPECT_NE(form->body.find("name=\"rating\" value=\"" + std::to_string(i) + "\""), std::string::npos);
  EXPECT_NE(form->body.find("<textarea"), std::string::npos);

  // Bad answers are refused with the form again.
  for (std::string bad : std::vector<std::string>{"rating=0", "rating=6", "rating=x", "comment=hi",
                                                  "rating=3&comment=" + std::string(1001, 'a')}) {
    auto r = page("POST", path, bad);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << bad;
  }
  auto posted = page("POST", path, "rating=5&comment=Great+service+%3Cb%3E");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303) << posted->body;
  EXPECT_EQ(posted->header("location"), path);
  auto thanks = page("GET", path);
  ASSERT_TRUE(thanks);
  EXPECT_EQ(thanks->status, 200);
  EXPECT_NE(thanks->body.find("Thanks for your feedback"), std::string::npos) << thanks->body;
  // Answered: a second post changes nothing.
  auto twice = page("POST", path, "rating=1");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 303);
  auto shown = conversation(c)["csat"];
  EXPECT_EQ(shown["rating"], 5);
  EXPECT_EQ(shown["comment"], "Great service <b>");

  auto unknown = page("GET", "/survey/nosuchtoken");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("Survey not found"), std::string::npos);

  // csat.submitted, once.
  ASSERT_TRUE(sbtest::eventually([&] { return !receiver_.requests().empty(); }));
  auto seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 1u);
  auto body = json::parse(seen[0].body);
  EXPECT_EQ(body["type"], "csat.submitted");
  EXPECT_EQ(body["data"]["conversation_id"], c);
  EXPECT_EQ(body["data"]["rating"], 5);
  EXPECT_EQ(body["data"]["channel"], "link");
  EXPECT_EQ(body["data"]["comment"], "Great service <b>");
  for (auto* k : {"id", "contact_id", "teammate_id", "sent_at", "answered_at"})
    EXPECT_TRUE(body["data"].contains(k)) << k;
}

TEST_F(csat, the_settings_are_for_admins_and_turn_channels_off) {
  auto [agent, agent_token] = teammate("agent@example.com");
  auto [admin, admin_token] = teammate("admin@example.com", "admin");
  EXPECT_EQ(call("GET", "/api/v1/csat/settings", nullptr, agent_token).status, 403);
  EXPECT_EQ(call("PATCH", "/api/v1/csat/settings", {{"link", false}}, agent_token).status, 403);
  auto s = call("GET", "/api/v1/csat/settings", nullptr, admin_token);
  ASSERT_EQ(s.status, 200) << s.raw;
  EXPECT_EQ(s.body, (json{{"widget", true}, {"sms", false}, {"link", true}}));
  EXPECT_EQ(call("PATCH", "/api/v1/csat/settings", {{"sms", "yes"}}, admin_token).status, 400);
  auto p = call("PATCH", "/api/v1/csat/settings", {{"link", false}}, admin_token);
  ASSERT_EQ(p.status, 200) << p.raw;
  EXPECT_EQ(p.body["link"], false);
  EXPECT_EQ(p.body["widget"], true);
  auto c = resolved_email_conversation("Dora");
  EXPECT_TRUE(conversation(c)["csat"].is_null());
}

}  // namespace
