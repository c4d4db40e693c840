// Carrier webhooks over real HTTP: signatures, idempotency, inbound SMS into the
// conversation API, monotonic status callbacks, and the sandbox round trip.
#include <mutex>

#include <gtest/gtest.h>

#include <thread>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/http/server.hpp"

using sbtest::eventually;

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A fake Twilio REST API on loopback: records each Messages.json request and
// answers from a script (then 201 with a fresh sid).
class fake_twilio {
 public:
  struct seen {
    std::string authorization, body, path;
    std::chrono::steady_clock::time_point at;
  };
  fake_twilio() {
    routes_.add("POST", "/2010-04-01/Accounts/{account}/Messages.json",
                [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
                  std::lock_guard lock(mu_);
                  requests_.push_back({std::string(req.headers.get("Authorization").value_or("")), req.body, req.path,
                                      std::chrono::steady_clock::now()});
                  if (!script_.empty()) {
                    auto [status, body] = script_.front();
                    script_.erase(script_.begin());
                    co_return sb::http::response::text(status, body, "application/json");
                  }
                  co_return sb::http::response::json(
                      201, {{"sid", "SMfake" + std::to_string(requests_.size())}, {"status", "queued"}});
                });
    sb::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<sb::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake twilio: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_twilio() {
    io_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void script(std::vector<std::pair<int, std::string>> s) {
    std::lock_guard lock(mu_);
    script_ = std::move(s);
  }
  std::vector<seen> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  boost::asio::io_context io_{1};
  sb::metrics stats_;
  sb::http::router routes_;
  std::unique_ptr<sb::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<int, std::string>> script_;
  std::vector<seen> requests_;
};

sb::carriers::param_list sms(const std::string& sid, const std::string& from, const std::string& to,
                             const std::string& body) {
  return {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", from}, {"To", to}, {"Body", body}, {"NumMedia", "0"}};
}

class webhook_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.signalwire.signing_key = "PSKtest1234567890abcdef";
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = twilio_.base();
    cfg_.sms_per_second_per_number = 5;
    sb::app::app_options o{false, {}};
    o.outbox_poll = 50ms;
    o.outbox_retry_base = 100ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  // A form POST signed like Twilio does it (or with a given signature header).
  sbtest::api_reply webhook(const std::string& path, const sb::carriers::param_list& params,
                            const std::string& key, const std::string& header = "X-Twilio-Signature",
                            bool tamper = false) {
    if (!tamper) return sbtest::post_signed(app_->port(), cfg_.public_url, key, path, params, header);
    // Signed over `params`, sent with one field more.
    auto sig = sb::carriers::twilio_signature(key, cfg_.public_url + path, params);
    return sbtest::to_api_reply(sbtest::http_request(
        app_->port(), "POST", path, sbtest::form_body(params) + "&Extra=1",
        "Content-Type: application/x-www-form-urlencoded\r\n" + header + ": " + sig + "\r\n"));
  }

  std::string number(const json& body) {
    auto r = call("POST", "/api/v1/numbers", body);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("number", "");
  }

  // Reads the database file directly (while no app is running).
  std::int64_t count_file(const std::string& sql) {
    sb::store::database db(dir_.path() + "/switchboard.db", sb::store::database::mode::read_only);
    auto& q = db.prepare(sql);
    q.step();
    return q.column_int(0);
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  // An SMS conversation on a Twilio number, and the reply's message id.
  std::pair<std::string, std::string> reply_via_twilio(const std::string& text) {
    auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
    webhook("/webhooks/twilio/sms", sms("SMin1", "+14155550199", biz, "hi"), "twilio-test-token");
    auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();
    auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", text}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return {conv, r.body.value("id", "")};
  }

  std::string message_status(const std::string& id) {
    auto r = app_->get().db().read_sync([id](sb::store::database& db) {
      auto& q = db.prepare("SELECT status || '|' || COALESCE(external_id, '') || '|' || COALESCE(error, '') FROM messages WHERE id = ?1");
      q.bind(1, static_cast<std::int64_t>(std::stoll(id)));
      q.step();
      return q.column_text(0);
    });
    return r ? *r : "";
  }

  fake_twilio twilio_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
};

}  // namespace

TEST_F(webhook_test, signed_inbound_sms_lands_once_in_the_conversation_api) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  sbtest::ws_client ws(app_->port(), "/ws/agent?token=" + token_);
  ASSERT_TRUE(ws.wait_event("ready"));
  auto first = webhook("/webhooks/twilio/sms", sms("SM001", "+14155550199", biz, "Hi, is my order ready?"), "twilio-test-token");
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_NE(first.header("content-type").find("xml"), std::string::npos);
  EXPECT_NE(first.raw.find("<Response"), std::string::npos);
  auto ev = ws.wait_event("message.created");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["body"], "Hi, is my order ready?");
  // The carrier retries: same answer, nothing new stored.
  auto again = webhook("/webhooks/twilio/sms", sms("SM001", "+14155550199", biz, "Hi, is my order ready?"), "twilio-test-token");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.raw, first.raw);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);

  auto list = call("GET", "/api/v1/conversations");
  ASSERT_EQ(list.body["items"].size(), 1u);
  auto conv = list.body["items"][0];
  EXPECT_EQ(conv["channel"], "sms");
  auto thread = call("GET", "/api/v1/conversations/" + conv["id"].get<std::string>() + "/messages");
  ASSERT_EQ(thread.body["items"].size(), 1u);
  EXPECT_EQ(thread.body["items"][0]["direction"], "inbound");
  EXPECT_EQ(thread.body["items"][0]["sender"]["kind"], "contact");
  auto contact = call("GET", "/api/v1/contacts/" + conv["contact_id"].get<std::string>());
  EXPECT_EQ(contact.body["phones"], json::array({"+14155550199"}));

  // A second text from the same customer joins the same thread.
  webhook("/webhooks/twilio/sms", sms("SM002", "+14155550199", biz, "Hello?"), "twilio-test-token");
  EXPECT_EQ(call("GET", "/api/v1/conversations").body["items"].size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 2);
}

