// Issue 16, the messaging items, over real HTTP against the daemon on port 0 and a
// fake Twilio REST API: bad query input is 400 (item 13), replies after a call go
// out by SMS or fail at once (item 15), carrier senders that are not E.164 are
// kept (item 17), phone inputs take national formats (item 20), and the inbox
// search finds conversations by their contact (item 21).
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/http/server.hpp"

using sbtest::eventually;

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Twilio's Messages.json on loopback: records each send, answers 201 queued.
class fake_messages_api {
 public:
  fake_messages_api() {
    routes_.add("POST", "/2010-04-01/Accounts/{account}/Messages.json",
                [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
                  std::lock_guard lock(mu_);
                  bodies_.push_back(req.body);
                  // This recipient opted out at the carrier (Twilio answers 400 with code 21610).
                  if (req.body.find("To=%2B14155550666") != std::string::npos)
                    co_return sb::http::response::json(
                        400, {{"code", 21610}, {"message", "Attempt to send to unsubscribed recipient"}, {"status", 400}});
                  co_return sb::http::response::json(
                      201, {{"sid", "SMfake" + std::to_string(bodies_.size())}, {"status", "sent"}});
                });
    sb::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<sb::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake twilio: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_messages_api() {
    io_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  boost::asio::io_context io_{1};
  sb::metrics stats_;
  sb::http::router routes_;
  std::unique_ptr<sb::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
};

class messaging_test : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start(const std::string& country = "US") {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = twilio_.base();
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.sms_per_second_per_number = 100;
    cfg_.default_country = country;
    sb::app::app_options o{false, {}};
    o.outbox_poll = 50ms;
    o.outbox_retry_base = 100ms;
    app_.reset();
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  sbtest::api_reply webhook(const std::string& path, const sb::carriers::param_list& params) {
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", path, params);
  }

  sbtest::api_reply text(const std::string& sid, const std::string& from, const std::string& body) {
    return webhook("/webhooks/twilio/sms", {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", from},
                                            {"To", line_}, {"Body", body}, {"NumMedia", "0"}});
  }
  sbtest::api_reply ring(const std::string& sid, const std::string& from) {
    return webhook("/webhooks/twilio/voice", {{"CallSid", sid}, {"AccountSid", "ACtest"}, {"From", from},
                                              {"To", line_}, {"CallStatus", "ringing"}, {"Direction", "inbound"}});
  }

  void add_line() {
    auto r = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", line_}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  std::string only_conversation() {
    auto list = call("GET", "/api/v1/conversations");
    EXPECT_EQ(list.body["items"].size(), 1u) << list.raw;
    return list.body["items"].empty() ? "" : list.body["items"][0]["id"].get<std::string>();
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  std::string message_status(const std::string& id) {
    auto r = app_->get().db().read_sync([id](sb::store::database& db) {
      auto& q = db.prepare("SELECT status FROM messages WHERE id = ?1");
      q.bind(1, static_cast<std::int64_t>(std::stoll(id)));
      return q.step() ? q.column_text(0) : std::string();
    });
    return r ? *r : "";
  }

  fake_messages_api twilio_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
  std::string line_ = "+14155550100";
};

}  // namespace

// issue 16 item 13: a NUL byte (and other bad input) in any query parameter is 400
// INVALID_INPUT, never 500; quotes and FTS operators are searched as text.
TEST_F(messaging_test, issue16_item13_bad_query_parameters_are_400_never_500) {
  add_line();
  ASSERT_EQ(text("SM1", "+14155550199", "He said \"NEAR(order refund)\" AND * OR -x").status, 200);
  const std::vector<std::string> bad = {
      "/api/v1/conversations?q=%00",         "/api/v1/conversations?q=ab%00cd",
      "/api/v1/conversations?q=%22%00",      "/api/v1/conversations?q=%FF%FE",
      "/api/v1/conversations?q=%C3%28",      "/api/v1/conversations?q=%ED%A0%80",
      "/api/v1/conversations?q=%zz",         "/api/v1/conversations?q=%",
      "/api/v1/conversations?q=a%0Ab",       "/api/v1/conversations?status=open%00",
      "/api/v1/conversations?q=a%C2%85b",    "/api/v1/conversations?q=%F4%90%80%80",
      "/api/v1/conversations?assignee=%00",  "/api/v1/conversations?inbox=1%00",
      "/api/v1/conversations?label=%00",     "/api/v1/conversations?cursor=c1%00",
      "/api/v1/conversations?limit=%00",     "/api/v1/conversations?contact_id=%C0%80",
      "/api/v1/conversations?status=bogus",  "/api/v1/conversations?limit=-1",
      "/api/v1/conversations?cursor=zzz",    "/api/v1/conversations?assignee=nobody",
      "/api/v1/contacts?q=%00",              "/api/v1/contacts?cursor=%00",
      "/api/v1/teammates?x=%00",             "/api/v1/conversations/1/messages?cursor=%00",
      "/api/v1/conversations?q=" + std::string(300, 'a'),
  };
  for (auto& target : bad) {
    auto r = call("GET", target);
    EXPECT_EQ(r.status, 400) << target << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "INVALID_INPUT") << target << " -> " << r.raw;
  }
  // Quotes, unbalanced quotes and FTS5 syntax are literal text, not errors.
  const std::vector<std::pair<std::string, int>> fine = {
      {"%22", -1}, {"%22NEAR", -1}, {"NEAR(order", 1}, {"AND", 1}, {"*", -1}, {"order%20refund", 1},
      {"-x", 1},   {"%E2%9C%93", 0}, {"nothing-here", 0}, {"%27%3B--", 0}, {"a%22b%22%22", -1}, {"(", -1},
  };
  for (auto& [q, n] : fine) {
    auto r = call("GET", "/api/v1/conversations?q=" + q);
    EXPECT_EQ(r.status, 200) << q << " -> " << r.raw;
    if (n >= 0) {
      EXPECT_EQ(r.body["items"].size(), static_cast<std::size_t>(n)) << q << " -> " << r.raw;
    }
  }
}

// issue 16 item 15: after a call or voicemail the conversation's channel is voice;
// a reply still goes out by SMS on the customer's number and reaches the carrier.
TEST_F(messaging_test, issue16_item15_a_reply_after_a_call_is_texted_not_left_queued) {
  add_line();
  ASSERT_EQ(text("SM1", "+14155550199", "Is my order ready?").status, 200);
  ASSERT_EQ(ring("CA1", "+14155550199").status, 200);
  ASSERT_EQ(webhook("/webhooks/twilio/voice/voicemail", {{"CallSid", "CA1"}, {"RecordingUrl", "https://api.twilio.com/rec/RE1"},
                                                         {"RecordingSid", "RE1"}, {"RecordingDuration", "4"}})
                .status,
            200);
  auto conv = only_conversation();
  auto c = call("GET", "/api/v1/conversations/" + conv);
  EXPECT_EQ(c.body["channel"], "voice");
  // The composer is told where a reply goes and what else it may pick.
  EXPECT_EQ(c.body["reply"]["channel"], "sms") << c.raw;
  EXPECT_EQ(c.body["reply"]["channels"], json::array({"sms"})) << c.raw;

  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Yes, come by at 5"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["channel"], "sms");
  auto id = r.body["id"].get<std::string>();
  ASSERT_TRUE(eventually([&] { return message_status(id) == "sent"; })) << message_status(id);
  auto sent = twilio_.bodies();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].find("To=%2B14155550199"), std::string::npos) << sent[0];
  EXPECT_NE(sent[0].find("Body=Yes%2C"), std::string::npos) << sent[0];

  // A channel the agent may not pick fails at once, and nothing is queued.
  auto before = count("SELECT COUNT(*) FROM messages");
  for (auto ch : {"voice", "email", "chat"}) {
    auto refused = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "x"}, {"channel", ch}});
    EXPECT_EQ(refused.status, 409) << ch << " -> " << refused.raw;
    EXPECT_EQ(refused.body["error"]["code"], "CONFLICT") << refused.raw;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), before);
  // Nothing waits in the outbox for a channel without a dispatcher.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'message.send.%' AND kind != 'message.send.sms'"), 0);
}

