// Outbound webhooks (issue 21): an admin registers an endpoint; the events it asked
// for arrive signed per the Standard Webhooks specification; a receiver that fails
// gets the same delivery again (same webhook-id) on the schedule until it answers
// 2xx; failed deliveries replay, one or all since a time; a rotated secret signs
// beside the old one; an endpoint failing long enough is disabled and audited;
// private targets are refused unless webhooks.allow_private_targets; bad input is
// a 400 naming the field (MISSING_REQUIRED_FIELD, INVALID_FORMAT, INVALID_INPUT as
// everywhere in the API); agents may not manage endpoints. (The reference library's
// own verification of these signatures is tests/e2e/webhooks.test.mjs.) The retry
// schedule is shrunk by app_options.webhook_retry_scale, so days pass in seconds.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/fake_webhook_receiver.hpp"
#include "support/test_support.hpp"
#include "switchboard/core/digest.hpp"
#include "switchboard/core/encoding.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

// The specification's signature, computed here from its text: base64 of
// HMAC-SHA256(base64-decoded secret after whsec_, "<id>.<timestamp>.<body>").
std::string expected_signature(const std::string& secret, const std::string& id, const std::string& ts,
                               const std::string& body) {
  std::string b64 = secret.substr(6);
  for (auto& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  auto key = sb::base64url_decode(b64);
  EXPECT_TRUE(key.has_value()) << secret;
  return "v1," + sb::base64(sb::hmac_sha256(key.value_or(""), id + "." + ts + "." + body));
}

// Deliveries run on several workers at once: their order is not promised.
json event_of(const std::vector<sbtest::fake_webhook_receiver::seen>& seen, const std::string& type, int nth = 0) {
  for (auto& r : seen) {
    auto body = json::parse(r.body);
    if (body["type"] == type && nth-- == 0) return body;
  }
  ADD_FAILURE() << "no " << type << " event";
  return json::object();
}

class webhooks : public ::testing::Test {
 protected:
  void start(bool allow_private = true, double scale = 0.001) {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    // Texts come in signed by "Twilio"; replies would go to a port nothing listens on.
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = "http://127.0.0.1:9";
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.webhooks_allow_private_targets = allow_private;
    sb::app::app_options opts{false, {}};
    opts.outbox_poll = std::chrono::milliseconds(50);
    opts.webhook_retry_scale = scale;
    app_ = std::make_unique<sbtest::running_app>(cfg_, opts);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
  }
  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         const std::string& token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }
  json endpoint(std::vector<std::string> events) {
    auto r = call("POST", "/api/v1/webhooks", {{"url", receiver_.url()}, {"events", events}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body;
  }
  std::string contact(const std::string& name) {
    auto r = call("POST", "/api/v1/contacts", {{"name", name}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }
  json deliveries(const json& e, const std::string& query = "") {
    auto r = call("GET", "/api/v1/webhooks/" + e["id"].get<std::string>() + "/deliveries" + query);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["items"];
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  sbtest::fake_webhook_receiver receiver_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
};

TEST_F(webhooks, an_event_arrives_signed_with_the_standard_headers_and_the_rest_api_shape) {
  start();
  auto e = endpoint({"conversation.created", "message.created"});
  const std::string secret = e["secret"];
  ASSERT_EQ(secret.rfind("whsec_", 0), 0u) << secret;
  auto c = call("POST", "/api/v1/conversations",
                {{"contact_id", contact("Grace")}, {"channel", "chat"}, {"body", "Your table is booked."}});
  ASSERT_EQ(c.status, 201) << c.raw;
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 2; }));
  auto seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 2u);  // contact.created was not asked for
  std::set<std::string> types;
  for (auto& r : seen) {
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.id.rfind("msg_", 0), 0u) << r.id;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    EXPECT_LE(std::llabs(std::stoll(r.timestamp) - now.count()), 60) << r.timestamp;
    EXPECT_EQ(r.signature, expected_signature(secret, r.id, r.timestamp, r.body));
    auto body = json::parse(r.body);
    types.insert(body["type"].get<std::string>());
    ASSERT_TRUE(body["timestamp"].is_string());
    if (body["type"] == "conversation.created") {
      // The REST API's Conversation.
      auto rest = call("GET", "/api/v1/conversations/" + c.body["id"].get<std::string>()).body;
      EXPECT_EQ(body["data"]["id"], rest["id"]);
      EXPECT_EQ(body["data"]["contact_id"], rest["contact_id"]);
      EXPECT_EQ(body["data"]["channel"], "chat");
    } else {
      EXPECT_EQ(body["data"]["body"], "Your table is booked.");
      EXPECT_EQ(body["data"]["conversation_id"], c.body["id"]);
    }
  }
  EXPECT_EQ(types, (std::set<std::string>{"conversation.created", "message.created"}));
  // The log: both succeeded, with the receiver's answer.
  ASSERT_TRUE(sbtest::eventually([&] {
    auto items = deliveries(e);
    return items.size() == 2 && items[0]["status"] == "succeeded" && items[1]["status"] == "succeeded";
  }));
  auto items = deliveries(e);
  EXPECT_EQ(items[0]["response_status"], 200);
  EXPECT_EQ(items[0]["attempts"], 1);
  EXPECT_NE(items[0]["response_excerpt"].get<std::string>().find("received"), std::string::npos);
  auto one = call("GET", "/api/v1/webhooks/" + e["id"].get<std::string>() + "/deliveries/" +
                             items[0]["id"].get<std::string>());
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_TRUE(one.body["payload"].is_object());
  EXPECT_EQ(one.body["payload"]["type"], one.body["event_type"]);
}