// A customer's text reopens their resolved or snoozed conversation (the webhook
// skips that step for one it has just read as open) and leaves an open one alone.
TEST_F(webhook_test, a_text_reopens_a_resolved_or_snoozed_conversation) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  auto text = [&](const std::string& sid) {
    EXPECT_EQ(webhook("/webhooks/twilio/sms", sms(sid, "+14155550199", biz, "again"), "twilio-test-token").status, 200);
  };
  text("SM101");
  auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();
  auto status = [&] { return call("GET", "/api/v1/conversations/" + conv).body.value("status", ""); };
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + conv, {{"status", "pending"}}).status, 200);
  text("SM102");
  EXPECT_EQ(status(), "pending");
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + conv, {{"status", "resolved"}}).status, 200);
  text("SM103");
  EXPECT_EQ(status(), "open");
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + conv, {{"snoozed_until", "2099-01-01T00:00:00Z"}}).status, 200);
  ASSERT_EQ(status(), "snoozed");
  text("SM104");
  EXPECT_EQ(status(), "open");
  EXPECT_EQ(call("GET", "/api/v1/conversations").body["items"].size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 4);
}

// Texts that store no customer message are idempotent through webhook_events:
// one to a number we do not have, and one between two of our own lines.
// A retry is found by the message's own INSERT; the job then rolls back what it had
// done for it: here the reopening of a resolved conversation.
TEST_F(webhook_test, a_retry_changes_nothing_even_in_one_batch_with_its_original) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  auto first = webhook("/webhooks/twilio/sms", sms("SM100", "+14155550199", biz, "first"), "twilio-test-token");
  ASSERT_EQ(first.status, 200) << first.raw;
  auto conv = call("GET", "/api/v1/conversations").body["items"][0]["id"].get<std::string>();
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + conv, {{"status", "resolved"}}).status, 200);
  auto again = webhook("/webhooks/twilio/sms", sms("SM100", "+14155550199", biz, "first"), "twilio-test-token");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.raw, first.raw);
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv).body["status"], "resolved");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations"), 1);

  // The same new text eight times at once: most of them share a batch.
  std::vector<std::thread> senders;
  std::vector<sbtest::api_reply> answers(8);
  for (std::size_t i = 0; i < answers.size(); ++i)
    senders.emplace_back([&, i] {
      answers[i] = webhook("/webhooks/twilio/sms", sms("SM200", "+14155550198", biz, "second"), "twilio-test-token");
    });
  for (auto& t : senders) t.join();
  for (auto& a : answers) {
    EXPECT_EQ(a.status, 200) << a.raw;
    EXPECT_EQ(a.raw, first.raw);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE external_id = 'SM200'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations"), 2);
}

