// Shared lines and business hours through signed Twilio webhooks: a team's line
// rings every available member at once; outside hours a call reaches the team's
// voicemail with its greeting and a text gets the after-hours reply once per
// closed period; a teammate's own hours and greeting; the routing settings API.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Open on Mondays only, and open around the clock (nlohmann reads [["a","b"]] as an object, so parse text).
const json closed_hours =
    json::parse(R"({"timezone":"America/New_York","weekly":{"mon":[["09:00","17:00"]]},"holidays":[]})");
const json always_open = json::parse(R"({"timezone":"Asia/Tokyo","weekly":{"mon":[["00:00","24:00"]],
  "tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],
  "sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}})");

class lines_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.public_url = "https://switchboard.example.com";
    app_ = std::make_unique<sbtest::running_app>(cfg_, sb::app::app_options{false, {}});
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         std::string token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }

  std::string webhook(const std::string& path, const sb::carriers::param_list& params) {
    auto r = sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", path, params);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.raw;
  }

  // A team of two available teammates with phones, owning +14155550100.
  std::string make_team_line() {
    auto other = call("POST", "/api/v1/teammates", {{"email", "sam@example.com"}, {"name", "Sam"}, {"role", "agent"},
                                                   {"password", "sam-password-1"}, {"physical_number", "+14155550161"}});
    EXPECT_EQ(other.status, 201) << other.raw;
    EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", "+14155550160"}}).status, 200);
    auto team = call("POST", "/api/v1/teams", {{"name", "Help desk"}, {"member_ids", {me_, other.body["id"]}}});
    EXPECT_EQ(team.status, 201) << team.raw;
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+14155550100"}, {"owner_team_id", team.body["id"]}});
    EXPECT_EQ(n.status, 201) << n.raw;
    return team.body["id"].get<std::string>();
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_;
};

sb::carriers::param_list inbound_call(const std::string& sid) {
  return {{"CallSid", sid}, {"From", "+14155550199"}, {"To", "+14155550100"}, {"CallStatus", "ringing"}};
}
sb::carriers::param_list inbound_sms(const std::string& sid, const std::string& body) {
  return {{"MessageSid", sid}, {"From", "+14155550199"}, {"To", "+14155550100"}, {"Body", body}};
}

}  // namespace

TEST_F(lines_test, a_shared_line_rings_every_available_member_at_once) {
  auto team = make_team_line();
  auto twiml = webhook("/webhooks/twilio/voice", inbound_call("CA1"));
  const std::string base = "https://switchboard.example.com/webhooks/twilio/voice";
  EXPECT_NE(twiml.find("<Number url=\"" + base + "/screen?parent=CA1\" method=\"POST\">+14155550160</Number>"
                       "<Number url=\"" + base + "/screen?parent=CA1\" method=\"POST\">+14155550161</Number>"),
            std::string::npos)
      << twiml;
  // Away members are not rung; nobody available → the team's voicemail.
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"availability", "away"}}).status, 200);
  twiml = webhook("/webhooks/twilio/voice", inbound_call("CA2"));
  EXPECT_EQ(twiml.find("+14155550160"), std::string::npos);
  EXPECT_NE(twiml.find("+14155550161"), std::string::npos);
  auto sam = call("GET", "/api/v1/teammates").body["items"];
  for (auto& t : sam)
    if (t["email"] == "sam@example.com") call("PATCH", "/api/v1/teammates/" + t["id"].get<std::string>(), {{"availability", "offline"}});
  ASSERT_EQ(call("PATCH", "/api/v1/teams/" + team + "/routing", {{"voicemail_greeting", "Help desk here, leave a message."}}).status, 200);
  twiml = webhook("/webhooks/twilio/voice", inbound_call("CA3"));
  EXPECT_EQ(twiml.find("<Dial"), std::string::npos);
  EXPECT_NE(twiml.find("<Say>Help desk here, leave a message.</Say><Record"), std::string::npos) << twiml;
}

