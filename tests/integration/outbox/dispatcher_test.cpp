// The outbox dispatcher against fake carriers on loopback, over the daemon's real
// HTTP API and signed webhooks: what Twilio's and SignalWire's REST APIs receive
// (Messages.json and Calls.json, form fields and Basic credentials), texts
// forwarded to a teammate's phone, sends that give up after the attempt limit,
// and the lease that keeps a slow or interrupted send from going out twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "support/api_client.hpp"
#include "support/fake_carrier.hpp"
#include "support/process.hpp"
#include "support/test_support.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/outbox/retry.hpp"

using sbtest::eventually;

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string public_url = "https://switchboard.example.com";
const std::string teammate_phone = "+14155550150";  // the admin's own mobile
const std::string twilio_line = "+14155550100";
const std::string signalwire_line = "+14155550101";
const std::string twilio_customer = "+14155550177";
const std::string signalwire_customer = "+14155550188";
const std::string signing_key = "PSKtest1234567890abcdef";
// base64("ACtest:twilio-test-token") and base64("PJtest:sw-token"), spelled out
// so the test does not share the daemon's encoder.
const std::string twilio_basic = "Basic QUN0ZXN0OnR3aWxpby10ZXN0LXRva2Vu";
const std::string signalwire_basic = "Basic UEp0ZXN0OnN3LXRva2Vu";

// One carrier's side of a test: its fake REST API, line, customer and credentials.
struct carrier_case {
  std::string name;  // twilio or signalwire
  sbtest::fake_carrier* fake;
  std::string line, customer, account, basic, prefix;
};

std::vector<sbtest::fake_carrier::seen> requests_to(sbtest::fake_carrier& fake, const std::string& op,
                                                   const std::string& to) {
  std::vector<sbtest::fake_carrier::seen> out;
  for (auto& r : fake.requests(op))
    if (r.field("To") == to) out.push_back(r);
  return out;
}

std::size_t count_body(sbtest::fake_carrier& fake, const std::string& body) {
  std::size_t n = 0;
  for (auto& r : fake.requests("message"))
    if (r.field("Body") == body) ++n;
  return n;
}

// A form POST signed as the carrier signs it (SignalWire's LaML webhooks use
// Twilio's scheme with the project's signing key).
sbtest::api_reply signed_webhook(std::uint16_t port, const std::string& carrier, const std::string& path,
                                 const sb::carriers::param_list& params) {
  bool tw = carrier == "twilio";
  return sbtest::post_signed(port, public_url, tw ? "twilio-test-token" : signing_key, path, params,
                             tw ? "X-Twilio-Signature" : "X-SignalWire-Signature");
}