TEST_F(webhooks, status_and_assignment_changes_carry_the_previous_value) {
  start();
  auto e = endpoint({"conversation.status_changed", "conversation.assigned"});
  auto c = call("POST", "/api/v1/conversations", {{"contact_id", contact("Alan")}});
  ASSERT_EQ(c.status, 201) << c.raw;
  auto me = call("GET", "/api/v1/me").body;
  auto id = c.body["id"].get<std::string>();
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + id, {{"assignee_id", me["id"]}}).status, 200);
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + id, {{"status", "resolved"}}).status, 200);
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 2; }));
  auto seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 2u);
  auto assigned = event_of(seen, "conversation.assigned"), resolved = event_of(seen, "conversation.status_changed");
  EXPECT_TRUE(assigned["data"]["previous_assignee_id"].is_null());
  EXPECT_EQ(assigned["data"]["assignee_id"], me["id"]);
  EXPECT_EQ(resolved["data"]["previous_status"], "open");
  EXPECT_EQ(resolved["data"]["status"], "resolved");
}

TEST_F(webhooks, a_failing_receiver_gets_the_same_delivery_again_until_it_succeeds) {
  start();
  receiver_.answer({500, 503}, 200);
  auto e = endpoint({"contact.created"});
  contact("Barbara");
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 3; }));
  auto seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].id, seen[1].id);
  EXPECT_EQ(seen[1].id, seen[2].id);
  EXPECT_EQ(seen[0].body, seen[2].body);  // the same event, signed anew each time
  ASSERT_TRUE(sbtest::eventually([&] { return deliveries(e)[0]["status"] == "succeeded"; }));
  auto d = deliveries(e)[0];
  EXPECT_EQ(d["attempts"], 3);
  EXPECT_EQ(d["response_status"], 200);
  EXPECT_TRUE(d["error"].is_null());
  // The endpoint is healthy again.
  EXPECT_TRUE(call("GET", "/api/v1/webhooks/" + e["id"].get<std::string>()).body["failing_since"].is_null());
}

