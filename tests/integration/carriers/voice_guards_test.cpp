// The voice webhooks' guards (issue 22), over real HTTP with signed Twilio
// webhooks: a call from one of the workspace's own lines is never dialed back
// into it (loop guard); a retried transcription callback changes nothing and
// does not text the owner again; a withheld caller id still reaches the line.
// Twilio's REST API is a fake on loopback, so the owner's notification texts
// stay on this machine.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/fake_carrier.hpp"
#include "support/test_support.hpp"

using sbtest::eventually;

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* line = "+14155550100";       // the owner's virtual number
constexpr const char* other_line = "+14155550101"; // a second line of the same workspace
constexpr const char* phone = "+14155550150";      // the owner's own mobile
constexpr const char* customer = "+14155550199";

class voice_guards : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.api_base = twilio_.base();
    cfg_.public_url = "https://switchboard.example.com";
    sb::app::app_options o{false, {}};
    o.outbox_poll = 20ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", line}, {"owner_teammate_id", me_}});
    ASSERT_EQ(n.status, 201) << n.raw;
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  // A webhook signed as Twilio signs it.
  sbtest::api_reply webhook(const std::string& path, const sb::carriers::param_list& params) {
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", path, params);
  }

  sbtest::api_reply ring(const std::string& sid, const std::string& from) {
    return webhook("/webhooks/twilio/voice", {{"CallSid", sid}, {"AccountSid", "ACtest"}, {"From", from},
                                              {"To", line}, {"CallStatus", "ringing"}, {"Direction", "inbound"}});
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  json all_items() {
    json out = json::array();
    auto list = call("GET", "/api/v1/conversations").body["items"];
    for (auto& c : list) {
      auto items = call("GET", "/api/v1/conversations/" + c["id"].get<std::string>() + "/messages").body["items"];
      for (auto& m : items) out.push_back(m);
    }
    return out;
  }

  sbtest::fake_carrier twilio_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_;
};

}  // namespace

