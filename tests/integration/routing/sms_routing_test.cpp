// Texts on a teammate's virtual number, end to end through signed webhooks and
// the sandbox carrier: a customer's text is forwarded to the teammate's phone
// with a selector, the teammate answers from the phone (@N, sticky plain text,
// ?), and the answers reach the right customers from the virtual number. Also
// the loop guard and the undeliverable log.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* phone = "+14155550150";  // the teammate's own mobile
constexpr const char* alice = "+14155550121";
constexpr const char* bob = "+14155550122";

class sms_routing_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.sandbox_requests_per_minute = 1000000;  // these tests poll the sandbox inbox
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.public_url = "https://switchboard.example.com";
    sb::app::app_options o{false, {}};
    o.outbox_poll = 20ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    auto p = call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", phone}, {"sms_forwarding", "phone"}});
    ASSERT_EQ(p.status, 200) << p.raw;
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}, {"owner_teammate_id", me_}});
    ASSERT_EQ(n.status, 201) << n.raw;
    line_ = n.body["number"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  void text(const std::string& from, const std::string& to, const std::string& body) {
    auto r = call("POST", "/api/sandbox/v1/messages", {{"from", from}, {"to", to}, {"body", body}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  // Everything the sandbox has sent to `to`, oldest first, once there are `n`.
  std::vector<std::string> inbox(const std::string& to, std::size_t n) {
    std::vector<std::string> out;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    do {
      out.clear();
      auto r = call("GET", "/api/sandbox/v1/messages?phone=" + sb::carriers::form_encode(to));
      auto items = r.body["items"];
      for (auto& m : items) {
        EXPECT_EQ(m["from"], line_) << "everything goes out from the virtual number";
        out.push_back(m["body"].get<std::string>());
      }
      if (out.size() >= n) break;
      std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return out;
  }

  json thread_of(const std::string& who) {
    auto list = call("GET", "/api/v1/conversations");
    for (auto& c : list.body["items"]) {
      auto contact = call("GET", "/api/v1/contacts/" + c["contact_id"].get<std::string>());
      if (contact.body["phones"][0] == who)
        return call("GET", "/api/v1/conversations/" + c["id"].get<std::string>() + "/messages").body["items"];
    }
    return json::array();
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_, line_;
};

}  // namespace

TEST_F(sms_routing_test, two_customers_forwarded_and_answered_from_the_phone) {
  text(alice, line_, "Is my order ready?");
  text(bob, line_, "Do you open on Sunday?");
  auto fwd = inbox(phone, 2);
  ASSERT_EQ(fwd.size(), 2u);
  EXPECT_EQ(fwd[0], "@1 +1 415-555-0121: Is my order ready?");
  EXPECT_EQ(fwd[1], "@2 +1 415-555-0122: Do you open on Sunday?");

  // @1 reaches Alice, not Bob, from the virtual number, as the teammate.
  text(phone, line_, "@1 Yes, ready for pickup");
  auto to_alice = inbox(alice, 1);
  ASSERT_EQ(to_alice.size(), 1u);
  EXPECT_EQ(to_alice[0], "Yes, ready for pickup");
  auto t = thread_of(alice);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1]["sender"]["kind"], "teammate");
  EXPECT_EQ(t[1]["sender"]["id"], me_);
  EXPECT_EQ(t[1]["direction"], "outbound");

  // Plain text follows the sticky conversation: the one answered last (Alice).
  text(phone, line_, "See you soon");
  to_alice = inbox(alice, 2);
  ASSERT_EQ(to_alice.size(), 2u);
  EXPECT_EQ(to_alice[1], "See you soon");
  EXPECT_TRUE(inbox(bob, 0).empty());

  // A new text from Bob makes Bob sticky and keeps his selector.
  text(bob, line_, "Hello?");
  EXPECT_EQ(inbox(phone, 3).back(), "@2 +1 415-555-0122: Hello?");
  text(phone, line_, "Yes, 10 to 4");
  auto to_bob = inbox(bob, 1);
  ASSERT_EQ(to_bob.size(), 1u);
  EXPECT_EQ(to_bob[0], "Yes, 10 to 4");

  // "?" lists, an unknown selector explains, and nothing reaches a customer.
  text(phone, line_, "?");
  auto list = inbox(phone, 4).back();
  EXPECT_EQ(list, "Open conversations:\n@2 +1 415-555-0122\n@1 +1 415-555-0121\nReply @N text, or call N.");
  text(phone, line_, "@7 hi");
  EXPECT_EQ(inbox(phone, 5).back().rfind("No conversation @7.", 0), 0u);
  EXPECT_EQ(inbox(alice, 2).size(), 2u);
  EXPECT_EQ(inbox(bob, 1).size(), 1u);

  // "call 1" places a click-to-call to Alice: a call item in her thread, rung through this phone.
  text(phone, line_, "call 1");
  auto t2 = thread_of(alice);
  ASSERT_FALSE(t2.empty());
  EXPECT_EQ(t2.back()["kind"], "call");
  EXPECT_EQ(t2.back()["direction"], "outbound");
  EXPECT_EQ(t2.back()["metadata"]["teammate_phone"], phone);
}

TEST_F(sms_routing_test, forwarding_off_keeps_texts_in_the_inbox_only) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"sms_forwarding", "off"}}).status, 200);
  text(alice, line_, "Hi there");
  EXPECT_EQ(thread_of(alice).size(), 1u);
  std::this_thread::sleep_for(150ms);  // several dispatcher passes
  EXPECT_TRUE(inbox(phone, 0).empty());
}