TEST_F(webhooks, failed_deliveries_replay_one_at_a_time_or_all_since_a_time) {
  // 3 days shrink to about 2.6 s: the deliveries fail for good quickly.
  start(true, 0.00001);
  receiver_.answer({}, 500);
  auto e = endpoint({"contact.created"});
  auto eid = e["id"].get<std::string>();
  contact("Edsger");
  contact("Tony");
  ASSERT_TRUE(sbtest::eventually(
      [&] {
        auto items = deliveries(e);
        return items.size() == 2 && items[0]["status"] == "failed" && items[1]["status"] == "failed";
      },
      std::chrono::seconds(20)));
  auto failed = deliveries(e, "?status=failed");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_GE(failed[0]["attempts"].get<int>(), 3);
  EXPECT_EQ(failed[0]["response_status"], 500);
  EXPECT_EQ(failed[0]["error"], "HTTP 500");
  EXPECT_TRUE(deliveries(e, "?status=succeeded").empty());

  // One, by hand: the same webhook-id comes again and succeeds.
  receiver_.answer({}, 200);
  receiver_.clear();
  auto did = failed[0]["id"].get<std::string>();
  auto r = call("POST", "/api/v1/webhooks/" + eid + "/deliveries/" + did + "/replay");
  ASSERT_EQ(r.status, 202) << r.raw;
  EXPECT_EQ(r.body["status"], "pending");
  ASSERT_TRUE(sbtest::eventually([&] { return !receiver_.requests().empty(); }));
  EXPECT_EQ(receiver_.requests()[0].id, failed[0]["message_id"]);
  ASSERT_TRUE(sbtest::eventually([&] {
    return call("GET", "/api/v1/webhooks/" + eid + "/deliveries/" + did).body["status"] == "succeeded";
  }));
  // Replaying a succeeded one again is fine; a pending one is a conflict (not tested: racy).
  // All failed since a time: the other one.
  r = call("POST", "/api/v1/webhooks/" + eid + "/replay", {{"since", "2000-01-01T00:00:00Z"}});
  ASSERT_EQ(r.status, 202) << r.raw;
  EXPECT_EQ(r.body["replayed"], 1);
  ASSERT_TRUE(sbtest::eventually([&] { return deliveries(e, "?status=succeeded").size() == 2; }));
  // Nothing failed since now.
  r = call("POST", "/api/v1/webhooks/" + eid + "/replay", {{"since", "2100-01-01T00:00:00Z"}});
  EXPECT_EQ(r.body["replayed"], 0);
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + eid + "/replay", {{"since", "yesterday"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + eid + "/deliveries/999999/replay").status, 404);
}

TEST_F(webhooks, a_rotated_secret_signs_beside_the_old_one) {
  start();
  auto e = endpoint({"contact.created"});
  auto eid = e["id"].get<std::string>();
  auto rotated = call("POST", "/api/v1/webhooks/" + eid + "/rotate");
  ASSERT_EQ(rotated.status, 200) << rotated.raw;
  const std::string old_secret = e["secret"], new_secret = rotated.body["secret"];
  EXPECT_NE(old_secret, new_secret);
  EXPECT_TRUE(rotated.body["previous_secret_expires_at"].is_string());
  contact("Niklaus");
  ASSERT_TRUE(sbtest::eventually([&] { return !receiver_.requests().empty(); }));
  auto r = receiver_.requests()[0];
  EXPECT_EQ(r.signature, expected_signature(new_secret, r.id, r.timestamp, r.body) + " " +
                             expected_signature(old_secret, r.id, r.timestamp, r.body));
  // The secret is never shown again.
  EXPECT_FALSE(call("GET", "/api/v1/webhooks/" + eid).body.contains("secret"));
  EXPECT_FALSE(call("GET", "/api/v1/webhooks").body["items"][0].contains("secret"));
}

TEST_F(webhooks, an_endpoint_failing_for_five_days_is_disabled_and_audited) {
  // 5 days shrink to about 0.4 s.
  start(true, 0.000001);
  receiver_.answer({}, 500);
  auto e = endpoint({"contact.created"});
  auto eid = e["id"].get<std::string>();
  ASSERT_TRUE(sbtest::eventually(
      [&] {
        call("POST", "/api/v1/webhooks/" + eid + "/test");  // events keep coming while it fails
        return call("GET", "/api/v1/webhooks/" + eid).body["enabled"] == false;
      },
      std::chrono::seconds(20)));
  auto got = call("GET", "/api/v1/webhooks/" + eid).body;
  EXPECT_NE(got["disabled_reason"].get<std::string>().find("failed since"), std::string::npos) << got;
  auto audit = call("GET", "/api/v1/audit_log");
  EXPECT_NE(audit.raw.find("webhook.disabled"), std::string::npos) << audit.raw;
  // Disabled: nothing more is sent, a test is refused, replays too.
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + eid + "/test").status, 409);
  EXPECT_EQ(call("POST", "/api/v1/webhooks/" + eid + "/replay", {{"since", "2000-01-01T00:00:00Z"}}).status, 409);
  // Enabled again by an admin: a fresh start.
  auto back = call("PATCH", "/api/v1/webhooks/" + eid, {{"enabled", true}});
  ASSERT_EQ(back.status, 200) << back.raw;
  EXPECT_TRUE(back.body["disabled_reason"].is_null());
  EXPECT_TRUE(back.body["failing_since"].is_null());
}

