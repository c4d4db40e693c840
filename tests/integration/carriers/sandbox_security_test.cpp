// The sandbox carrier's endpoints against the real server (issue 16 item 14):
// anonymous callers are refused, a teammate reaches only their own workspace's
// lines and texts, callers are rate-limited and texts bounded, and
// carriers.sandbox.enabled = auto turns the sandbox off once a real carrier is
// configured.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class sandbox_security_test : public ::testing::Test {
 protected:
  void start(int per_minute = 10000) {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.sandbox_requests_per_minute = per_minute;
    app_ = std::make_unique<sbtest::running_app>(cfg_, sb::app::app_options{false, {}});
    admin_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(admin_.empty());
    auto me = call("GET", "/api/v1/me", admin_);
    auto n = call("POST", "/api/v1/numbers", admin_, {{"carrier", "sandbox"}, {"owner_teammate_id", me.body["id"]}});
    ASSERT_EQ(n.status, 201) << n.raw;
    line_a_ = n.body["number"].get<std::string>();

    // A second workspace, with its owner and its own sandbox line.
    auto hash = sb::auth::hash_password("other-password");
    auto w = app_->get().db().write_sync([&](sb::store::database& db) {
      db.prepare("INSERT INTO workspaces(name, created_at) VALUES ('B', '2026-01-01T00:00:00.000Z')").run();
      auto ws = db.last_insert_rowid();
      db.prepare("INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
                 " VALUES (?1, 'bob@b.example', 'Bob Other', 'owner', ?2, '2026-01-01T00:00:00.000Z')")
          .bind_all(ws, hash)
          .run();
    });
    ASSERT_TRUE(w);
    bob_ = login("bob@b.example", "other-password");
    ASSERT_FALSE(bob_.empty());
    auto bob_me = call("GET", "/api/v1/me", bob_);
    auto nb = call("POST", "/api/v1/numbers", bob_, {{"carrier", "sandbox"}, {"owner_teammate_id", bob_me.body["id"]}});
    ASSERT_EQ(nb.status, 201) << nb.raw;
    line_b_ = nb.body["number"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const std::string& token = "",
                         const json& body = nullptr, const std::string& extra = "") {
    return sbtest::api_call(app_->port(), method, path, token, body, extra);
  }

  std::string login(const std::string& email, const std::string& password) {
    return sbtest::login(app_->port(), email, password);
  }

  // Workspace A's customer texts its line and A's agent replies (what the issue read back).
  std::string secret_reply_to(const std::string& phone) {
    auto sent = call("POST", "/api/sandbox/v1/messages", admin_, {{"from", phone}, {"to", line_a_}, {"body", "code?"}});
    EXPECT_EQ(sent.status, 201) << sent.raw;
    auto convs = call("GET", "/api/v1/conversations", admin_);
    auto id = convs.body["items"][0]["id"].get<std::string>();
    auto r = call("POST", "/api/v1/conversations/" + id + "/messages", admin_,
                  {{"body", "Your verification code is 482913"}});
    EXPECT_EQ(r.status, 201) << r.raw;
    // Delivered through the sandbox: visible to A.
    for (int i = 0; i < 500; ++i) {
      auto inbox = call("GET", "/api/sandbox/v1/messages?phone=" + sb::carriers::form_encode(phone), admin_);
      if (inbox.raw.find("482913") != std::string::npos) break;
      std::this_thread::sleep_for(10ms);
    }
    return phone;
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string admin_, bob_, line_a_, line_b_;
};

}  // namespace

// Issue 16 item 14: before the fix every one of these answered anonymously.
TEST_F(sandbox_security_test, issue16_item14_every_sandbox_endpoint_needs_a_signed_in_teammate) {
  start();
  auto phone = secret_reply_to("+14155550123");
  for (auto [method, path, body] : std::vector<std::tuple<std::string, std::string, json>>{
           {"GET", "/api/sandbox/v1/numbers", nullptr},
           {"GET", "/api/sandbox/v1/messages?phone=%2B14155550123", nullptr},
           {"POST", "/api/sandbox/v1/messages", json{{"from", "+14155550199"}, {"to", line_a_}, {"body", "spoof"}}},
           {"POST", "/api/sandbox/v1/calls", json{{"from", "+14155550199"}, {"to", line_a_}}},
           {"POST", "/api/sandbox/v1/calls/CA0123456789abcdef0123456789abcdef/events",
            json{{"from", "+14155550199"}, {"to", line_a_}, {"url", "/webhooks/sandbox/voice/status"}}}}) {
    auto r = call(method, path, "", body);
    EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.raw;
    EXPECT_EQ(r.code(), "NOT_AUTHENTICATED") << path;
    auto forged = call(method, path, "sbs_not-a-real-token", body);
    EXPECT_EQ(forged.status, 401) << path;
    auto wrong_key = call(method, path, "", body, "X-Sandbox-Key: " + std::string(64, 'a') + "\r\n");
    EXPECT_EQ(wrong_key.status, 401) << path;
  }
  EXPECT_THROW(sbtest::ws_client(app_->port(), "/ws/sandbox?phone=%2B14155550123"), std::exception);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'spoof'"), 0);
  // Signed in, it works.
  EXPECT_EQ(call("GET", "/api/sandbox/v1/numbers", admin_).status, 200);
  sbtest::ws_client ok(app_->port(), "/ws/sandbox?phone=%2B14155550123&token=" + admin_);
  EXPECT_TRUE(ok.wait_event("ready"));
}