TEST_F(sms_routing_test, a_physical_number_can_never_be_one_of_our_lines) {
  auto r = call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", line_}});
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["code"], "INVALID_INPUT");
  auto created = call("POST", "/api/v1/teammates", {{"email", "x@example.com"}, {"name", "X"}, {"password", "x-password-1"},
                                                    {"physical_number", line_}});
  EXPECT_EQ(created.status, 400) << created.raw;
  // And the other way round: a teammate's phone cannot become a line (checked when numbers are added).
  auto n = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", phone}});
  EXPECT_NE(n.status, 201) << n.raw;
}

TEST_F(sms_routing_test, loop_guard_and_unknown_numbers_are_logged_not_delivered) {
  auto other = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}});
  ASSERT_EQ(other.status, 201);
  // One of our own lines texting another: refused, logged, answered with an empty response.
  text(other.body["number"].get<std::string>(), line_, "bounce");
  // A number that is not ours, signed by Twilio: an empty answer, never an error.
  sb::carriers::param_list p = {{"MessageSid", "SM9"}, {"From", alice}, {"To", "+14155550100"}, {"Body", "hello?"}};
  auto r = sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms", p);
  ASSERT_NE(r.status, 0) << "no answer";
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.raw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
  EXPECT_TRUE(call("GET", "/api/v1/conversations").body["items"].empty());

  auto log = call("GET", "/api/v1/undeliverable");
  ASSERT_EQ(log.status, 200) << log.raw;
  ASSERT_EQ(log.body["items"].size(), 2u) << log.raw;
  EXPECT_EQ(log.body["items"][0]["to"], "+14155550100");
  EXPECT_NE(log.body["items"][0]["reason"].get<std::string>().find("no active number"), std::string::npos);
  EXPECT_NE(log.body["items"][1]["reason"].get<std::string>().find("loop guard"), std::string::npos);
  EXPECT_EQ(log.body["items"][1]["body"], "bounce");
}

