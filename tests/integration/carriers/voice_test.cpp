// Voice webhooks over real HTTP: an inbound call becomes a call item and hears
// the greeting; the voicemail and its transcript join the thread; status
// callbacks only move forward; retries store nothing new; bad signatures change
// nothing. Also the sandbox's call API that the simulator drives.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class voice_test : public ::testing::Test {
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
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+14155550100"}, {"owner_teammate_id", me_}});
    ASSERT_EQ(n.status, 201) << n.raw;
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  sbtest::api_reply webhook(const std::string& path, const sb::carriers::param_list& params,
                            const std::string& key = "twilio-test-token") {
    return sbtest::post_signed(app_->port(), cfg_.public_url, key, path, params);
  }

  static sb::carriers::param_list call_params(const std::string& sid, const std::string& status = "ringing",
                                              const std::string& from = "+14155550199") {
    return {{"CallSid", sid}, {"AccountSid", "ACtest"}, {"From", from}, {"To", "+14155550100"},
            {"CallStatus", status}, {"Direction", "inbound"}};
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  json thread() {
    auto list = call("GET", "/api/v1/conversations");
    if (list.body["items"].empty()) return json::array();
    auto id = list.body["items"][0]["id"].get<std::string>();
    return call("GET", "/api/v1/conversations/" + id + "/messages").body["items"];
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_;
};

}  // namespace

TEST_F(voice_test, an_inbound_call_is_a_thread_item_and_hears_the_greeting_then_voicemail) {
  sbtest::ws_client ws(app_->port(), "/ws/agent?token=" + token_);
  ASSERT_TRUE(ws.wait_event("ready"));
  auto r = webhook("/webhooks/twilio/voice", call_params("CA100"));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_NE(r.header("content-type").find("xml"), std::string::npos);
  EXPECT_NE(r.raw.find("<Say>You&apos;ve reached Admin."), std::string::npos) << r.raw;
  EXPECT_NE(r.raw.find("<Record action=\"https://switchboard.example.com/webhooks/twilio/voice/voicemail\""), std::string::npos) << r.raw;
  EXPECT_NE(r.raw.find("transcribeCallback=\"https://switchboard.example.com/webhooks/twilio/voice/transcription\""),
            std::string::npos);
  EXPECT_NE(r.raw.find("finishOnKey=\"#\""), std::string::npos);
  auto created = ws.wait_event("message.created");
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["data"]["kind"], "call");
  EXPECT_EQ((*created)["data"]["channel"], "voice");
  EXPECT_EQ((*created)["data"]["body"], "Incoming call");

  // The carrier retries the same webhook: the same TwiML, nothing new stored.
  auto again = webhook("/webhooks/twilio/voice", call_params("CA100"));
  EXPECT_EQ(again.raw, r.raw);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);

  auto vm = webhook("/webhooks/twilio/voice/voicemail",
                    {{"CallSid", "CA100"}, {"RecordingUrl", "https://api.twilio.com/rec/RE1"},
                     {"RecordingSid", "RE1"}, {"RecordingDuration", "7"}, {"Digits", "#"}});
  ASSERT_EQ(vm.status, 200) << vm.raw;
  EXPECT_NE(vm.raw.find("Your message has been saved"), std::string::npos);
  EXPECT_NE(vm.raw.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(webhook("/webhooks/twilio/voice/voicemail",
                    {{"CallSid", "CA100"}, {"RecordingUrl", "https://api.twilio.com/rec/RE1"},
                     {"RecordingSid", "RE1"}, {"RecordingDuration", "7"}})
                .raw,
            vm.raw);
  auto tr = webhook("/webhooks/twilio/voice/transcription",
                    {{"CallSid", "CA100"}, {"RecordingSid", "RE1"}, {"TranscriptionStatus", "completed"},
                     {"TranscriptionText", "Please call me back about the invoice"}});
  EXPECT_EQ(tr.status, 200) << tr.raw;
  EXPECT_EQ(webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA100"}, {"CallStatus", "completed"}, {"CallDuration", "15"}})
                .status,
            200);

  auto items = thread();
  ASSERT_EQ(items.size(), 2u) << items.dump();
  auto call_item = items[0], voicemail = items[1];
  EXPECT_EQ(call_item["kind"], "call");
  EXPECT_EQ(call_item["metadata"]["status"], "completed");
  EXPECT_EQ(call_item["metadata"]["duration"], 15);
  EXPECT_EQ(call_item["metadata"]["voicemail"], true);
  EXPECT_EQ(call_item["body"], "Missed call, voicemail left");
  EXPECT_EQ(voicemail["kind"], "voicemail");
  EXPECT_EQ(voicemail["metadata"]["recording_url"], "https://api.twilio.com/rec/RE1");
  EXPECT_EQ(voicemail["metadata"]["duration"], 7);
  EXPECT_EQ(voicemail["metadata"]["transcript"], "Please call me back about the invoice");
  EXPECT_EQ(voicemail["body"], "Please call me back about the invoice");
  // The transcript is searchable like any message.
  auto found = call("GET", "/api/v1/conversations?q=invoice");
  EXPECT_EQ(found.body["items"].size(), 1u);
}