class dispatcher_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = public_url;
    cfg_.twilio = {"ACtest", "twilio-test-token", twilio_.base()};
    cfg_.signalwire = {"PJtest", "sw-token", signing_key, signalwire_api_base()};
    cfg_.sms_per_second_per_number = 1000;  // pacing is not under test here
    sb::app::app_options o{false, {}};
    o.outbox_poll = 20ms;
    o.outbox_retry_base = 10ms;  // eight attempts take about 1.3 s in all
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    auto p = call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", teammate_phone}});
    ASSERT_EQ(p.status, 200) << p.raw;
    for (auto& [carrier, line] : {std::pair{"twilio", twilio_line}, std::pair{"signalwire", signalwire_line}}) {
      auto n = call("POST", "/api/v1/numbers", {{"carrier", carrier}, {"number", line}, {"owner_teammate_id", me_}});
      ASSERT_EQ(n.status, 201) << n.raw;
    }
  }

  // Where the daemon finds SignalWire's REST API.
  virtual std::string signalwire_api_base() { return signalwire_.base(); }

  std::vector<carrier_case> carriers() {
    return {{"twilio", &twilio_, twilio_line, twilio_customer, "ACtest", twilio_basic, ""},
            {"signalwire", &signalwire_, signalwire_line, signalwire_customer, "PJtest", signalwire_basic,
             "/api/laml"}};
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  // The customer texts the line through its carrier's signed webhook; returns the conversation id.
  std::string customer_texts(const carrier_case& c, const std::string& body) {
    static int n = 0;
    auto r = signed_webhook(app_->port(), c.name, "/webhooks/" + c.name + "/sms",
                            {{"MessageSid", "SM" + std::to_string(++n) + std::string(30, 'a')},
                             {"AccountSid", c.account},
                             {"From", c.customer},
                             {"To", c.line},
                             {"Body", body},
                             {"NumMedia", "0"}});
    EXPECT_EQ(r.status, 200) << r.raw;
    auto list = call("GET", "/api/v1/conversations");
    for (auto& conv : list.body["items"])
      if (conv["contact"]["phone"] == c.customer) return conv["id"].get<std::string>();
    ADD_FAILURE() << "no conversation with " << c.customer << ": " << list.raw;
    return "";
  }

  // An agent's reply in the inbox; returns the message id.
  std::string agent_replies(const std::string& conversation, const std::string& body) {
    auto r = call("POST", "/api/v1/conversations/" + conversation + "/messages", {{"body", body}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.is_object() && r.body["id"].is_string() ? r.body["id"].get<std::string>() : "";
  }

  json message(const std::string& conversation, const std::string& id) {
    auto thread = call("GET", "/api/v1/conversations/" + conversation + "/messages");
    for (auto& m : thread.body["items"])
      if (m["id"] == id) return m;
    return json::object();
  }

  // The outbox row that sends message `id` (no API shows it).
  struct outbox_row {
    std::string status, last_error, next_attempt_at;
    std::int64_t attempts = -1;
  };
  outbox_row row_of(const std::string& message_id) {
    auto r = app_->get().db().read_sync([message_id](sb::store::database& db) {
      auto& q = db.prepare(
          "SELECT status, COALESCE(last_error, ''), next_attempt_at, attempts FROM outbox"
          " WHERE json_extract(payload, '$.message_id') = ?1");
      q.bind(1, static_cast<std::int64_t>(std::stoll(message_id)));
      outbox_row out;
      if (q.step()) out = {q.column_text(0), q.column_text(1), q.column_text(2), q.column_int(3)};
      q.reset();
      return out;
    });
    return r ? *r : outbox_row{};
  }

  // Every outbox row, for failure messages.
  std::string outbox_rows() {
    auto r = app_->get().db().read_sync([](sb::store::database& db) {
      auto& q = db.prepare(
          "SELECT id || ' ' || kind || ' ' || payload || ' ' || status || ' ' || attempts || ' '"
          " || COALESCE(last_error, '') || ' ' || next_attempt_at FROM outbox ORDER BY id");
      std::string out;
      while (q.step()) {
        out += '\n';
        out += q.column_text(0);
      }
      q.reset();
      return out;
    });
    return r ? *r : "";
  }

  sbtest::fake_carrier twilio_;
  sbtest::fake_carrier signalwire_{"/api/laml"};
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_;
};

}  // namespace

// A reply reaches each carrier's Messages.json as that carrier expects it.
TEST_F(dispatcher_test, replies_post_messages_json_to_twilio_and_signalwire_in_their_form) {
  for (auto& c : carriers()) {
    SCOPED_TRACE(c.name);
    auto conv = customer_texts(c, "Is my order ready?");
    auto id = agent_replies(conv, "Yes, ready & waiting");
    ASSERT_TRUE(eventually([&] { return requests_to(*c.fake, "message", c.customer).size() == 1; }));
    auto r = requests_to(*c.fake, "message", c.customer)[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, c.prefix + "/2010-04-01/Accounts/" + c.account + "/Messages.json");
    EXPECT_EQ(r.authorization, c.basic);
    EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(r.field("To"), c.customer);
    EXPECT_EQ(r.field("From"), c.line);
    EXPECT_EQ(r.field("Body"), "Yes, ready & waiting");
    EXPECT_EQ(r.field("StatusCallback"), public_url + "/webhooks/" + c.name + "/sms/status");
    EXPECT_TRUE(eventually([&] { return row_of(id).status == "done"; })) << row_of(id).status << outbox_rows();
  }
}

// Click-to-call: the line rings the teammate's own phone through Calls.json; when they
// answer, the carrier fetches Url (the <Dial> to the customer).
TEST_F(dispatcher_test, click_to_call_posts_calls_json_to_twilio_and_signalwire) {
  for (auto& c : carriers()) {
    SCOPED_TRACE(c.name);
    auto conv = customer_texts(c, "Please call me");
    auto placed = call("POST", "/api/v1/conversations/" + conv + "/call");
    ASSERT_EQ(placed.status, 202) << placed.raw;
    auto item = placed.body["id"].get<std::string>();
    ASSERT_TRUE(eventually([&] { return c.fake->requests("call").size() == 1; }));
    auto r = c.fake->requests("call")[0];
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.path, c.prefix + "/2010-04-01/Accounts/" + c.account + "/Calls.json");
    EXPECT_EQ(r.authorization, c.basic);
    EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(r.field("To"), teammate_phone) << "the teammate's phone rings first";
    EXPECT_EQ(r.field("From"), c.line) << "from the conversation's line";
    EXPECT_EQ(r.field("Url"), public_url + "/webhooks/" + c.name + "/voice/click-to-call?item=" + item);
    EXPECT_EQ(r.field("StatusCallback"), public_url + "/webhooks/" + c.name + "/voice/status");
    EXPECT_TRUE(c.fake->requests("message").empty());
    // The call item keeps the carrier's SID, which its status callbacks name.
    json m;
    EXPECT_TRUE(eventually([&] {
      m = message(conv, item);
      return m["status"] == "sent";
    })) << m.dump();
    EXPECT_EQ(m["metadata"].value("call_sid", "").rfind("CAfake", 0), 0u) << m.dump();
  }
}