TEST_F(sms_routing_test, missed_calls_and_voicemails_are_texted_to_the_forwarding_phone) {
  auto started = call("POST", "/api/sandbox/v1/calls", {{"from", alice}, {"to", line_}});
  ASSERT_EQ(started.status, 201) << started.raw;
  auto sid = started.body["sid"].get<std::string>();
  EXPECT_NE(started.body["twiml"].get<std::string>().find("<Number"), std::string::npos) << "the phone rings first";
  auto step = [&](const std::string& url, const json& params, const std::string& status = "in-progress") {
    auto r = call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                  {{"from", alice}, {"to", line_}, {"url", url}, {"status", status}, {"params", params}});
    EXPECT_EQ(r.status, 200) << r.raw;
    return r;
  };
  auto vm = step("/webhooks/sandbox/voice/dial-complete", {{"DialCallStatus", "no-answer"}});
  EXPECT_NE(vm.body["twiml"].get<std::string>().find("<Record"), std::string::npos);
  step("/webhooks/sandbox/voice/voicemail", {{"RecordingSid", "RE1"}, {"RecordingUrl", "/r.wav"}, {"RecordingDuration", "5"}});
  step("/webhooks/sandbox/voice/transcription", {{"RecordingSid", "RE1"}, {"TranscriptionText", "Call me back please"}});
  step("/webhooks/sandbox/voice/status", {{"CallDuration", "30"}}, "completed");
  auto texts = inbox(phone, 2);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0], "@1 +1 415-555-0121: Voicemail (5 s), the transcript follows");
  EXPECT_EQ(texts[1], "@1 +1 415-555-0121: Voicemail: Call me back please");

  // A call that ends without an answer or a message: "Missed call".
  auto again = call("POST", "/api/sandbox/v1/calls", {{"from", bob}, {"to", line_}});
  sid = again.body["sid"].get<std::string>();
  call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
       {{"from", bob}, {"to", line_}, {"url", "/webhooks/sandbox/voice/status"}, {"status", "completed"}});
  EXPECT_EQ(inbox(phone, 3).back(), "@2 +1 415-555-0122: Missed call");
}

// Issue 18: STOP opts the customer out of this line's texts, answers one
// confirmation, leaves a system item in the thread, and reaches the owner's phone
// as a notice; replies (API or phone) are refused with OPTED_OUT until START;
// HELP always answers.
TEST_F(sms_routing_test, issue18_stop_start_and_help_keywords) {
  auto count = [&](const std::string& sql) { return sbtest::count(app_->get(), sql); };
  text(alice, line_, "Is my order ready?");
  ASSERT_EQ(inbox(phone, 1).size(), 1u);
  text(alice, line_, " Stop ");
  auto to_alice = inbox(alice, 1);
  ASSERT_EQ(to_alice.size(), 1u);
  EXPECT_EQ(to_alice[0].rfind("You are unsubscribed from ", 0), 0u) << to_alice[0];
  EXPECT_EQ(inbox(phone, 2).back(), "@1 +1 415-555-0121: (opted out of texts: STOP)");
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger WHERE state = 'opted_out' AND source = 'keyword'"
                  " AND message_id IS NOT NULL AND number_id IS NOT NULL"),
            1);
  auto t = thread_of(alice);
  bool event = false;
  for (auto& m : t) event = event || (m["kind"] == "event" && m["body"] == "Opted out by texting STOP");
  EXPECT_TRUE(event) << t.dump();

  // Refused, and nothing queued: from the API and from the owner's phone.
  auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();
  auto messages_before = count("SELECT COUNT(*) FROM messages");
  auto outbox_before = count("SELECT COUNT(*) FROM outbox");
  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "But your order is ready!"}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"]["code"], "OPTED_OUT") << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), messages_before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), outbox_before);
  // A private note is still fine.
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "they said stop"}, {"private", true}}).status,
            201);
  text(phone, line_, "@1 are you sure?");
  EXPECT_EQ(inbox(phone, 3).back(), "Not sent: +1 415-555-0121 opted out of texts");
  // A second STOP: no second confirmation, no second entry.
  text(alice, line_, "STOP");
  EXPECT_EQ(inbox(phone, 4).back(), "@1 +1 415-555-0121: (opted out of texts: STOP)");
  EXPECT_EQ(inbox(alice, 1).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger"), 1);

  // START: in again, confirmed once; replies go out.
  text(alice, line_, "start");
  to_alice = inbox(alice, 2);
  ASSERT_EQ(to_alice.size(), 2u);
  EXPECT_EQ(to_alice[1].rfind("You are resubscribed to ", 0), 0u) << to_alice[1];
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger WHERE state = 'opted_in'"), 1);
  r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Welcome back"}});
  EXPECT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(inbox(alice, 3).back(), "Welcome back");
  // HELP is answered every time, whatever the state; Bob was never asked anything.
  text(alice, line_, "HELP");
  EXPECT_NE(inbox(alice, 4).back().find("reply to this text to reach a person"), std::string::npos);
  EXPECT_EQ(inbox(phone, 6).back(), "@1 +1 415-555-0121: (asked for help: HELP; the help text was sent)");
  text(bob, line_, "please stop texting me");
  auto b = thread_of(bob);
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(b[0]["metadata"]["consent_suggestion"], "opt_out") << b.dump();
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger"), 2);  // a suggestion is never applied
}