TEST_F(webhook_test, retried_undeliverable_texts_are_recorded_once) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  auto other = number({{"carrier", "twilio"}, {"number", "+14155550101"}});
  auto nowhere = sms("SM900", "+14155550199", "+14155550177", "to a number we do not have");
  auto loop = sms("SM901", other, biz, "from one of our lines to another");
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(webhook("/webhooks/twilio/sms", nowhere, "twilio-test-token").status, 200);
    EXPECT_EQ(webhook("/webhooks/twilio/sms", loop, "twilio-test-token").status, 200);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM undeliverable_events"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  // A customer's text needs no webhook_events row: its message is the record.
  EXPECT_EQ(webhook("/webhooks/twilio/sms", sms("SM902", "+14155550199", biz, "hi"), "twilio-test-token").status, 200);
  EXPECT_EQ(webhook("/webhooks/twilio/sms", sms("SM902", "+14155550199", biz, "hi"), "twilio-test-token").status, 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 2);
}

TEST_F(webhook_test, bad_or_missing_signatures_are_403_with_no_state_change) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  auto p = sms("SM100", "+14155550199", biz, "spoofed");
  EXPECT_EQ(webhook("/webhooks/twilio/sms", p, "wrong-token").status, 403);
  EXPECT_EQ(webhook("/webhooks/twilio/sms", p, "twilio-test-token", "X-Twilio-Signature", true).status, 403);
  auto unsigned_req = sbtest::http_request(app_->port(), "POST", "/webhooks/twilio/sms", "MessageSid=SM100&From=%2B14155550199&To=%2B14155550100&Body=x",
                                           "Content-Type: application/x-www-form-urlencoded\r\n");
  EXPECT_EQ(unsigned_req->status, 403);
  EXPECT_TRUE(unsigned_req->body.empty()) << "no TwiML on rejection";
  EXPECT_EQ(webhook("/webhooks/nope/sms", p, "twilio-test-token").status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM webhook_events"), 0);
  // SignalWire: its own header and key.
  auto sw = webhook("/webhooks/signalwire/sms", sms("SM101", "+14155550199", biz, "via signalwire"),
                    "PSKtest1234567890abcdef", "X-SignalWire-Signature");
  EXPECT_EQ(sw.status, 200) << sw.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
}

TEST_F(webhook_test, sandbox_round_trip_delivers_replies_but_never_notes) {
  auto me = call("GET", "/api/v1/me");
  auto biz = number({{"owner_teammate_id", me.body["id"]}});  // sandbox: provisioned from the pool
  ASSERT_EQ(biz.rfind("+1555", 0), 0u) << biz;
  auto sent = call("POST", "/api/sandbox/v1/messages", {{"from", "+14155550123"}, {"to", biz}, {"body", "Do you open on Sunday?"}});
  ASSERT_EQ(sent.status, 201) << sent.raw;
  auto list = call("GET", "/api/v1/conversations?assignee=me");
  ASSERT_EQ(list.body["items"].size(), 1u) << "the number's owner is the assignee";
  auto conv = list.body["items"][0]["id"].get<std::string>();

  sbtest::ws_client ws(app_->port(), "/ws/agent?token=" + token_);
  ASSERT_TRUE(ws.wait_event("ready"));
  auto reply_msg = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Yes, 10 to 4."}});
  ASSERT_EQ(reply_msg.status, 201);
  call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "note to self"}, {"private", true}});
  auto updated = ws.wait_event("message.updated", 5s);
  ASSERT_TRUE(updated) << "the outbox dispatcher delivers through the sandbox";
  EXPECT_EQ((*updated)["data"]["status"], "sent");

  auto inbox = call("GET", "/api/sandbox/v1/messages?phone=%2B14155550123");
  ASSERT_EQ(inbox.status, 200) << inbox.raw;
  ASSERT_EQ(inbox.body["items"].size(), 1u) << "the private note never reaches the phone";
  EXPECT_EQ(inbox.body["items"][0]["body"], "Yes, 10 to 4.");
  EXPECT_EQ(inbox.body["items"][0]["from"], biz);
  auto sid = inbox.body["items"][0]["sid"].get<std::string>();

  auto status = [&](const std::string& s) {
    return webhook("/webhooks/sandbox/sms/status", {{"MessageSid", sid}, {"MessageStatus", s}},
                   "unused", "X-Twilio-Signature");
  };
  // The sandbox key is private to the process: an outsider's callback is refused.
  EXPECT_EQ(status("delivered").status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE status = 'done'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE status = 'sent' AND external_id = '" + sid + "'"), 1);
}