TEST_F(voice_test, call_status_only_moves_forward_and_a_call_without_voicemail_is_missed) {
  ASSERT_EQ(webhook("/webhooks/twilio/voice", call_params("CA200")).status, 200);
  webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA200"}, {"CallStatus", "in-progress"}});
  webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA200"}, {"CallStatus", "completed"}, {"CallDuration", "4"}});
  // A late "ringing" never moves a finished call back.
  webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA200"}, {"CallStatus", "ringing"}});
  auto items = thread();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["status"], "completed");
  EXPECT_EQ(items[0]["body"], "Missed call");
  // A voicemail whose transcription fails keeps its recording and says so.
  webhook("/webhooks/twilio/voice", call_params("CA210"));
  webhook("/webhooks/twilio/voice/voicemail",
          {{"CallSid", "CA210"}, {"RecordingSid", "RE210"}, {"RecordingUrl", "https://x/RE210"}, {"RecordingDuration", "3"}});
  webhook("/webhooks/twilio/voice/transcription",
          {{"CallSid", "CA210"}, {"RecordingSid", "RE210"}, {"TranscriptionStatus", "failed"}});
  auto all = thread();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]["kind"], "voicemail");
  EXPECT_EQ(all[2]["body"], "Voicemail");
  EXPECT_EQ(all[2]["metadata"]["transcript"], nullptr);
  EXPECT_EQ(all[2]["metadata"]["transcription_status"], "failed");
  EXPECT_EQ(all[2]["metadata"]["recording_url"], "https://x/RE210");
  auto bad = webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA200"}, {"CallStatus", "exploded"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(webhook("/webhooks/twilio/voice/nope", {{"CallSid", "CA200"}}).status, 404);
}

TEST_F(voice_test, bad_signatures_are_403_and_change_nothing) {
  EXPECT_EQ(webhook("/webhooks/twilio/voice", call_params("CA300"), "wrong-token").status, 403);
  EXPECT_EQ(webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA300"}, {"CallStatus", "completed"}}, "x").status, 403);
  EXPECT_EQ(webhook("/webhooks/twilio/voice/voicemail", {{"CallSid", "CA300"}, {"RecordingSid", "RE3"}}, "x").status, 403);
  auto unsigned_req = sbtest::http_request(app_->port(), "POST", "/webhooks/twilio/voice",
                                           "CallSid=CA300&From=%2B14155550199&To=%2B14155550100",
                                           "Content-Type: application/x-www-form-urlencoded\r\n");
  EXPECT_EQ(unsigned_req->status, 403);
  EXPECT_TRUE(unsigned_req->body.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 0);
}

TEST_F(voice_test, a_call_to_an_unknown_number_is_not_in_service) {
  auto p = call_params("CA400");
  for (auto& [k, v] : p)
    if (k == "To") v = "+14155550111";
  auto r = webhook("/webhooks/twilio/voice", p);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.raw.find("not in service"), std::string::npos) << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  auto log = call("GET", "/api/v1/undeliverable");
  ASSERT_EQ(log.body["items"].size(), 1u) << log.raw;
  EXPECT_EQ(log.body["items"][0]["kind"], "voice");
  EXPECT_EQ(log.body["items"][0]["to"], "+14155550111");
}