// Issue 18: a carrier's 21610 (the recipient opted out at the carrier) records the
// opt-out, and the next reply is refused.
TEST_F(sms_routing_test, issue18_a_carrier_opt_out_error_is_recorded) {
  auto count = [&](const std::string& sql) { return sbtest::count(app_->get(), sql); };
  text(alice, line_, "Hello");
  auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();
  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Hi Alice"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  ASSERT_EQ(inbox(alice, 1).size(), 1u);
  auto id = r.body["id"].get<std::string>();
  std::string sid;
  ASSERT_TRUE(sbtest::eventually([&] {
    auto got = app_->get().db().read_sync([id](sb::store::database& db) {
      auto& q = db.prepare("SELECT coalesce(external_id, '') FROM messages WHERE id = ?1");
      q.bind(1, static_cast<std::int64_t>(std::stoll(id)));
      return q.step() ? q.column_text(0) : std::string();
    });
    sid = got ? *got : "";
    return !sid.empty();
  }));
  auto s = sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms/status",
                               {{"MessageSid", sid}, {"MessageStatus", "undelivered"}, {"ErrorCode", "21610"},
                                {"To", alice}});
  ASSERT_EQ(s.status, 200) << s.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger WHERE state = 'opted_out' AND source = 'carrier'"), 1);
  r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Again?"}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"]["code"], "OPTED_OUT");
}