TEST_F(webhook_test, twilio_status_callbacks_never_move_backwards) {
  auto biz = number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  webhook("/webhooks/twilio/sms", sms("SMin", "+14155550199", biz, "hi"), "twilio-test-token");
  // Give the stored inbound message an outbound twin with a carrier SID, as a sent reply has.
  ASSERT_TRUE(app_->get().db().write_sync([](sb::store::database& db) {
    db.exec("INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, channel, body, status,"
            " external_id, created_at) SELECT workspace_id, conversation_id, 'outbound', 'teammate', 'sms', 'hello',"
            " 'queued', 'SMout', created_at FROM messages WHERE external_id = 'SMin'");
  }));
  auto st = [&](const std::string& s) {
    return webhook("/webhooks/twilio/sms/status", {{"MessageSid", "SMout"}, {"MessageStatus", s}}, "twilio-test-token").status;
  };
  auto current = [&] {
    auto r = app_->get().db().read_sync([](sb::store::database& db) {
      auto& q = db.prepare("SELECT status FROM messages WHERE external_id = 'SMout'");
      q.step();
      return q.column_text(0);
    });
    return *r;
  };
  EXPECT_EQ(st("sent"), 200);
  EXPECT_EQ(current(), "sent");
  EXPECT_EQ(st("delivered"), 200);
  EXPECT_EQ(current(), "delivered");
  EXPECT_EQ(st("sent"), 200);  // late and out of order
  EXPECT_EQ(current(), "delivered");
  EXPECT_EQ(st("bogus"), 400);
}

TEST_F(webhook_test, numbers_api_guards) {
  EXPECT_EQ(call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "not a number"}}).status, 400);
  number({{"carrier", "twilio"}, {"number", "+14155550100"}});
  auto dup = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+1 415 555 0100"}});
  EXPECT_EQ(dup.status, 409);
  auto me = call("GET", "/api/v1/me");
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me.body["id"].get<std::string>(), {{"physical_number", "+14155550177"}}).status, 200);
  auto loop = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", "+14155550177"}});
  EXPECT_EQ(loop.status, 409) << "a teammate's own phone can never be a business number";
  auto list = call("GET", "/api/v1/numbers");
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.body["items"][0]["display"], "+1 415-555-0100");
  auto id = list.body["items"][0]["id"].get<std::string>();
  EXPECT_EQ(call("DELETE", "/api/v1/numbers/" + id).status, 200);
  EXPECT_TRUE(call("GET", "/api/v1/numbers").body["items"].empty());
  // A released number can be added again.
  number({{"carrier", "twilio"}, {"number", "+14155550100"}});
}