// Issue 16 items 8 and 14: the sandbox socket hears texts to a customer's phone, so
// signing out closes it (1008) like an agent socket.
TEST_F(sandbox_security_test, issue16_item8_signing_out_closes_the_sandbox_socket) {
  start();
  auto token = login(cfg_.bootstrap.admin_email, "admin-password-1");
  sbtest::ws_client phone(app_->port(), "/ws/sandbox?phone=%2B14155550123&token=" + token);
  ASSERT_TRUE(phone.wait_event("ready"));
  sbtest::ws_client other(app_->port(), "/ws/sandbox?phone=%2B14155550123&token=" + admin_);
  ASSERT_TRUE(other.wait_event("ready"));
  ASSERT_EQ(call("POST", "/api/v1/auth/logout", token).status, 200);
  EXPECT_EQ(phone.wait_close(5s), std::optional<std::uint16_t>(1008));
  // Another session's socket stays open.
  other.send(R"({"type":"ping"})");
  EXPECT_TRUE(other.wait_event("pong"));
}

// Issue 16 item 14: another workspace's teammate cannot read texts sent to
// A's customers, spoof texts or calls to A's lines, or list A's lines.
TEST_F(sandbox_security_test, issue16_item14_a_teammate_reaches_only_their_own_workspace) {
  start();
  auto phone = secret_reply_to("+14155550123");
  auto theirs = call("GET", "/api/sandbox/v1/messages?phone=%2B14155550123", bob_);
  ASSERT_EQ(theirs.status, 200) << theirs.raw;
  EXPECT_TRUE(theirs.body["items"].empty()) << theirs.raw;
  auto mine = call("GET", "/api/sandbox/v1/messages?phone=%2B14155550123", admin_);
  EXPECT_NE(mine.raw.find("482913"), std::string::npos) << mine.raw;
  auto both = call("GET", "/api/sandbox/v1/messages?phone=%2B14155550123&line=" + sb::carriers::form_encode(line_a_), bob_);
  EXPECT_TRUE(both.body["items"].empty()) << both.raw;

  auto lines = call("GET", "/api/sandbox/v1/numbers", bob_);
  ASSERT_EQ(lines.status, 200);
  ASSERT_EQ(lines.body["items"].size(), 1u) << lines.raw;
  EXPECT_EQ(lines.body["items"][0]["number"], line_b_);
  EXPECT_EQ(lines.raw.find("Demo"), std::string::npos);
  auto a_lines = call("GET", "/api/sandbox/v1/numbers", admin_);
  ASSERT_EQ(a_lines.body["items"].size(), 1u) << a_lines.raw;
  EXPECT_EQ(a_lines.body["items"][0]["number"], line_a_);

  auto spoof = call("POST", "/api/sandbox/v1/messages", bob_, {{"from", "+14155550199"}, {"to", line_a_}, {"body", "spoof"}});
  EXPECT_EQ(spoof.status, 404) << spoof.raw;
  EXPECT_EQ(spoof.code(), "NOT_FOUND");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'spoof'"), 0);
  auto dial = call("POST", "/api/sandbox/v1/calls", bob_, {{"from", "+14155550199"}, {"to", line_a_}});
  EXPECT_EQ(dial.status, 404) << dial.raw;
  auto step = call("POST", "/api/sandbox/v1/calls/CA0123456789abcdef0123456789abcdef/events", bob_,
                   {{"from", "+14155550199"}, {"to", line_a_}, {"url", "/webhooks/sandbox/voice/status"}});
  EXPECT_EQ(step.status, 404) << step.raw;
  // Their own line works.
  EXPECT_EQ(call("POST", "/api/sandbox/v1/messages", bob_, {{"from", "+14155550199"}, {"to", line_b_}, {"body", "hi"}}).status, 201);

  // Live: B's socket on the same phone hears nothing of A's replies; A's does.
  sbtest::ws_client bob_ws(app_->port(), "/ws/sandbox?phone=%2B14155550123&token=" + bob_);
  ASSERT_TRUE(bob_ws.wait_event("ready"));
  sbtest::ws_client a_ws(app_->port(), "/ws/sandbox?phone=%2B14155550123&token=" + admin_);
  ASSERT_TRUE(a_ws.wait_event("ready"));
  auto convs = call("GET", "/api/v1/conversations", admin_);
  auto id = convs.body["items"][0]["id"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + id + "/messages", admin_, {{"body", "second code 777111"}}).status, 201);
  auto heard = a_ws.wait_event("sandbox.message");
  ASSERT_TRUE(heard);
  EXPECT_EQ((*heard)["data"]["body"], "second code 777111");
  // The hub queued the event on every subscriber before A read it; a ping on
  // B's socket now answers with the next frame B has: the pong, not the text.
  bob_ws.send(R"({"type":"ping"})");
  auto next = bob_ws.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(json::parse(*next)["type"], "pong") << "another workspace's socket hears nothing: " << *next;
}