// Issue 18: the ledger on the contact, its CSV, and consent an admin obtained
// elsewhere (audited), which lets replies go out again.
TEST_F(sms_routing_test, issue18_the_ledger_is_visible_exportable_and_an_admin_records_consent) {
  text(alice, line_, "STOP");
  ASSERT_EQ(inbox(alice, 1).size(), 1u);
  auto conv = call("GET", "/api/v1/conversations").body["items"][0];
  auto contact = conv["contact_id"].get<std::string>();
  auto h = call("GET", "/api/v1/contacts/" + contact + "/consent");
  ASSERT_EQ(h.status, 200) << h.raw;
  ASSERT_EQ(h.body["items"].size(), 1u) << h.raw;
  EXPECT_EQ(h.body["items"][0]["state"], "opted_out");
  EXPECT_EQ(h.body["items"][0]["source"], "keyword");
  EXPECT_EQ(h.body["items"][0]["phone"], alice);
  EXPECT_FALSE(h.body["items"][0]["message_id"].is_null());

  auto bad = call("POST", "/api/v1/contacts/" + contact + "/consent", {{"state", "opted_in"}, {"phone", bob}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  bad = call("POST", "/api/v1/contacts/" + contact + "/consent", {{"state", "maybe"}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  bad = call("POST", "/api/v1/contacts/" + contact + "/consent", json::object());
  EXPECT_EQ(bad.body["error"]["code"], "MISSING_REQUIRED_FIELD") << bad.raw;
  EXPECT_EQ(call("POST", "/api/v1/contacts/999999/consent", {{"state", "opted_in"}}).status, 404);

  auto r = call("POST", "/api/v1/contacts/" + contact + "/consent",
                {{"state", "opted_in"}, {"note", "signed form at the counter"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  ASSERT_EQ(r.body["items"].size(), 1u);
  EXPECT_EQ(r.body["items"][0]["source"], "agent");
  EXPECT_TRUE(r.body["items"][0]["number_id"].is_null());  // every line
  EXPECT_EQ(sbtest::count(app_->get(), "SELECT COUNT(*) FROM audit_log WHERE action = 'contact.consent_recorded'"), 1);
  auto sent = call("POST", "/api/v1/conversations/" + conv["id"].get<std::string>() + "/messages", {{"body", "Thanks!"}});
  EXPECT_EQ(sent.status, 201) << sent.raw;

  auto csv = sbtest::api_call(app_->port(), "GET", "/api/v1/contacts/" + contact + "/consent.csv", token_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.raw.find("\"opted_in\",\"agent\""), std::string::npos) << csv.raw;
  EXPECT_NE(csv.raw.find("\"signed form at the counter\""), std::string::npos) << csv.raw;
  EXPECT_NE(csv.raw.find("\"opted_out\",\"keyword\""), std::string::npos) << csv.raw;
}

// Issue 18: an agent confirms the opt-out a customer asked for in their own words:
// the ledger gets it (source agent, the teammate, the message), the thread a system
// item, and SMS replies are refused from then on. Dismissing only clears the notice.
// A viewer may do neither; recording an opt-in stays an admin's.
TEST_F(sms_routing_test, issue18_an_agent_confirms_or_dismisses_a_suggested_opt_out) {
  auto count = [&](const std::string& sql) { return sbtest::count(app_->get(), sql); };
  std::map<std::string, std::string> token, id;
  for (std::string role : {"agent", "viewer"}) {
    auto made = call("POST", "/api/v1/teammates", {{"email", role + "@example.com"}, {"name", "Dana " + role},
                                                   {"role", role}, {"password", role + "-password-1"}});
    ASSERT_EQ(made.status, 201) << made.raw;
    id[role] = made.body["id"].get<std::string>();
    token[role] = sbtest::login(app_->port(), role + "@example.com", role + "-password-1");
  }
  auto as = [&](const std::string& role, const std::string& method, const std::string& path, const json& body) {
    return sbtest::api_call(app_->port(), method, path, token[role], body);
  };
  auto conversation_of = [&](const std::string& who) {
    auto list = call("GET", "/api/v1/conversations");
    for (auto& c : list.body["items"])
      if (c["contact"]["phone"] == who) return c;
    ADD_FAILURE() << "no conversation with " << who << ": " << list.raw;
    return json::object();
  };

  text(alice, line_, "please stop texting me");
  auto conv = conversation_of(alice);
  auto cid = conv["id"].get<std::string>();
  auto t = thread_of(alice);
  ASSERT_EQ(t.size(), 1u) << t.dump();
  ASSERT_EQ(t[0]["metadata"]["consent_suggestion"], "opt_out") << t.dump();
  auto mid = t[0]["id"].get<std::string>();
  auto path = "/api/v1/conversations/" + cid + "/messages/" + mid + "/consent-suggestion";
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + cid).body["reply"]["opted_out"], false);

  // Who may, and what is refused.
  auto r = as("viewer", "POST", path, {{"action", "confirm"}});
  EXPECT_EQ(r.status, 403) << r.raw;
  r = as("agent", "POST", "/api/v1/contacts/" + conv["contact_id"].get<std::string>() + "/consent",
         {{"state", "opted_in"}});
  EXPECT_EQ(r.status, 403) << "an opt-in stays admin-only: " << r.raw;
  r = as("agent", "POST", path, json::object());
  EXPECT_EQ(r.body["error"]["code"], "MISSING_REQUIRED_FIELD") << r.raw;
  r = as("agent", "POST", path, {{"action", "opt_in"}});
  EXPECT_EQ(r.status, 400) << r.raw;
  r = as("agent", "POST", "/api/v1/conversations/" + cid + "/messages/999999/consent-suggestion", {{"action", "confirm"}});
  EXPECT_EQ(r.status, 404) << r.raw;
  r = as("agent", "POST", "/api/v1/conversations/999999/messages/" + mid + "/consent-suggestion", {{"action", "confirm"}});
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger"), 0);

  // The agent confirms.
  r = as("agent", "POST", path, {{"action", "confirm"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["message"]["metadata"]["consent_suggestion_resolved"], "confirmed") << r.raw;
  EXPECT_EQ(r.body["message"]["metadata"]["consent_suggestion_resolved_by"], id["agent"]) << r.raw;
  EXPECT_EQ(r.body["event"]["kind"], "event") << r.raw;
  EXPECT_EQ(r.body["event"]["private"], true) << r.raw;
  EXPECT_EQ(r.body["event"]["body"], "Opted out by Dana agent (from the message \"please stop texting me\")") << r.raw;
  ASSERT_EQ(r.body["consent"].size(), 1u) << r.raw;
  auto entry = r.body["consent"][0];
  EXPECT_EQ(entry["state"], "opted_out");
  EXPECT_EQ(entry["source"], "agent");
  EXPECT_EQ(entry["phone"], alice);
  EXPECT_EQ(entry["message_id"], mid);
  EXPECT_EQ(entry["teammate_id"], id["agent"]);
  EXPECT_FALSE(entry["number_id"].is_null()) << "the line the customer texted, as a STOP";
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.consent_recorded'"), 1);
  auto h = call("GET", "/api/v1/contacts/" + conv["contact_id"].get<std::string>() + "/consent");
  ASSERT_EQ(h.body["items"].size(), 1u) << h.raw;
  EXPECT_EQ(h.body["items"][0]["source"], "agent");
  t = thread_of(alice);
  ASSERT_EQ(t.size(), 2u) << t.dump();
  EXPECT_EQ(t[0]["metadata"]["consent_suggestion_resolved"], "confirmed");
  EXPECT_EQ(t[1]["body"], r.body["event"]["body"]);
  // SMS is off at once: the composer is told, and a reply is refused.
  auto got = call("GET", "/api/v1/conversations/" + cid);
  EXPECT_EQ(got.body["reply"]["opted_out"], true) << got.raw;
  r = as("agent", "POST", "/api/v1/conversations/" + cid + "/messages", {{"body", "One more thing"}});
  EXPECT_EQ(r.body["error"]["code"], "OPTED_OUT") << r.raw;
  // Once only.
  r = as("agent", "POST", path, {{"action", "confirm"}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"]["code"], "CONFLICT") << r.raw;
  r = as("agent", "POST", path, {{"action", "dismiss"}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger"), 1);

  // Dismissed: nothing recorded, texts still go.
  text(bob, line_, "remove me from the list?");
  auto bconv = conversation_of(bob)["id"].get<std::string>();
  auto bt = thread_of(bob);
  ASSERT_EQ(bt[0]["metadata"]["consent_suggestion"], "opt_out") << bt.dump();
  auto bpath = "/api/v1/conversations/" + bconv + "/messages/" + bt[0]["id"].get<std::string>() + "/consent-suggestion";
  // The message must be in the conversation named.
  r = as("agent", "POST", "/api/v1/conversations/" + cid + "/messages/" + bt[0]["id"].get<std::string>() +
                              "/consent-suggestion", {{"action", "dismiss"}});
  EXPECT_EQ(r.status, 404) << r.raw;
  r = as("agent", "POST", bpath, {{"action", "dismiss"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(r.body["event"].is_null()) << r.raw;
  EXPECT_TRUE(r.body["consent"].empty()) << r.raw;
  EXPECT_EQ(r.body["message"]["metadata"]["consent_suggestion_resolved"], "dismissed") << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM consent_ledger"), 1);
  EXPECT_EQ(thread_of(bob).size(), 1u) << "no system item for a dismissal";
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + bconv).body["reply"]["opted_out"], false);
  r = as("agent", "POST", "/api/v1/conversations/" + bconv + "/messages", {{"body", "Sure, noted"}});
  EXPECT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(inbox(bob, 1).back(), "Sure, noted");
  // A message without a suggestion has nothing to confirm.
  text(bob, line_, "Thanks");
  bt = thread_of(bob);
  r = as("agent", "POST", "/api/v1/conversations/" + bconv + "/messages/" + bt.back()["id"].get<std::string>() +
                              "/consent-suggestion", {{"action", "confirm"}});
  EXPECT_EQ(r.status, 400) << r.raw;
}