TEST_F(webhook_test, agent_reply_makes_one_correct_messages_json_post) {
  auto [conv, id] = reply_via_twilio("Your order is ready & waiting");
  ASSERT_TRUE(eventually([&] { return message_status(id).rfind("queued|SMfake1", 0) == 0; })) << message_status(id);
  auto reqs = twilio_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/2010-04-01/Accounts/ACtest/Messages.json");
  EXPECT_EQ(reqs[0].authorization, "Basic QUN0ZXN0OnR3aWxpby10ZXN0LXRva2Vu");  // ACtest:twilio-test-token
  auto form = sb::carriers::parse_form_body(reqs[0].body);
  ASSERT_TRUE(form);
  auto field = [&](const std::string& k) {
    for (auto& [n, v] : *form) if (n == k) return v;
    return std::string("<missing>");
  };
  EXPECT_EQ(field("To"), "+14155550199");
  EXPECT_EQ(field("From"), "+14155550100");
  EXPECT_EQ(field("Body"), "Your order is ready & waiting");
  EXPECT_EQ(field("StatusCallback"), "https://switchboard.example.com/webhooks/twilio/sms/status");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(twilio_.requests().size(), 1u) << "sent exactly once";
  // The carrier's status callback then moves it forward.
  EXPECT_EQ(webhook("/webhooks/twilio/sms/status", {{"MessageSid", "SMfake1"}, {"MessageStatus", "delivered"}},
                    "twilio-test-token").status, 200);
  EXPECT_EQ(message_status(id).rfind("delivered|", 0), 0u);
}

TEST_F(webhook_test, a_500_is_retried_then_succeeds_exactly_once) {
  twilio_.script({{500, "{}"}, {503, "busy"}});
  auto [conv, id] = reply_via_twilio("retry me");
  ASSERT_TRUE(eventually([&] { return message_status(id).rfind("queued|SMfake3", 0) == 0; }, 10s)) << message_status(id);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(twilio_.requests().size(), 3u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE status = 'done' AND attempts = 3"), 1);
}

TEST_F(webhook_test, a_400_fails_at_once_with_the_carriers_reason) {
  twilio_.script({{400, R"({"code":21211,"message":"The 'To' number +14155550199 is not a valid phone number.","status":400})"}});
  auto [conv, id] = reply_via_twilio("never delivered");
  ASSERT_TRUE(eventually([&] { return message_status(id).rfind("failed|", 0) == 0; })) << message_status(id);
  EXPECT_NE(message_status(id).find("21211: The 'To' number"), std::string::npos);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(twilio_.requests().size(), 1u) << "a 4xx is not retried";
  auto thread = call("GET", "/api/v1/conversations/" + conv + "/messages");
  EXPECT_EQ(thread.body["items"].back()["status"], "failed");
  EXPECT_TRUE(thread.body["items"].back()["error"].is_string());
}

TEST_F(webhook_test, a_restart_in_the_middle_of_retries_resumes_and_sends_once) {
  twilio_.script({{500, "{}"}, {500, "{}"}, {500, "{}"}, {500, "{}"}, {500, "{}"}, {500, "{}"}});
  auto [conv, id] = reply_via_twilio("survive a restart");
  ASSERT_TRUE(eventually([&] { return twilio_.requests().size() >= 1; }));
  app_.reset();  // graceful stop with the row still pending
  EXPECT_EQ(count_file("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), 1);
  twilio_.script({});
  sb::app::app_options o{false, {}};
  o.outbox_poll = 50ms;
  o.outbox_retry_base = 100ms;
  app_ = std::make_unique<sbtest::running_app>(cfg_, o);
  ASSERT_TRUE(eventually([&] { return message_status(id).rfind("queued|SMfake", 0) == 0; }, 10s)) << message_status(id);
  std::this_thread::sleep_for(300ms);
  auto reqs = twilio_.requests();
  int successes = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) successes += reqs[i].body.find("survive") != std::string::npos ? 1 : 0;
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE status = 'done'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE external_id LIKE 'SMfake%'"), 1) << "delivered exactly once";
  EXPECT_GE(successes, 2);
}

TEST_F(webhook_test, sends_from_one_number_are_paced_by_its_token_bucket) {
  auto [conv, first] = reply_via_twilio("one");
  for (auto body : {"two", "three", "four", "five", "six"})
    ASSERT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", body}}).status, 201);
  ASSERT_TRUE(eventually([&] { return twilio_.requests().size() == 6; }, 10s));
  auto reqs = twilio_.requests();
  // 5 per second per number: six sends span at least five intervals of 200 ms. Measured
  // over the whole run (arrival times at the fake), so a slow first connection on a
  // loaded machine cannot make two neighbours look close; unpaced, all six arrive at once.
  EXPECT_GE(reqs.back().at - reqs.front().at, 700ms);
}