// A customer's text to a teammate's line is forwarded to the teammate's own phone,
// from the line, with the customer's words, through the line's own carrier.
TEST_F(dispatcher_test, texts_to_a_teammates_line_reach_their_phone_through_twilio_and_signalwire) {
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"sms_forwarding", "phone"}}).status, 200);
  for (auto& c : carriers()) {
    SCOPED_TRACE(c.name);
    customer_texts(c, "Do you open on Sunday via " + c.name + "?");
    ASSERT_TRUE(eventually([&] { return requests_to(*c.fake, "message", teammate_phone).size() == 1; }));
    auto r = requests_to(*c.fake, "message", teammate_phone)[0];
    EXPECT_EQ(r.path, c.prefix + "/2010-04-01/Accounts/" + c.account + "/Messages.json");
    EXPECT_EQ(r.authorization, c.basic);
    EXPECT_EQ(r.field("From"), c.line);
    EXPECT_NE(r.field("Body").find("Do you open on Sunday via " + c.name + "?"), std::string::npos)
        << r.field("Body");
    EXPECT_EQ(r.field("Body").rfind("@", 0), 0u) << "with the selector to answer by: " << r.field("Body");
    EXPECT_EQ(r.field("StatusCallback"), public_url + "/webhooks/" + c.name + "/sms/status");
  }
  // Forwards go to the teammate only; the customers got nothing.
  EXPECT_TRUE(requests_to(twilio_, "message", twilio_customer).empty());
  EXPECT_TRUE(requests_to(signalwire_, "message", signalwire_customer).empty());
  EXPECT_TRUE(signalwire_.requests("message").size() == 1 && twilio_.requests("message").size() == 1);
}

// Retryable errors (5xx) are retried, then the message fails once the attempt limit
// is reached, visibly, and nothing more is sent.
TEST_F(dispatcher_test, a_carrier_that_keeps_failing_is_given_up_after_the_attempt_limit) {
  const int limit = sb::outbox::max_attempts;
  for (int i = 0; i < limit + 20; ++i) {
    twilio_.fail_next("message", 500, R"({"code":20500,"message":"Internal Server Error","status":500})");
    signalwire_.fail_next("message", 503, "");
  }
  std::vector<std::pair<std::string, std::string>> sent;  // conversation, message
  for (auto& c : carriers()) {
    auto conv = customer_texts(c, "Hello?");
    sent.emplace_back(conv, agent_replies(conv, "We are on it"));
  }
  for (std::size_t i = 0; i < sent.size(); ++i) {
    auto& [conv, id] = sent[i];
    SCOPED_TRACE(carriers()[i].name);
    json m;
    EXPECT_TRUE(eventually([&] {
      m = message(conv, id);
      return m["status"] == "failed";
    }, 20s)) << m.dump() << " after " << carriers()[i].fake->requests("message").size() << " attempts";
    EXPECT_FALSE(m["error"].is_null()) << m.dump();
    auto row = row_of(id);
    EXPECT_EQ(row.status, "failed");
    EXPECT_EQ(row.attempts, limit);
    EXPECT_NE(row.last_error.find(i == 0 ? "20500" : "HTTP 503"), std::string::npos) << row.last_error;
    EXPECT_EQ(static_cast<int>(carriers()[i].fake->requests("message").size()), limit);
  }
}