TEST_F(voice_test, the_sandbox_call_api_drives_the_same_handlers_and_only_reaches_sandbox_lines) {
  auto line = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}, {"owner_teammate_id", me_}});
  ASSERT_EQ(line.status, 201) << line.raw;
  auto number = line.body["number"].get<std::string>();
  auto lines = call("GET", "/api/sandbox/v1/numbers");
  ASSERT_EQ(lines.body["items"].size(), 1u) << "only sandbox lines are listed";
  EXPECT_EQ(lines.body["items"][0]["number"], number);

  auto started = call("POST", "/api/sandbox/v1/calls", {{"from", "+14155550123"}, {"to", number}});
  ASSERT_EQ(started.status, 201) << started.raw;
  auto sid = started.body["sid"].get<std::string>();
  EXPECT_NE(started.body["twiml"].get<std::string>().find("<Record"), std::string::npos);
  auto event = [&](const std::string& url, const json& params, const std::string& status = "in-progress") {
    return call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                {{"from", "+14155550123"}, {"to", number}, {"url", url}, {"status", status}, {"params", params}});
  };
  auto saved = event("http://elsewhere.example/webhooks/sandbox/voice/voicemail",
                     {{"RecordingSid", "RE9"}, {"RecordingUrl", "/api/sandbox/v1/recordings/RE9.wav?seconds=2"},
                      {"RecordingDuration", "2"}, {"CallSid", "CAspoofed"}});
  ASSERT_EQ(saved.status, 200) << saved.raw;
  EXPECT_NE(saved.body["twiml"].get<std::string>().find("saved"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE kind = 'voicemail' AND metadata LIKE '%" + sid + "%'"), 1)
      << "the call's own sid wins over a CallSid in params";
  // Only the sandbox's voice webhooks, only sandbox lines, only sandbox call sids.
  EXPECT_EQ(event("/webhooks/twilio/voice/voicemail", json::object()).status, 400);
  EXPECT_EQ(event("/api/v1/conversations", json::object()).status, 400);
  EXPECT_EQ(call("POST", "/api/sandbox/v1/calls", {{"from", "+14155550123"}, {"to", "+14155550100"}}).status, 404);
  EXPECT_EQ(call("POST", "/api/sandbox/v1/calls", {{"from", "not a number"}, {"to", number}}).status, 400);
  EXPECT_EQ(call("POST", "/api/sandbox/v1/calls/CA1/events", {{"from", "+14155550123"}, {"to", number}, {"url", "/webhooks/sandbox/voice/status"}}).status, 400);
  EXPECT_EQ(event("/webhooks/sandbox/voice/status", {{"Bad Key", "x"}}).status, 400);

  auto wav = sbtest::http_request(app_->port(), "GET", "/api/sandbox/v1/recordings/RE9.wav?seconds=2", "", "");
  ASSERT_TRUE(wav);
  EXPECT_EQ(wav->status, 200);
  EXPECT_EQ(wav->header("content-type"), "audio/wav");
  EXPECT_EQ(wav->body.substr(0, 4), "RIFF");
  EXPECT_EQ(wav->body.size(), 44u + 2 * 8000);
}

TEST_F(voice_test, the_simulator_page_is_served_with_a_strict_policy_and_revalidates) {
  auto page = sbtest::http_request(app_->port(), "GET", "/simulator/", "", "");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page->header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_NE(page->body.find("/simulator/simulator.js"), std::string::npos);
  auto etag = page->header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = sbtest::http_request(app_->port(), "GET", "/simulator/", "", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto js = sbtest::http_request(app_->port(), "GET", "/simulator/simulator.js", "", "");
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->header("content-type"), "text/javascript; charset=utf-8");
  auto bare = sbtest::http_request(app_->port(), "GET", "/simulator", "", "");
  EXPECT_EQ(bare->status, 308);
  EXPECT_EQ(bare->header("location"), "/simulator/");
}

TEST_F(voice_test, an_available_teammate_is_rung_screened_and_bridged_or_the_caller_reaches_voicemail) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", "+14155550150"}}).status, 200);
  const std::string base = "https://switchboard.example.com/webhooks/twilio/voice";
  const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  auto ring = webhook("/webhooks/twilio/voice", call_params("CA500"));
  EXPECT_EQ(ring.raw, head + "<Response><Dial action=\"" + base +
                          "/dial-complete\" method=\"POST\" timeout=\"20\" callerId=\"+14155550199\" "
                          "answerOnBridge=\"true\"><Number url=\"" + base +
                          "/screen?parent=CA500\" method=\"POST\">+14155550150</Number></Dial></Response>");
  // The teammate answers: the whisper names the business and the caller.
  auto screen = webhook("/webhooks/twilio/voice/screen?parent=CA500", {{"CallSid", "CA501"}, {"CallStatus", "in-progress"}});
  EXPECT_EQ(screen.raw, head + "<Response><Gather input=\"dtmf\" action=\"" + base +
                            "/screen-result?parent=CA500\" method=\"POST\" timeout=\"5\" numDigits=\"1\"><Say>Call for "
                            "Demo workspace from +1 415-555-0199. Press 1 to accept.</Say></Gather><Hangup/></Response>");
  EXPECT_EQ(webhook("/webhooks/twilio/voice/screen-result?parent=CA500", {{"CallSid", "CA501"}, {"Digits", "1"}}).raw,
            head + "<Response/>");
  auto done = webhook("/webhooks/twilio/voice/dial-complete",
                      {{"CallSid", "CA500"}, {"DialCallStatus", "completed"}, {"DialCallDuration", "42"}});
  EXPECT_EQ(done.raw, head + "<Response><Hangup/></Response>");
  webhook("/webhooks/twilio/voice/status", {{"CallSid", "CA500"}, {"CallStatus", "completed"}, {"CallDuration", "50"}});
  auto items = thread();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["connected"], true);
  EXPECT_EQ(items[0]["body"], "Call, 0:42") << "talk time, from the Dial outcome";

  // Declined (anything but 1): the customer's Dial ends and the greeting + recording follow.
  webhook("/webhooks/twilio/voice", call_params("CA600"));
  EXPECT_EQ(webhook("/webhooks/twilio/voice/screen-result?parent=CA600", {{"CallSid", "CA601"}, {"Digits", "2"}}).raw,
            head + "<Response><Hangup/></Response>");
  auto vm = webhook("/webhooks/twilio/voice/dial-complete", {{"CallSid", "CA600"}, {"DialCallStatus", "completed"}});
  EXPECT_NE(vm.raw.find("<Say>You&apos;ve reached Admin."), std::string::npos) << vm.raw;
  EXPECT_NE(vm.raw.find("<Record action=\"" + base + "/voicemail\""), std::string::npos);
  // The same step retried answers the same.
  EXPECT_EQ(webhook("/webhooks/twilio/voice/dial-complete", {{"CallSid", "CA600"}, {"DialCallStatus", "completed"}}).raw,
            vm.raw);

  // Away: straight to voicemail, the phone never rings.
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"availability", "away"}}).status, 200);
  auto away = webhook("/webhooks/twilio/voice", call_params("CA700"));
  EXPECT_EQ(away.raw.find("<Dial"), std::string::npos);
  EXPECT_NE(away.raw.find("<Record"), std::string::npos);
}