TEST_F(webhooks, private_targets_are_refused_unless_allowed) {
  start(false);
  for (const char* url : {"http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://localhost/hook",
                          "https://10.1.2.3/hook", "https://192.168.0.1/", "https://169.254.169.254/latest/meta-data",
                          "https://[::1]/hook", "https://[fd00:ec2::254]/", "https://100.64.0.1/",
                          "http://example.com/hook"}) {
    auto r = call("POST", "/api/v1/webhooks", {{"url", url}, {"events", {"message.created"}}});
    EXPECT_EQ(r.status, 400) << url << " " << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "INVALID_INPUT") << url;
  }
  auto ok = call("POST", "/api/v1/webhooks", {{"url", "https://hooks.example.com/in"}, {"events", {"message.created"}}});
  EXPECT_EQ(ok.status, 201) << ok.raw;
  // Changing the URL of a registered endpoint is checked the same way.
  auto moved = call("PATCH", "/api/v1/webhooks/" + ok.body["id"].get<std::string>(),
                    {{"url", "https://169.254.169.254/"}});
  EXPECT_EQ(moved.status, 400) << moved.raw;
}

TEST_F(webhooks, bad_input_is_a_400_naming_the_field_and_agents_may_not_manage_endpoints) {
  start();
  auto bad = [&](const json& body, const std::string& field) {
    auto r = call("POST", "/api/v1/webhooks", body);
    EXPECT_EQ(r.status, 400) << body << " " << r.raw;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find(field), std::string::npos) << r.raw;
  };
  auto url = receiver_.url();
  bad({{"events", {"message.created"}}}, "url");
  EXPECT_EQ(call("POST", "/api/v1/webhooks", {{"events", {"message.created"}}}).body["error"]["code"],
            "MISSING_REQUIRED_FIELD");
  bad({{"url", url}}, "events");
  EXPECT_EQ(call("POST", "/api/v1/webhooks", {{"url", 5}, {"events", {"message.created"}}}).body["error"]["code"],
            "INVALID_FORMAT");
  bad({{"url", url}, {"events", json::array()}}, "events");
  bad({{"url", url}, {"events", {"message.deleted"}}}, "events");
  bad({{"url", url}, {"events", {"webhook.test"}}}, "events");
  bad({{"url", "not a url"}, {"events", {"message.created"}}}, "url");
  bad({{"url", "ftp://example.com/x"}, {"events", {"message.created"}}}, "url");
  bad({{"url", url}, {"events", {"message.created"}}, {"description", std::string(501, 'x')}}, "description");
  bad({{"url", url}, {"events", {"message.created"}}, {"enabled", "yes"}}, "enabled");
  EXPECT_EQ(call("POST", "/api/v1/webhooks", "[]").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/424242").status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/webhooks/424242", {{"enabled", false}}).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/webhooks/424242").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/424242/deliveries").status, 404);
  auto e = endpoint({"message.created"});
  auto eid = e["id"].get<std::string>();
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + eid + "/deliveries?status=maybe").status, 400);
  // Every change is audited.
  ASSERT_EQ(call("PATCH", "/api/v1/webhooks/" + eid, {{"description", "CRM"}, {"events", {"contact.updated"}}}).status,
            200);
  auto got = call("GET", "/api/v1/webhooks/" + eid).body;
  EXPECT_EQ(got["description"], "CRM");
  EXPECT_EQ(got["events"], json({"contact.updated"}));
  ASSERT_EQ(call("DELETE", "/api/v1/webhooks/" + eid).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/webhooks/" + eid).status, 404);
  auto audit = call("GET", "/api/v1/audit_log").raw;
  for (auto action : {"webhook.created", "webhook.updated", "webhook.deleted"})
    EXPECT_NE(audit.find(action), std::string::npos) << action;

  ASSERT_EQ(call("POST", "/api/v1/teammates",
                 {{"email", "agent@example.com"}, {"name", "Agent"}, {"role", "agent"}, {"password", "agent-password-1"}})
                .status,
            201);
  auto agent = sbtest::login(app_->port(), "agent@example.com", "agent-password-1");
  EXPECT_EQ(call("GET", "/api/v1/webhooks", nullptr, agent).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/webhooks", {{"url", url}, {"events", {"message.created"}}}, agent).status, 403);
}

TEST_F(webhooks, a_customers_text_brings_its_contact_conversation_message_and_a_reopening) {
  start();
  auto e = endpoint({"contact.created", "conversation.created", "message.created", "conversation.status_changed"});
  auto line = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+14155550100"}});
  ASSERT_EQ(line.status, 201) << line.raw;
  auto text = [&](const std::string& sid, const std::string& body) {
    sb::carriers::param_list p = {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", "+14155550199"},
                                  {"To", "+14155550100"}, {"Body", body},      {"NumMedia", "0"}};
    auto r = sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms", p,
                                 "X-Twilio-Signature");
    EXPECT_EQ(r.status, 200) << r.raw;
  };
  text("SM1", "Is the shop open on Sunday?");
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 3; }));
  std::multiset<std::string> types;
  for (auto& r : receiver_.requests()) types.insert(json::parse(r.body)["type"].get<std::string>());
  EXPECT_EQ(types, (std::multiset<std::string>{"contact.created", "conversation.created", "message.created"}));
  auto message = event_of(receiver_.requests(), "message.created")["data"];
  EXPECT_EQ(message["body"], "Is the shop open on Sunday?");
  EXPECT_EQ(message["direction"], "inbound");
  // A carrier's retry of the same text sends nothing more.
  text("SM1", "Is the shop open on Sunday?");
  // Resolved, then the customer writes again: the conversation reopens.
  auto cid = message["conversation_id"].get<std::string>();
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + cid, {{"status", "resolved"}}).status, 200);
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 4; }));
  text("SM2", "One more thing");
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 6; }));
  auto seen = receiver_.requests();
  ASSERT_EQ(seen.size(), 6u);
  auto resolved = event_of(seen, "conversation.status_changed", 0);
  auto reopened = event_of(seen, "conversation.status_changed", 1);
  auto again = event_of(seen, "message.created", 1);
  EXPECT_EQ(resolved["data"]["status"], "resolved");
  EXPECT_EQ(reopened["data"]["previous_status"], "resolved");
  EXPECT_EQ(reopened["data"]["status"], "open");
  EXPECT_EQ(again["data"]["body"], "One more thing");

  // A carrier's body is not checked for UTF-8: the event is sent, with the
  // bytes replaced, and never fails the text's own write.
  text("SM3", "caf\xe9 ol\xff");
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 7; }));
  auto odd = event_of(receiver_.requests(), "message.created", 2);
  EXPECT_EQ(odd["data"]["body"], "caf\xef\xbf\xbd ol\xef\xbf\xbd");
  // A private note stays inside.
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages", {{"body", "VIP, be nice"}, {"private", true}})
                .status,
            201);
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages", {{"body", "Yes, until 4 pm."}}).status, 201);
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 8; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nothing else comes (the note)
  auto all = receiver_.requests();
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(event_of(all, "message.created", 3)["data"]["body"], "Yes, until 4 pm.");
}