namespace {

// SignalWire configured where nothing listens (port 1): every connection is refused.
class dispatcher_unreachable_test : public dispatcher_test {
 protected:
  std::string signalwire_api_base() override { return "http://127.0.0.1:1"; }
};

}  // namespace

// Nothing listening where the carrier should be: each attempt fails to connect,
// and the message fails after the attempt limit.
TEST_F(dispatcher_unreachable_test, a_carrier_that_refuses_connections_is_given_up_after_the_attempt_limit) {
  auto c = carriers()[1];
  auto conv = customer_texts(c, "Anyone there?");
  auto id = agent_replies(conv, "Yes, here");
  json m;
  EXPECT_TRUE(eventually([&] {
    m = message(conv, id);
    return m["status"] == "failed";
  }, 20s)) << m.dump() << " " << row_of(id).attempts << " attempts";
  auto row = row_of(id);
  EXPECT_EQ(row.status, "failed");
  EXPECT_EQ(row.attempts, sb::outbox::max_attempts);
  EXPECT_FALSE(row.last_error.empty());
  EXPECT_TRUE(signalwire_.requests().empty());
}

// A carrier slower than the poll interval, with the dispatcher woken by more replies
// meanwhile: every message is posted exactly once. While its answer is awaited,
// the row is leased (not due again) so no pass may pick it a second time.
TEST_F(dispatcher_test, a_slow_carrier_gets_exactly_one_request_per_message) {
  auto c = carriers()[0];
  auto conv = customer_texts(c, "Three questions");
  twilio_.delay("message", 400ms);  // 20 poll intervals
  auto first = agent_replies(conv, "Answer one");
  ASSERT_TRUE(eventually([&] { return count_body(twilio_, "Answer one") == 1; }));
  // In flight: the row is pending but due only when its lease ends, minutes away.
  auto held = row_of(first);
  EXPECT_EQ(held.status, "pending");
  EXPECT_GT(held.next_attempt_at, sb::format_rfc3339(std::chrono::system_clock::now() + 1min))
      << "a row being sent must not be due again";
  std::vector<std::string> ids = {first, agent_replies(conv, "Answer two"), agent_replies(conv, "Answer three")};
  for (auto& id : ids) EXPECT_TRUE(eventually([&] { return row_of(id).status == "done"; })) << id;
  EXPECT_EQ(count_body(twilio_, "Answer one"), 1u);
  EXPECT_EQ(count_body(twilio_, "Answer two"), 1u);
  EXPECT_EQ(count_body(twilio_, "Answer three"), 1u);
  EXPECT_EQ(twilio_.requests("message").size(), 3u);
}