TEST_F(voice_test, the_owner_calls_out_as_the_business_from_their_own_phone) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", "+14155550150"}}).status, 200);
  const std::string base = "https://switchboard.example.com/webhooks/twilio/voice";
  const std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  // A customer called earlier: "1" calls them back.
  webhook("/webhooks/twilio/voice", call_params("CA800"));
  auto prompt = webhook("/webhooks/twilio/voice", call_params("CA801", "ringing", "+14155550150"));
  EXPECT_EQ(prompt.raw, head + "<Response><Gather input=\"dtmf\" action=\"" + base +
                            "/outbound-dial\" method=\"POST\" timeout=\"10\" finishOnKey=\"#\"><Say>Enter the number to "
                            "call, then press pound. To call back your last caller, press 1 then pound.</Say></Gather>"
                            "<Say>No number entered. Goodbye.</Say><Hangup/></Response>");
  auto leg = [](const std::string& sid, const std::string& digits) {
    return sb::carriers::param_list{{"CallSid", sid}, {"From", "+14155550150"}, {"To", "+14155550100"}, {"Digits", digits}};
  };
  auto back = webhook("/webhooks/twilio/voice/outbound-dial", leg("CA801", "1"));
  EXPECT_EQ(back.raw, head + "<Response><Say>Calling +1 415-555-0199.</Say><Dial action=\"" + base +
                          "/outbound-complete\" method=\"POST\" callerId=\"+14155550100\"><Number>+14155550199</Number>"
                          "</Dial></Response>");
  webhook("/webhooks/twilio/voice/outbound-complete", {{"CallSid", "CA801"}, {"DialCallStatus", "completed"}, {"DialCallDuration", "30"}});
  auto items = thread();
  ASSERT_EQ(items.size(), 2u) << items.dump();
  EXPECT_EQ(items[1]["direction"], "outbound");
  EXPECT_EQ(items[1]["sender"]["kind"], "teammate");
  EXPECT_EQ(items[1]["body"], "Outgoing call, 0:30");
  EXPECT_EQ(items[1]["metadata"]["from"], "+14155550100") << "the customer sees the business number";

  // Keyed digits: a new contact's thread; nonsense, our own lines and teammates' phones hang up.
  auto dial = webhook("/webhooks/twilio/voice/outbound-dial", leg("CA802", "6505550123"));
  EXPECT_NE(dial.raw.find("<Number>+16505550123</Number>"), std::string::npos) << dial.raw;
  EXPECT_EQ(call("GET", "/api/v1/conversations").body["items"].size(), 2u);
  for (auto digits : {"12", "*5", "4155550100", "4155550150"}) {
    auto r = webhook("/webhooks/twilio/voice/outbound-dial", leg(std::string("CA9") + digits, digits));
    EXPECT_EQ(r.raw.find("<Dial"), std::string::npos) << digits;
    EXPECT_NE(r.raw.find("<Hangup/>"), std::string::npos) << digits;
  }
  // Only the owner's own phone may call out through the line.
  auto stranger = webhook("/webhooks/twilio/voice/outbound-dial",
                          {{"CallSid", "CA850"}, {"From", "+14155550199"}, {"To", "+14155550100"}, {"Digits", "6505550123"}});
  EXPECT_EQ(stranger.raw.find("<Dial"), std::string::npos);
}