// issue 16 item 15: a call from a contact nothing can answer in writing (the caller
// id was withheld and no line can text it back): the reply fails at once, visibly.
TEST_F(messaging_test, issue16_item15_a_reply_no_channel_can_deliver_fails_at_once) {
  auto contact = call("POST", "/api/v1/contacts", {{"name", "Walk-in"}});
  ASSERT_EQ(contact.status, 201) << contact.raw;
  auto conv = call("POST", "/api/v1/conversations", {{"contact_id", contact.body["id"]}, {"channel", "voice"}});
  ASSERT_EQ(conv.status, 201) << conv.raw;
  auto id = conv.body["id"].get<std::string>();
  auto c = call("GET", "/api/v1/conversations/" + id);
  EXPECT_TRUE(c.body["reply"]["channel"].is_null()) << c.raw;
  EXPECT_NE(c.body["reply"]["reason"].get<std::string>().find("no channel can deliver"), std::string::npos) << c.raw;
  auto r = call("POST", "/api/v1/conversations/" + id + "/messages", {{"body", "Hello?"}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("no phone number"), std::string::npos) << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
  // A private note needs no channel.
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + id + "/messages", {{"body", "left a note"}, {"private", true}}).status, 201);
  // Opening a conversation with a first message on a channel without a sender is refused too.
  auto opened = call("POST", "/api/v1/conversations",
                     {{"contact_id", contact.body["id"]}, {"channel", "email"}, {"body", "hi"}});
  EXPECT_EQ(opened.status, 400) << opened.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);
}