// Issue 18: a reply queued before the customer opted out is not sent when its turn
// comes: it fails with the reason, and the carrier never hears of it. The answers
// to the customer's own keywords go, though they are opted out by then.
TEST_F(dispatcher_test, a_reply_queued_before_an_opt_out_is_refused_at_send_time_but_keyword_answers_go) {
  auto tw = carriers()[0];
  auto conv = customer_texts(tw, "Two questions");
  twilio_.delay("message", 1500ms);  // holds the dispatcher on the first send
  auto first = agent_replies(conv, "Answer one");
  ASSERT_TRUE(eventually([&] { return count_body(twilio_, "Answer one") == 1; }));
  auto second = agent_replies(conv, "Answer two");  // accepted: not opted out yet
  ASSERT_FALSE(second.empty());
  auto contact = call("GET", "/api/v1/conversations/" + conv).body["contact_id"].get<std::string>();
  auto out = call("POST", "/api/v1/contacts/" + contact + "/consent", {{"state", "opted_out"}, {"note", "on the phone"}});
  ASSERT_EQ(out.status, 201) << out.raw;
  ASSERT_EQ(row_of(second).status, "pending") << "the opt-out must land before the dispatcher reaches it";
  EXPECT_TRUE(eventually([&] { return row_of(second).status == "failed"; })) << outbox_rows();
  EXPECT_EQ(row_of(second).last_error, "OPTED_OUT: the recipient opted out of texts");
  auto m = message(conv, second);
  EXPECT_EQ(m["status"], "failed") << m.dump();
  EXPECT_EQ(m["error"], "OPTED_OUT: the recipient opted out of texts") << m.dump();
  EXPECT_TRUE(eventually([&] { return row_of(first).status == "done"; }));
  EXPECT_EQ(count_body(twilio_, "Answer two"), 0u);
  EXPECT_EQ(requests_to(twilio_, "message", tw.customer).size(), 1u);

  // STOP, then HELP: both answered through the carrier though the sender is opted out.
  auto sw = carriers()[1];
  auto stop_conv = customer_texts(sw, "STOP");
  ASSERT_TRUE(eventually([&] { return requests_to(signalwire_, "message", sw.customer).size() == 1; }))
      << outbox_rows();
  EXPECT_EQ(requests_to(signalwire_, "message", sw.customer)[0].field("Body").rfind("You are unsubscribed from", 0), 0u);
  customer_texts(sw, "HELP");
  ASSERT_TRUE(eventually([&] { return requests_to(signalwire_, "message", sw.customer).size() == 2; }))
      << outbox_rows();
  auto thread = call("GET", "/api/v1/conversations/" + stop_conv + "/messages").body["items"];
  for (auto& item : thread) {
    if (item["direction"] == "outbound") {
      EXPECT_NE(item["status"], "failed") << item.dump();
    }
  }
}

namespace {

std::uint16_t port_from(const std::string& line) {
  // "switchboard X listening on http://127.0.0.1:PORT (public URL ...)"
  auto p = line.find("127.0.0.1:");
  return static_cast<std::uint16_t>(std::stoi(line.substr(p + 10)));
}

}  // namespace

// The daemon dies (kill -9) while the carrier has not yet answered a send: on restart
// the send is not repeated at once (the carrier may have taken it); its lease must end
// first. Other messages go out meanwhile.
TEST(dispatcher_crash, a_send_cut_off_by_a_crash_is_not_repeated_at_restart) {
  sbtest::fake_carrier twilio;
  twilio.delay("message", 5s);  // longer than the daemon lives
  sbtest::temp_dir dir;
  std::vector<std::string> env = {"SWITCHBOARD_BOOTSTRAP_ADMIN_PASSWORD=admin-password-1",
                                  "SWITCHBOARD_LOG_ACCESS=false",
                                  "SWITCHBOARD_PUBLIC_URL=" + public_url,
                                  "SWITCHBOARD_CARRIERS_TWILIO_ACCOUNT_SID=ACtest",
                                  "SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN=twilio-test-token",
                                  "SWITCHBOARD_CARRIERS_TWILIO_API_BASE=" + twilio.base(),
                                  "SWITCHBOARD_CARRIERS_SMS_PER_SECOND_PER_NUMBER=1000"};
  std::vector<std::string> argv = {SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path()};
  std::string token, conv;
  auto api = [&](std::uint16_t port, const std::string& method, const std::string& path, const json& body) {
    return sbtest::api_call(port, method, path, token, body).body;
  };
  {
    sbtest::child_process daemon(argv, env);
    auto listening = daemon.wait_for("listening on");
    ASSERT_TRUE(listening) << daemon.drain_stderr();
    auto port = port_from(*listening);
    token = sbtest::login(port, "admin@switchboard.local", "admin-password-1");
    ASSERT_FALSE(token.empty());
    ASSERT_TRUE(api(port, "POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", twilio_line}}).contains("id"));
    auto r = signed_webhook(port, "twilio", "/webhooks/twilio/sms",
                            {{"MessageSid", "SM" + std::string(32, 'c')}, {"From", twilio_customer},
                             {"To", twilio_line}, {"Body", "Where is my parcel?"}, {"NumMedia", "0"}});
    ASSERT_EQ(r.status, 200) << r.raw;
    conv = api(port, "GET", "/api/v1/conversations", nullptr)["items"][0]["id"].get<std::string>();
    ASSERT_TRUE(api(port, "POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "It ships today"}})
                    .contains("id"));
    ASSERT_TRUE(eventually([&] { return count_body(twilio, "It ships today") == 1; }));
    daemon.signal(SIGKILL);  // while the carrier holds its answer
    EXPECT_EQ(daemon.wait(), 128 + SIGKILL);
  }
  twilio.delay("message", 0ms);
  sbtest::child_process daemon(argv, env);
  auto listening = daemon.wait_for("listening on");
  ASSERT_TRUE(listening) << daemon.drain_stderr();
  auto port = port_from(*listening);
  // A later reply goes out: passes have run since the restart, and the cut-off send
  // was not among them.
  ASSERT_TRUE(api(port, "POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Tracking: 42"}})
                  .contains("id"));
  EXPECT_TRUE(eventually([&] { return count_body(twilio, "Tracking: 42") == 1; }));
  EXPECT_EQ(count_body(twilio, "It ships today"), 1u) << "sent again at restart, before its lease ended";
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(), 0);
}