// Issue 16 item 14: a caller is rate-limited (429 with Retry-After), texts are
// bounded, so the disk cannot be filled at wire speed.
TEST_F(sandbox_security_test, issue16_item14_requests_are_rate_limited_and_texts_bounded) {
  start(20);
  auto big = call("POST", "/api/sandbox/v1/messages", admin_,
                  {{"from", "+14155550199"}, {"to", line_a_}, {"body", std::string(1601, 'x')}});
  EXPECT_EQ(big.status, 400) << big.raw;
  auto huge = call("POST", "/api/sandbox/v1/messages", admin_,
                   {{"from", "+14155550199"}, {"to", line_a_}, {"body", std::string(60000, 'x')}});
  EXPECT_EQ(huge.status, 413) << huge.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE length(body) > 1600"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sandbox_messages WHERE length(body) > 1600"), 0);

  sbtest::api_reply last;
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    last = call("POST", "/api/sandbox/v1/messages", admin_, {{"from", "+14155550199"}, {"to", line_a_}, {"body", "x"}});
    if (last.status == 201) ++ok;
    if (last.status == 429) break;
  }
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.code(), "RATE_LIMITED");
  EXPECT_FALSE(last.header("retry-after").empty());
  EXPECT_LT(ok, 20);
  // The limit is per teammate: another workspace's owner is not affected.
  EXPECT_EQ(call("GET", "/api/sandbox/v1/numbers", bob_).status, 200);
}

// Issue 16 item 14: `simulate sms` presents the data directory's key instead of a login.
TEST_F(sandbox_security_test, issue16_item14_the_data_directory_key_drives_the_sandbox) {
  start();
  auto key = sb::app::read_sandbox_key(app_->get().cfg().store.data_dir);
  ASSERT_TRUE(key);
  auto r = call("POST", "/api/sandbox/v1/messages", "", {{"from", "+14155550199"}, {"to", line_b_}, {"body", "via key"}},
                "X-Sandbox-Key: " + *key + "\r\n");
  EXPECT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'via key'"), 1);
}

// Issue 16 item 14: `auto` (the default) is on only while neither Twilio nor SignalWire is configured.
TEST(sandbox_config, issue16_item14_auto_turns_the_sandbox_off_with_a_real_carrier) {
  sb::config_flags flags;
  auto plain = sb::load_config(flags, {});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->sandbox_mode, "auto");
  EXPECT_TRUE(plain->sandbox_enabled);
  auto twilio = sb::load_config(flags, {{"SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN", "t"},
                                        {"SWITCHBOARD_CARRIERS_TWILIO_ACCOUNT_SID", "AC1"}});
  ASSERT_TRUE(twilio);
  EXPECT_FALSE(twilio->sandbox_enabled);
  auto sw = sb::load_config(flags, {{"SWITCHBOARD_CARRIERS_SIGNALWIRE_PROJECT_ID", "p"}});
  ASSERT_TRUE(sw);
  EXPECT_FALSE(sw->sandbox_enabled);
  auto forced = sb::load_config(flags, {{"SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN", "t"},
                                        {"SWITCHBOARD_CARRIERS_SANDBOX_ENABLED", "true"}});
  ASSERT_TRUE(forced);
  EXPECT_TRUE(forced->sandbox_enabled);
  auto off = sb::load_config(flags, {{"SWITCHBOARD_CARRIERS_SANDBOX_ENABLED", "false"}});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->sandbox_enabled);
  auto bad = sb::load_config(flags, {{"SWITCHBOARD_CARRIERS_SANDBOX_ENABLED", "maybe"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.err().message.find("carriers.sandbox.enabled"), std::string::npos);
}