TEST_F(voice_test, click_to_call_rings_the_teammate_then_dials_the_customer_from_the_line) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", "+14155550150"}}).status, 200);
  auto line = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}, {"owner_teammate_id", me_}});
  ASSERT_EQ(line.status, 201);
  auto number = line.body["number"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/sandbox/v1/messages", {{"from", "+14155550177"}, {"to", number}, {"body", "call me"}}).status, 201);
  auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();

  sbtest::ws_client phone(app_->port(), "/ws/sandbox?phone=%2B14155550150&token=" + token_);
  ASSERT_TRUE(phone.wait_event("ready"));
  auto placed = call("POST", "/api/v1/conversations/" + conv + "/call");
  ASSERT_EQ(placed.status, 202) << placed.raw;
  EXPECT_EQ(placed.body["kind"], "call");
  EXPECT_EQ(placed.body["direction"], "outbound");
  auto ringing = phone.wait_event("sandbox.call");
  ASSERT_TRUE(ringing) << "the line rings the teammate's own phone";
  EXPECT_EQ((*ringing)["data"]["from"], number);
  auto sid = (*ringing)["data"]["sid"].get<std::string>();
  auto url = (*ringing)["data"]["url"].get<std::string>();

  // The teammate answers: "Connecting you", then the customer is dialled from the line.
  auto answered = call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                       {{"from", number}, {"to", "+14155550150"}, {"url", url}});
  ASSERT_EQ(answered.status, 200) << answered.raw;
  auto twiml = answered.body["twiml"].get<std::string>();
  EXPECT_NE(twiml.find("<Say>Connecting you to +1 415-555-0177.</Say><Dial action=\"https://switchboard.example.com/webhooks/sandbox/voice/outbound-complete\" method=\"POST\" callerId=\"" + number + "\"><Number>+14155550177</Number></Dial>"),
            std::string::npos)
      << twiml;
  call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
       {{"from", number}, {"to", "+14155550150"}, {"url", "/webhooks/sandbox/voice/outbound-complete"},
        {"params", {{"DialCallStatus", "completed"}, {"DialCallDuration", "20"}}}});
  call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
       {{"from", number}, {"to", "+14155550150"}, {"url", "/webhooks/sandbox/voice/status"}, {"status", "completed"},
        {"params", {{"CallDuration", "25"}}}});
  auto items = call("GET", "/api/v1/conversations/" + conv + "/messages").body["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["body"], "Outgoing call, 0:20");
  EXPECT_EQ(items[1]["metadata"]["connected"], true);

  // Without a phone of one's own there is nothing to ring.
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", nullptr}}).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + conv + "/call").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/conversations/999/call").status, 404);
}