// The webhook workers wait on one signal; they once woke each other forever (half
// a core, idle). CPU time, not wall-clock: a busy machine does not change it.
TEST_F(webhooks, idle_webhook_workers_use_no_cpu) {
  start();
  endpoint({"message.created"});
  auto cpu = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
  };
  auto before = cpu();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto used = std::chrono::duration_cast<std::chrono::milliseconds>(cpu() - before);
  EXPECT_LT(used.count(), 300) << "ms of CPU in 2 s of idling";
}

TEST_F(webhooks, an_erased_contacts_deliveries_go_with_their_data) {
  start();
  auto e = endpoint({"contact.created", "contact.erased"});
  auto id = contact("Ada Lovelace");
  ASSERT_TRUE(sbtest::eventually([&] { return deliveries(e).size() == 1 && deliveries(e)[0]["status"] == "succeeded"; }));
  ASSERT_EQ(call("DELETE", "/api/v1/contacts/" + id).status, 200);
  ASSERT_TRUE(sbtest::eventually([&] { return receiver_.requests().size() >= 2; }));
  auto items = deliveries(e);
  ASSERT_EQ(items.size(), 1u);  // contact.created (with the name) is gone
  EXPECT_EQ(items[0]["event_type"], "contact.erased");
  auto erased = json::parse(receiver_.requests()[1].body);
  EXPECT_EQ(erased["data"], json({{"id", id}}));
}

}  // namespace