// A call whose From is one of the workspace's own lines (another line, or the
// line itself) would otherwise ring the owner's phone from the business, a
// loop: it hangs up, touches no thread and lands in the undeliverable log.
TEST_F(voice_guards, a_call_from_one_of_our_own_lines_is_never_dialed) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", phone}}).status, 200);
  auto second = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", other_line}, {"owner_teammate_id", me_}});
  ASSERT_EQ(second.status, 201) << second.raw;

  // The control: a customer's call rings the owner's phone.
  auto normal = ring("CA100", customer);
  ASSERT_EQ(normal.status, 200);
  ASSERT_NE(normal.raw.find(std::string("<Number url=\"https://switchboard.example.com/webhooks/twilio/voice/screen?parent=CA100\" method=\"POST\">") + phone),
            std::string::npos)
      << normal.raw;

  int n = 0;
  for (std::string from : {other_line, line}) {
    auto r = ring("CAloop" + std::to_string(++n), from);
    EXPECT_EQ(r.status, 200) << from;
    EXPECT_EQ(r.raw.find("<Dial"), std::string::npos) << from << ": " << r.raw;
    EXPECT_EQ(r.raw.find("<Record"), std::string::npos) << from << ": " << r.raw;
    EXPECT_NE(r.raw.find("<Say>This call cannot be completed.</Say><Hangup/>"), std::string::npos) << from << ": " << r.raw;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1) << "only the customer's call is a thread item";
  EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM contact_identities WHERE value IN ('") + line + "', '" + other_line + "')"), 0)
      << "our own lines never become contacts";
  auto log = call("GET", "/api/v1/undeliverable");
  ASSERT_EQ(log.status, 200) << log.raw;
  ASSERT_EQ(log.body["items"].size(), 2u) << log.raw;
  for (auto& u : log.body["items"]) {
    EXPECT_EQ(u["kind"], "voice");
    EXPECT_EQ(u["to"], line);
    EXPECT_NE(u["reason"].get<std::string>().find("loop guard"), std::string::npos) << u.dump();
  }
  // A retry of the refused call answers the same and logs nothing more.
  EXPECT_EQ(ring("CAloop1", other_line).raw.find("<Dial"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/undeliverable").body["items"].size(), 2u);
}

// Carriers retry a transcription callback they think was lost, sometimes with a
// re-run transcript: the first completed transcript stands, and the owner who
// forwards to their phone is texted it once.
TEST_F(voice_guards, a_retried_transcription_keeps_the_first_text_and_notifies_once) {
  auto p = call("PATCH", "/api/v1/teammates/" + me_,
                {{"physical_number", phone}, {"sms_forwarding", "phone"}, {"availability", "away"}});
  ASSERT_EQ(p.status, 200) << p.raw;
  auto answered = ring("CA200", customer);
  ASSERT_NE(answered.raw.find("<Record"), std::string::npos) << answered.raw;
  ASSERT_EQ(webhook("/webhooks/twilio/voice/voicemail", {{"CallSid", "CA200"}, {"RecordingSid", "RE200"},
                                                         {"RecordingUrl", "https://api.twilio.com/rec/RE200"},
                                                         {"RecordingDuration", "7"}})
                .status,
            200);
  const std::string first = "Please call me back about the invoice";
  auto transcribe = [&](const std::string& text) {
    return webhook("/webhooks/twilio/voice/transcription", {{"CallSid", "CA200"}, {"RecordingSid", "RE200"},
                                                            {"TranscriptionStatus", "completed"},
                                                            {"TranscriptionText", text}});
  };
  auto tr = transcribe(first);
  ASSERT_EQ(tr.status, 200) << tr.raw;
  auto same = transcribe(first);
  EXPECT_EQ(same.status, 200) << same.raw;
  EXPECT_EQ(same.raw, tr.raw);
  auto rerun = transcribe("Something else entirely");
  EXPECT_EQ(rerun.status, 200) << rerun.raw;

  json voicemail;
  for (auto& m : all_items())
    if (m["kind"] == "voicemail") voicemail = m;
  ASSERT_TRUE(voicemail.is_object()) << all_items().dump();
  EXPECT_EQ(voicemail["body"], first);
  EXPECT_EQ(voicemail["metadata"]["transcript"], first);
  EXPECT_EQ(voicemail["metadata"]["transcription_status"], "completed");
  EXPECT_EQ(call("GET", "/api/v1/conversations?q=entirely").body["items"].size(), 0u);

  // Notifications to the owner's phone: the voicemail's and the transcript's, once each.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'sms.relay' AND payload LIKE '%Voicemail: %'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'sms.relay'"), 2);
  ASSERT_TRUE(eventually([&] { return twilio_.requests("message").size() >= 2; }));
  int transcripts = 0;
  for (auto& t : twilio_.requests("message")) {
    EXPECT_EQ(t.field("To"), phone);
    EXPECT_EQ(t.field("From"), line);
    if (t.field("Body").find("Voicemail: ") != std::string::npos) {
      ++transcripts;
      EXPECT_NE(t.field("Body").find("Voicemail: " + first), std::string::npos) << t.field("Body");
    }
  }
  EXPECT_EQ(transcripts, 1);
}

// A withheld caller id arrives as "anonymous", "restricted", an empty From, no
// From at all or Twilio's "+266696687": each still reaches the line (its
// voicemail here, the owner's phone below), stored as the unknown caller
// +266696687, never refused.
TEST_F(voice_guards, a_hidden_caller_id_still_reaches_the_line) {
  int n = 0;
  for (std::string from : {"anonymous", "Anonymous", "restricted", "", "+266696687", "<missing>"}) {
    auto sid = "CAhidden" + std::to_string(++n);
    sb::carriers::param_list ps = {{"CallSid", sid}, {"AccountSid", "ACtest"}, {"To", line}, {"CallStatus", "ringing"}};
    if (from != "<missing>") ps.push_back({"From", from});
    auto r = webhook("/webhooks/twilio/voice", ps);
    EXPECT_EQ(r.status, 200) << "From " << from << ": " << r.raw;
    EXPECT_EQ(r.raw.find("<Reject"), std::string::npos) << from << ": " << r.raw;
    EXPECT_NE(r.raw.find("<Record action=\"https://switchboard.example.com/webhooks/twilio/voice/voicemail\""),
              std::string::npos)
        << "From " << from << ": " << r.raw;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE kind = 'call'"), n);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE json_extract(metadata, '$.from') = '+266696687'"), n);
  EXPECT_EQ(count("SELECT COUNT(*) FROM undeliverable_events"), 0);

  // With the owner's phone set, a hidden caller rings it like anyone else.
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", phone}}).status, 200);
  auto rung = webhook("/webhooks/twilio/voice", {{"CallSid", "CAhidden-ring"}, {"From", "anonymous"}, {"To", line}});
  EXPECT_EQ(rung.status, 200) << rung.raw;
  EXPECT_NE(rung.raw.find("<Dial"), std::string::npos) << rung.raw;
  EXPECT_NE(rung.raw.find(std::string("\">") + phone + "</Number>"), std::string::npos) << rung.raw;
}

// Issue 17: a call is classified like a text (routing::classify_inbound). Another
// teammate's own phone calling this line is not a customer: refused and logged, as
// their text to it is, instead of becoming a contact with a voicemail.
TEST_F(voice_guards, another_teammates_phone_is_refused_by_call_as_by_text) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", phone}}).status, 200);
  constexpr const char* colleague_phone = "+14155550160";
  auto colleague = call("POST", "/api/v1/teammates",
                        {{"email", "dana@example.com"}, {"name", "Dana"}, {"role", "agent"}, {"password", "agent-password-1"}});
  ASSERT_EQ(colleague.status, 201) << colleague.raw;
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + colleague.body["id"].get<std::string>(),
                 {{"physical_number", colleague_phone}})
                .status,
            200);

  auto called = ring("CAteam1", colleague_phone);
  ASSERT_EQ(called.status, 200);
  EXPECT_EQ(called.raw.find("<Dial"), std::string::npos) << called.raw;
  EXPECT_EQ(called.raw.find("<Record"), std::string::npos) << called.raw;
  EXPECT_NE(called.raw.find("<Say>This call cannot be completed.</Say><Hangup/>"), std::string::npos) << called.raw;
  auto texted = webhook("/webhooks/twilio/sms", {{"MessageSid", "SMteam1"}, {"AccountSid", "ACtest"},
                                                 {"From", colleague_phone}, {"To", line}, {"Body", "hi"}});
  ASSERT_EQ(texted.status, 200);

  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0) << "neither becomes a thread item";
  EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM contact_identities WHERE value = '") + colleague_phone + "'"), 0);
  auto log = call("GET", "/api/v1/undeliverable");
  ASSERT_EQ(log.body["items"].size(), 2u) << log.raw;
  for (auto& u : log.body["items"])
    EXPECT_NE(u["reason"].get<std::string>().find("teammate's own phone"), std::string::npos) << u.dump();
}