namespace {

// The carrier SID a message was last sent under (no API shows it).
std::string sid_of(sbtest::running_app& app, const std::string& message_id) {
  auto r = app.get().db().read_sync([message_id](sb::store::database& db) {
    auto& q = db.prepare("SELECT COALESCE(external_id, '') FROM messages WHERE id = ?1");
    q.bind(1, static_cast<std::int64_t>(std::stoll(message_id)));
    std::string out = q.step() ? q.column_text(0) : "";
    q.reset();
    return out;
  });
  return r ? *r : "";
}

}  // namespace

// Issue 18: the carrier reports a reply undelivered with 30003; the message says
// why in words, Retry sends the same message again through the carrier, a late
// report about the failed send changes nothing, and the new send is delivered.
TEST_F(dispatcher_test, issue18_an_undelivered_reply_is_explained_and_retry_delivers_it) {
  auto c = carriers()[0];
  auto conv = customer_texts(c, "Where is my parcel?");
  auto id = agent_replies(conv, "It left our warehouse today");
  std::string first_sid;
  ASSERT_TRUE(eventually([&] { return !(first_sid = sid_of(*app_, id)).empty(); })) << outbox_rows();
  auto report = [&](const std::string& sid, const std::string& status, const std::string& code) {
    sb::carriers::param_list p{{"MessageSid", sid}, {"MessageStatus", status}, {"AccountSid", c.account},
                               {"To", c.customer}, {"From", c.line}};
    if (!code.empty()) p.push_back({"ErrorCode", code});
    auto r = signed_webhook(app_->port(), c.name, "/webhooks/" + c.name + "/sms/status", p);
    EXPECT_EQ(r.status, 200) << r.raw;
  };
  report(first_sid, "undelivered", "30003");
  auto m = message(conv, id);
  EXPECT_EQ(m["status"], "failed") << m.dump();
  EXPECT_EQ(m["error"], "carrier error 30003") << m.dump();
  EXPECT_EQ(m["error_code"], "30003") << m.dump();
  EXPECT_NE(m.value("error_explanation", "").find("unreachable"), std::string::npos) << m.dump();

  auto retried = call("POST", "/api/v1/conversations/" + conv + "/messages/" + id + "/retry");
  ASSERT_EQ(retried.status, 200) << retried.raw;
  EXPECT_EQ(retried.body["id"], id) << "the same message is sent again";
  EXPECT_EQ(retried.body["status"], "queued");
  EXPECT_TRUE(retried.body["error"].is_null()) << retried.raw;
  EXPECT_TRUE(retried.body["error_code"].is_null()) << retried.raw;
  EXPECT_TRUE(retried.body["error_explanation"].is_null()) << retried.raw;
  EXPECT_EQ(retried.body["metadata"].value("retries", 0), 1) << retried.raw;

  ASSERT_TRUE(eventually([&] { return requests_to(twilio_, "message", c.customer).size() == 2; })) << outbox_rows();
  auto again = requests_to(twilio_, "message", c.customer)[1];
  EXPECT_EQ(again.field("Body"), "It left our warehouse today");
  EXPECT_EQ(again.field("From"), c.line);
  std::string second_sid;
  ASSERT_TRUE(eventually([&] {
    second_sid = sid_of(*app_, id);
    return !second_sid.empty() && second_sid != first_sid;
  })) << outbox_rows();
  // A late report about the failed send no longer finds the message.
  report(first_sid, "failed", "30003");
  EXPECT_EQ(message(conv, id)["status"], "queued");
  report(second_sid, "delivered", "");
  m = message(conv, id);
  EXPECT_EQ(m["status"], "delivered") << m.dump();
  EXPECT_TRUE(m["error_code"].is_null()) << m.dump();
  EXPECT_EQ(requests_to(twilio_, "message", c.customer).size(), 2u) << "sent once per Retry, no more";
  // Delivered: nothing to retry.
  auto twice = call("POST", "/api/v1/conversations/" + conv + "/messages/" + id + "/retry");
  EXPECT_EQ(twice.status, 409) << twice.raw;
  EXPECT_EQ(twice.body["error"]["code"], "CONFLICT") << twice.raw;
}