// issue 16 item 15: a reply an older version queued on a channel without a sender
// (voice) is failed, visibly, when the dispatcher starts, not left queued forever.
TEST_F(messaging_test, issue16_item15_replies_queued_on_voice_by_older_versions_fail_at_start) {
  add_line();
  ASSERT_EQ(ring("CA1", "+14155550199").status, 200);
  auto conv = only_conversation();
  app_.reset();
  {
    // What main stored for a reply after a call: a voice message and its outbox row.
    sb::store::database db(dir_.path() + "/switchboard.db", sb::store::database::mode::read_write);
    db.prepare("INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, sender_id, private,"
               " channel, body, status, kind, media, metadata, created_at)"
               " VALUES (1, ?1, 'outbound', 'teammate', 1, 0, 'voice', 'stuck', 'queued', 'text', '[]', '{}',"
               " '2026-01-01T00:00:00Z')")
        .bind(1, static_cast<std::int64_t>(std::stoll(conv)))
        .run();
    auto mid = db.last_insert_rowid();
    db.prepare("INSERT INTO outbox(workspace_id, kind, payload, next_attempt_at, created_at, updated_at)"
               " VALUES (1, 'message.send.voice', ?1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',"
               " '2026-01-01T00:00:00Z')")
        .bind(1, json{{"message_id", mid}, {"conversation_id", std::stoll(conv)}, {"channel", "voice"}}.dump())
        .run();
  }
  start();
  ASSERT_TRUE(eventually([&] { return count("SELECT COUNT(*) FROM outbox WHERE status = 'failed'") == 1; }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'stuck' AND status = 'failed' AND error LIKE 'no channel%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), 0);
}

// issue 16 item 17: a signed text from a short code or an alphanumeric sender id is
// stored under an opaque sender identity (a 400 would lose it: carriers never
// retry one); a reply to it fails at once with the reason.
TEST_F(messaging_test, issue16_item17_short_codes_and_sender_ids_are_kept_not_refused) {
  add_line();
  auto a = text("SMshort", "55555", "Your code is 1234");
  EXPECT_EQ(a.status, 200) << a.raw;
  auto b = text("SMalpha", "ACME", "Your parcel ships today");
  EXPECT_EQ(b.status, 200) << b.raw;
  // The carrier retries: stored once.
  EXPECT_EQ(text("SMalpha", "ACME", "Your parcel ships today").status, 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_identities WHERE value IN ('55555', 'ACME')"), 2);
  auto list = call("GET", "/api/v1/conversations");
  ASSERT_EQ(list.body["items"].size(), 2u) << list.raw;
  for (auto& conv : list.body["items"]) {
    auto id = conv["id"].get<std::string>();
    auto contact = call("GET", "/api/v1/contacts/" + conv["contact_id"].get<std::string>());
    ASSERT_EQ(contact.body["phones"].size(), 1u) << contact.raw;
    auto sender = contact.body["phones"][0].get<std::string>();
    EXPECT_TRUE(sender == "55555" || sender == "ACME") << sender;
    auto r = call("POST", "/api/v1/conversations/" + id + "/messages", {{"body", "thanks"}});
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_NE(r.raw.find("short code or sender id"), std::string::npos) << r.raw;
  }
  // A call from a withheld number still reaches voicemail (unchanged).
  EXPECT_EQ(ring("CAanon", "anonymous").status, 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'message.send.sms'"), 0);
}

// issue 16 item 20: phone inputs take the national formats of workspace.default_country
// (spaces, dashes, dots, parentheses) and store E.164, as the app displays them.
TEST_F(messaging_test, issue16_item20_phone_inputs_take_national_formats) {
  auto me = call("GET", "/api/v1/me").body["id"].get<std::string>();
  auto t = call("PATCH", "/api/v1/teammates/" + me, {{"physical_number", "(415) 555-0177"}});
  ASSERT_EQ(t.status, 200) << t.raw;
  EXPECT_EQ(t.body["physical_number"], "+14155550177");
  for (auto [input, e164] : std::vector<std::pair<std::string, std::string>>{
           {"415.555.0178", "+14155550178"}, {"1 415 555 0179", "+14155550179"}, {"+1 (415) 555-0180", "+14155550180"}}) {
    auto c = call("POST", "/api/v1/contacts", {{"name", input}, {"phone", input}});
    ASSERT_EQ(c.status, 201) << input << " -> " << c.raw;
    EXPECT_EQ(c.body["phones"], json::array({e164})) << input;
  }
  auto created = call("POST", "/api/v1/teammates",
                      {{"email", "pat@example.com"}, {"name", "Pat"}, {"physical_number", "415-555-0181"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["physical_number"], "+14155550181");
  auto bad = call("PATCH", "/api/v1/teammates/" + me, {{"physical_number", "555-0177"}});
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.body["error"]["code"], "INVALID_FORMAT");

  // Another default country reads its own national format.
  app_.reset();
  start("GB");
  auto gb = call("POST", "/api/v1/contacts", {{"phone", "020 7946 0958"}});
  ASSERT_EQ(gb.status, 201) << gb.raw;
  EXPECT_EQ(gb.body["phones"], json::array({"+442079460958"}));
}

// issue 16 item 21: the inbox search finds a conversation by its contact's name,
// email and phone (typed any way), as well as by message text.
TEST_F(messaging_test, issue16_item21_search_finds_conversations_by_their_contact) {
  add_line();
  ASSERT_EQ(text("SM1", "+14155550177", "Where is my parcel?").status, 200);
  ASSERT_EQ(text("SM2", "+14155550188", "Unrelated question").status, 200);
  auto list = call("GET", "/api/v1/conversations");
  ASSERT_EQ(list.body["items"].size(), 2u);
  std::string conv, contact;
  for (auto& c : list.body["items"])
    if (c["contact"]["phone"] == "+14155550177") {
      conv = c["id"].get<std::string>();
      contact = c["contact_id"].get<std::string>();
    }
  ASSERT_FALSE(conv.empty());
  ASSERT_EQ(call("PATCH", "/api/v1/contacts/" + contact, {{"name", "Dana Scully"}, {"email", "dana@fbi.example"}}).status, 200);
  for (std::string q : {"Dana", "scully", "Dana%20Scully", "dana%40fbi.example", "fbi.example", "415-555-0177",
                        "4155550177", "(415)%20555-0177", "%2B14155550177", "555.0177", "parcel"}) {
    auto r = call("GET", "/api/v1/conversations?q=" + q);
    ASSERT_EQ(r.status, 200) << q << " -> " << r.raw;
    ASSERT_EQ(r.body["items"].size(), 1u) << q << " -> " << r.raw;
    EXPECT_EQ(r.body["items"][0]["id"], conv) << q;
  }
  // Wildcards are literal; a miss is empty.
  EXPECT_EQ(call("GET", "/api/v1/conversations?q=%25").body["items"].size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/conversations?q=_").body["items"].size(), 0u);
  EXPECT_EQ(call("GET", "/api/v1/conversations?q=Mulder").body["items"].size(), 0u);
}

// Issue 18: the carrier refuses a send with 21610 (the recipient opted out at the
// carrier): the message fails, the consent ledger records the opt-out, and the
// next reply is refused before anything is queued.
TEST_F(messaging_test, issue18_a_send_refused_with_21610_records_the_opt_out) {
  add_line();
  ASSERT_EQ(text("SM21610", "+14155550666", "Hello").status, 200);
  auto conv = only_conversation();
  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Hi there"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  auto id = r.body["id"].get<std::string>();
  ASSERT_TRUE(eventually([&] { return message_status(id) == "failed"; })) << message_status(id);
  ASSERT_TRUE(eventually([&] {
    return count("SELECT COUNT(*) FROM consent_ledger WHERE state = 'opted_out' AND source = 'carrier'"
                 " AND phone = '+14155550666'") == 1;
  }));
  auto again = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Hello?"}});
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(again.body["error"]["code"], "OPTED_OUT");
}