TEST_F(lines_test, outside_hours_a_shared_line_replies_once_per_closed_period_and_sends_calls_to_voicemail) {
  auto team = make_team_line();
  auto set = call("PATCH", "/api/v1/teams/" + team + "/routing",
                  {{"business_hours", closed_hours}, {"after_hours_reply", "We open Monday at 9."}});
  ASSERT_EQ(set.status, 200) << set.raw;
  auto open_now = call("GET", "/api/v1/teams/" + team + "/routing");
  EXPECT_EQ(open_now.body["after_hours_reply"], "We open Monday at 9.");

  // The test runs on the real clock: a week with no opening is closed whenever it runs.
  json never = {{"timezone", "UTC"}, {"weekly", json::object()}};
  ASSERT_EQ(call("PATCH", "/api/v1/teams/" + team + "/routing", {{"business_hours", never}}).status, 200);
  webhook("/webhooks/twilio/sms", inbound_sms("SM1", "Are you open?"));
  webhook("/webhooks/twilio/sms", inbound_sms("SM2", "Hello?"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE sender_kind = 'bot' AND body = 'We open Monday at 9.'"), 1)
      << "once per closed period";
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'message.send.sms'"), 1);
  auto twiml = webhook("/webhooks/twilio/voice", inbound_call("CA9"));
  EXPECT_EQ(twiml.find("<Dial"), std::string::npos) << "closed: nobody is rung";
  EXPECT_NE(twiml.find("<Record"), std::string::npos);

  // Open around the clock: no reply, and the members are rung.
  ASSERT_EQ(call("PATCH", "/api/v1/teams/" + team + "/routing", {{"business_hours", always_open}}).status, 200);
  webhook("/webhooks/twilio/sms", inbound_sms("SM3", "Still there?"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE sender_kind = 'bot'"), 1);
  EXPECT_NE(webhook("/webhooks/twilio/voice", inbound_call("CA10")).find("<Dial"), std::string::npos);
}

TEST_F(lines_test, a_teammate_s_hours_and_greeting_apply_to_their_virtual_number) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", "+14155550160"}}).status, 200);
  ASSERT_EQ(call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+14155550100"}, {"owner_teammate_id", me_}}).status, 201);
  EXPECT_NE(webhook("/webhooks/twilio/voice", inbound_call("CA1")).find("<Dial"), std::string::npos);
  json never = {{"timezone", "Europe/Paris"}, {"weekly", json::object()}};
  auto set = call("PATCH", "/api/v1/teammates/" + me_ + "/routing",
                  {{"business_hours", never}, {"voicemail_greeting", "Hi, it's Admin. Leave a message!"}});
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["business_hours"]["timezone"], "Europe/Paris");
  auto twiml = webhook("/webhooks/twilio/voice", inbound_call("CA2"));
  EXPECT_EQ(twiml.find("<Dial"), std::string::npos);
  EXPECT_NE(twiml.find("<Say>Hi, it&apos;s Admin. Leave a message!</Say>"), std::string::npos) << twiml;
}

TEST_F(lines_test, routing_settings_are_validated_and_permissioned) {
  auto bad = call("PATCH", "/api/v1/teammates/" + me_ + "/routing", {{"business_hours", {{"timezone", "Nowhere/Land"}, {"weekly", json::object()}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["code"], "INVALID_INPUT");
  EXPECT_NE(bad.body["error"]["message"].get<std::string>().find("business_hours.timezone"), std::string::npos);
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me_ + "/routing", {{"after_hours_reply", "x"}}).status, 400)
      << "teammates have no after-hours reply";
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/999/routing", {{"voicemail_greeting", "x"}}).status, 404);

  auto viewer = call("POST", "/api/v1/teammates", {{"email", "vi@example.com"}, {"name", "Vi"}, {"role", "viewer"},
                                                  {"password", "viewer-password-1"}});
  ASSERT_EQ(viewer.status, 201);
  auto vt = call("POST", "/api/v1/auth/login", {{"email", "vi@example.com"}, {"password", "viewer-password-1"}}).body["token"].get<std::string>();
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me_ + "/routing", {{"voicemail_greeting", "hijack"}}, vt).body["error"]["code"],
            "PERMISSION_DENIED");
  EXPECT_EQ(call("GET", "/api/v1/teammates/" + me_ + "/routing", nullptr, vt).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/teammates/" + me_ + "/routing").body["voicemail_greeting"], nullptr);
}