// Issue 18: a send the carrier refuses carries its code and explanation; Retry
// refuses what is not a failed public SMS reply, and a customer who opted out
// (21610) is not texted again.
TEST_F(dispatcher_test, issue18_retry_refuses_all_but_a_failed_reply_and_honours_an_opt_out) {
  auto c = carriers()[1];  // SignalWire answers with Twilio's codes
  c.fake->fail_next("message", 400, R"({"code":21211,"message":"The 'To' number is not a valid phone number.","status":400})");
  auto conv = customer_texts(c, "Hello?");
  auto id = agent_replies(conv, "Hi, how can we help?");
  json m;
  ASSERT_TRUE(eventually([&] {
    m = message(conv, id);
    return m["status"] == "failed";
  })) << m.dump();
  EXPECT_EQ(m["error_code"], "21211") << m.dump();
  EXPECT_NE(m.value("error_explanation", "").find("not a valid phone number"), std::string::npos) << m.dump();

  auto retry = [&](const std::string& cid, const std::string& mid) {
    return call("POST", "/api/v1/conversations/" + cid + "/messages/" + mid + "/retry");
  };
  auto thread = call("GET", "/api/v1/conversations/" + conv + "/messages").body["items"];
  auto inbound = thread[0]["id"].get<std::string>();
  ASSERT_EQ(thread[0]["direction"], "inbound");
  auto note = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "check the number"}, {"private", true}});
  ASSERT_EQ(note.status, 201) << note.raw;
  for (auto& mid : {inbound, note.body["id"].get<std::string>()}) {
    auto r = retry(conv, mid);
    EXPECT_EQ(r.status, 409) << mid << " " << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "CONFLICT") << r.raw;
  }
  EXPECT_EQ(retry(conv, "999999").status, 404);
  auto other = customer_texts(carriers()[0], "Another customer");
  auto elsewhere = retry(other, id);
  EXPECT_EQ(elsewhere.status, 404) << "a message of another conversation: " << elsewhere.raw;

  // The carrier now says the customer opted out: the retry fails with 21610, which
  // the consent ledger records, and the next Retry queues nothing.
  c.fake->fail_next("message", 400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400})");
  ASSERT_EQ(retry(conv, id).status, 200);
  ASSERT_TRUE(eventually([&] {
    m = message(conv, id);
    return m["status"] == "failed";
  })) << m.dump();
  EXPECT_EQ(m["error_code"], "21610") << m.dump();
  EXPECT_NE(m.value("error_explanation", "").find("opted out"), std::string::npos) << m.dump();
  auto sent = requests_to(*c.fake, "message", c.customer).size();
  auto refused = retry(conv, id);
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_EQ(refused.body["error"]["code"], "OPTED_OUT") << refused.raw;
  EXPECT_EQ(message(conv, id)["status"], "failed");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(requests_to(*c.fake, "message", c.customer).size(), sent);
}
