// The website widget's API over real HTTP and WebSocket on port 0 (issue 6):
// CORS, visitor isolation, private notes, rate limits, tokens, identity.
#include <filesystem>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/store/widget.hpp"
#include "switchboard/widget/identity.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::atomic<std::int64_t> offset_ms{0};
sb::sys_time fake_now() { return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms.load()); }

const std::string shop = "https://shop.example.com";

class widget_api : public ::testing::Test {
 protected:
  void SetUp() override {
    offset_ms = 0;
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.widget.messages_per_minute = 5;
    configure(cfg_);
    sb::app::app_options o{false, {}};
    o.now = fake_now;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    ASSERT_TRUE(sb::app::ensure_bootstrap(app_->get().db(), cfg_.bootstrap));
    auto r = call("POST", "/api/v1/auth/login", "", {{"email", cfg_.bootstrap.admin_email}, {"password", "admin-password-1"}});
    ASSERT_EQ(r.status, 200) << r.raw;
    admin_ = r.body["token"];
    ws_ = r.body["user"]["workspace_id"];
    auto s = call("PATCH", "/api/v1/widget/settings", admin_,
                  {{"allowed_origins", {shop, "https://*.example.org"}}});
    ASSERT_EQ(s.status, 200) << s.raw;
  }

  // Where a fixture changes the configuration before the app starts.
  virtual void configure(sb::config&) {}

  sbtest::api_reply call(const std::string& method, const std::string& path, const std::string& token = "",
                         const json& body = nullptr, const std::string& origin = "", const std::string& extra = "") {
    return sbtest::api_call(app_->port(), method, path, token, body,
                            extra + (origin.empty() ? "" : "Origin: " + origin + "\r\n"));
  }

  // A new visitor session from the shop's page; returns the answer.
  sbtest::api_reply session(const json& extra = json::object(), const std::string& origin = shop) {
    json body = extra;
    body["workspace_id"] = ws_;
    return call("POST", "/api/widget/v1/sessions", "", body, origin);
  }
  std::string visitor_token() {
    auto s = session();
    EXPECT_EQ(s.status, 200) << s.raw;
    return s.body.value("token", "");
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string admin_, ws_;
};

}  // namespace

TEST_F(widget_api, cors_preflight_vary_and_refused_origins) {
  auto pre = call("OPTIONS", "/api/widget/v1/conversations", "", nullptr, shop,
                  "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n");
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.http.header("access-control-allow-origin"), shop);
  EXPECT_NE(pre.http.header("access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(pre.http.header("access-control-allow-headers").find("Authorization"), std::string::npos);
  EXPECT_EQ(pre.http.header("access-control-max-age"), "600");
  EXPECT_EQ(pre.http.header("vary"), "Origin");

  // *.example.org covers subdomains and the bare domain, not a look-alike.
  EXPECT_EQ(call("OPTIONS", "/api/widget/v1/sessions", "", nullptr, "https://help.example.org")
                .http.header("access-control-allow-origin"),
            "https://help.example.org");
  EXPECT_EQ(session({}, "https://example.org").status, 200);
  for (auto bad : {"https://evilexample.org", "http://shop.example.com", "https://shop.example.com:8443",
                   "https://evil.test", "null"}) {
    auto p = call("OPTIONS", "/api/widget/v1/sessions", "", nullptr, bad);
    EXPECT_EQ(p.status, 403) << bad;
    EXPECT_EQ(p.http.header("access-control-allow-origin"), "") << bad;
    EXPECT_EQ(p.http.header("vary"), "Origin") << bad;
    auto s = session({}, bad);
    EXPECT_EQ(s.status, 403) << bad;
    EXPECT_EQ(s.body["error"]["code"], "NOT_AUTHORIZED") << bad;
    EXPECT_EQ(s.http.header("access-control-allow-origin"), "") << bad;
    EXPECT_EQ(s.http.header("vary"), "Origin") << bad;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_sessions"), 1);

  auto ok = session();
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.http.header("access-control-allow-origin"), shop);
  EXPECT_EQ(ok.http.header("vary"), "Origin");
  EXPECT_TRUE(ok.body["token"].get<std::string>().starts_with("wst_"));
  EXPECT_TRUE(ok.body["expires_at"].is_string());
  EXPECT_TRUE(ok.body["visitor"]["id"].is_string());
  // A token from an allowed page used from another origin is refused too.
  auto other = call("GET", "/api/widget/v1/conversations", ok.body["token"], nullptr, "https://evil.test");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.http.header("access-control-allow-origin"), "");

  // The allow-list never takes "*".
  EXPECT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"allowed_origins", {"*"}}}).status, 400);
  // An empty list allows the server's own origin only.
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"allowed_origins", json::array()}}).status, 200);
  EXPECT_EQ(session().status, 403);
  EXPECT_EQ(session({}, app_->get().cfg().public_url).status, 200);
}

TEST_F(widget_api, private_notes_never_reach_the_visitor) {
  auto token = visitor_token();
  auto created = call("POST", "/api/widget/v1/conversations", token, {{"body", "Where is my order?"}}, shop);
  ASSERT_EQ(created.status, 201) << created.raw;
  auto cid = created.body["id"].get<std::string>();
  EXPECT_EQ(created.body["messages"][0]["body"], "Where is my order?");

  // The agent API sees it as a chat conversation.
  auto thread = call("GET", "/api/v1/conversations/" + cid + "/messages", admin_);
  ASSERT_EQ(thread.status, 200);
  EXPECT_EQ(thread.body["items"][0]["channel"], "chat");
  EXPECT_EQ(thread.body["items"][0]["direction"], "inbound");

  sbtest::ws_client ws(app_->port(), "/ws/widget?token=" + token);
  ASSERT_TRUE(ws.wait_event("ready"));
  auto note = call("POST", "/api/v1/conversations/" + cid + "/messages", admin_,
                   {{"body", "SECRET internal note"}, {"private", true}});
  ASSERT_EQ(note.status, 201);
  auto sent = call("POST", "/api/v1/conversations/" + cid + "/messages", admin_, {{"body", "It ships today"}});
  ASSERT_EQ(sent.status, 201);
  EXPECT_EQ(sent.body["status"], "delivered");  // chat replies are delivered on publish
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'message.send.chat'"), 0);
  // The first event on the socket is the reply: the note was never published there.
  auto first = ws.read(5s);
  ASSERT_TRUE(first);
  auto ev = json::parse(*first);
  EXPECT_EQ(ev["type"], "message.created");
  EXPECT_EQ(ev["data"]["body"], "It ships today");
  EXPECT_EQ(first->find("SECRET"), std::string::npos);

  auto mine = call("GET", "/api/widget/v1/conversations/" + cid + "/messages", token, nullptr, shop);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body["items"].size(), 2u);
  EXPECT_EQ(mine.raw.find("SECRET"), std::string::npos);
  auto list = call("GET", "/api/widget/v1/conversations", token, nullptr, shop);
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.raw.find("SECRET"), std::string::npos);
}

TEST_F(widget_api, another_visitors_conversation_is_not_found) {
  auto first = visitor_token();
  auto second = visitor_token();
  auto created = call("POST", "/api/widget/v1/conversations", first, {{"body", "private question"}}, shop);
  ASSERT_EQ(created.status, 201);
  auto cid = created.body["id"].get<std::string>();
  auto peek = call("GET", "/api/widget/v1/conversations/" + cid + "/messages", second, nullptr, shop);
  EXPECT_EQ(peek.status, 404);
  EXPECT_EQ(peek.body["error"]["code"], "NOT_FOUND");
  auto write = call("POST", "/api/widget/v1/conversations/" + cid + "/messages", second, {{"body", "hi"}}, shop);
  EXPECT_EQ(write.status, 404);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", second, nullptr, shop).body["items"].size(), 0u);

  // The second visitor's socket hears nothing of the first one's thread.
  sbtest::ws_client ws(app_->port(), "/ws/widget?token=" + second);
  ASSERT_TRUE(ws.wait_event("ready"));
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages", admin_, {{"body", "reply to first"}}).status, 201);
  // The reply was published before its 201; a ping answered after it comes
  // back first, so nothing was queued for this socket. (A read that times out
  // cannot be retried with this blocking client.)
  ws.send(R"({"type":"ping"})");
  auto next = ws.read(5s);
  ASSERT_TRUE(next);
  EXPECT_EQ(json::parse(*next)["type"], "pong") << *next;
}

TEST_F(widget_api, rate_limit_and_message_length) {
  auto token = visitor_token();
  auto created = call("POST", "/api/widget/v1/conversations", token, {{"body", "one"}}, shop);
  ASSERT_EQ(created.status, 201);
  auto path = "/api/widget/v1/conversations/" + created.body["id"].get<std::string>() + "/messages";
  EXPECT_EQ(call("POST", path, token, {{"body", std::string(4001, 'x')}}, shop).status, 400);
  EXPECT_EQ(call("POST", path, token, {{"body", std::string(4000, 'x')}}, shop).status, 201);
  // 4000 characters of two bytes each is still 4000 characters.
  std::string accents;
  for (int i = 0; i < 4000; ++i) accents += "\xc3\xa9";
  EXPECT_EQ(call("POST", path, token, {{"body", accents}}, shop).status, 201);
  EXPECT_EQ(call("POST", path, token, {{"body", "  "}}, shop).status, 400);
  sbtest::api_reply last;
  for (int i = 0; i < 3; ++i) last = call("POST", path, token, {{"body", "spam"}}, shop);
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.body["error"]["code"], "RATE_LIMITED");
  EXPECT_FALSE(last.http.header("retry-after").empty());
  EXPECT_EQ(last.http.header("access-control-allow-origin"), shop);  // the page can read Retry-After
  // Another visitor is not limited by the first one's flood.
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations", visitor_token(), {{"body", "hello"}}, shop).status, 201);
  // A minute later the first one may write again.
  offset_ms = 61'000;
  EXPECT_EQ(call("POST", path, token, {{"body", "again"}}, shop).status, 201);
}

namespace {

class widget_api_per_ip : public widget_api {
 protected:
  void configure(sb::config& cfg) override { cfg.widget.requests_per_minute_per_ip = 4; }
};

}  // namespace

TEST_F(widget_api_per_ip, one_address_is_limited_across_its_visitors) {
  auto first = visitor_token();
  auto second = visitor_token();
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations", first, {{"body", "one"}}, shop).status, 201);
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations", second, {{"body", "two"}}, shop).status, 201);
  // The fifth request from this address within the minute, whoever the visitor is.
  auto refused = call("POST", "/api/widget/v1/conversations", second, {{"body", "three"}}, shop);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body["error"]["code"], "RATE_LIMITED");
  EXPECT_FALSE(refused.http.header("retry-after").empty());
  EXPECT_EQ(call("POST", "/api/widget/v1/sessions", "", {{"workspace_id", ws_}}, shop).status, 429);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'three'"), 0);
  // Preflights are never counted: a refused page could not even read the 429.
  EXPECT_EQ(call("OPTIONS", "/api/widget/v1/conversations", "", nullptr, shop,
                 "Access-Control-Request-Method: POST\r\n")
                .status,
            204);
  offset_ms = 61'000;
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations", second, {{"body", "four"}}, shop).status, 201);
}

TEST_F(widget_api, tokens_expire_refresh_and_revoke) {
  auto s = session();
  auto token = s.body["token"].get<std::string>();
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_sessions WHERE token_hash = '" + token + "'"), 0);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", token, nullptr, shop).http.header("x-widget-token"), "");
  // 19 of 24 hours gone: under a quarter left, a new token comes back.
  offset_ms = 19LL * 3600 * 1000;
  auto r = call("GET", "/api/widget/v1/conversations", token, nullptr, shop);
  ASSERT_EQ(r.status, 200);
  auto fresh = r.http.header("x-widget-token");
  ASSERT_TRUE(fresh.starts_with("wst_"));
  EXPECT_NE(fresh, token);
  EXPECT_FALSE(r.http.header("x-widget-token-expires-at").empty());
  // The old token expires at 24 h; the new one lives on.
  offset_ms = 25LL * 3600 * 1000;
  auto expired = call("GET", "/api/widget/v1/conversations", token, nullptr, shop);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body["error"]["code"], "SESSION_EXPIRED");
  EXPECT_EQ(expired.http.header("access-control-allow-origin"), shop);  // readable, so the widget starts anew
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", fresh, nullptr, shop).status, 200);
  // Revoked (the widget's shutdown): refused at once, REST and socket.
  EXPECT_EQ(call("DELETE", "/api/widget/v1/sessions/current", fresh, nullptr, shop).status, 200);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", fresh, nullptr, shop).status, 401);
  EXPECT_THROW(sbtest::ws_client(app_->port(), "/ws/widget?token=" + fresh), std::exception);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", "wst_nope", nullptr, shop).status, 401);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", admin_, nullptr, shop).status, 401);  // an agent token is no visitor
}

TEST_F(widget_api, identity_verification_modes_and_rotation) {
  // Verification needs a secret first.
  EXPECT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"identity_mode", "required"}}).status, 400);
  auto rot = call("POST", "/api/v1/widget/settings/identity_secret", admin_);
  ASSERT_EQ(rot.status, 200) << rot.raw;
  auto secret = rot.body["identity_secret"].get<std::string>();
  EXPECT_FALSE(call("GET", "/api/v1/widget/settings", admin_).body.contains("identity_secret"));
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"identity_mode", "required"}}).status, 200);

  json good = {{"external_id", "user-7"}, {"email", "ann@example.net"}, {"name", "Ann"},
               {"user_hash", sb::widget::hmac_sha256_hex(secret, "user-7")}};
  json wrong = good;
  wrong["user_hash"] = sb::widget::hmac_sha256_hex("not-the-secret", "user-7");
  json unsigned_user = {{"external_id", "user-7"}};
  auto refused = session({{"user", wrong}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"]["code"], "NOT_AUTHORIZED");
  EXPECT_EQ(session({{"user", unsigned_user}}).status, 403);
  auto ok = session({{"user", good}});
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["visitor"]["verified"], true);
  EXPECT_EQ(session().status, 200);  // anonymous visitors still chat

  // Same user on another device: the same contact (merge by verified external id).
  auto again = session({{"user", good}});
  EXPECT_EQ(again.body["visitor"]["contact_id"], ok.body["visitor"]["contact_id"]);

  // Another signed-in user naming Ann's email with their own valid hash gets a contact of
  // their own: user_hash covers only the external id, so an email never merges.
  json claimer = {{"external_id", "user-8"}, {"email", "ann@example.net"},
                  {"user_hash", sb::widget::hmac_sha256_hex(secret, "user-8")}};
  auto claimed = session({{"user", claimer}});
  ASSERT_EQ(claimed.status, 200) << claimed.raw;
  EXPECT_EQ(claimed.body["visitor"]["verified"], true);
  EXPECT_NE(claimed.body["visitor"]["contact_id"], ok.body["visitor"]["contact_id"]);

  // Rotation: the previous secret verifies during the grace window only.
  auto rot2 = call("POST", "/api/v1/widget/settings/identity_secret", admin_);
  auto secret2 = rot2.body["identity_secret"].get<std::string>();
  EXPECT_TRUE(rot2.body["previous_secret_valid_until"].is_string());
  EXPECT_EQ(session({{"user", good}}).status, 200);
  json good2 = good;
  good2["user_hash"] = sb::widget::hmac_sha256_hex(secret2, "user-7");
  EXPECT_EQ(session({{"user", good2}}).status, 200);
  offset_ms = 25LL * 3600 * 1000;
  EXPECT_EQ(session({{"user", good}}).status, 403);
  EXPECT_EQ(session({{"user", good2}}).status, 200);

  // Optional: an unsigned user is accepted but never merged into the verified contact.
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"identity_mode", "optional"}}).status, 200);
  auto loose = session({{"user", unsigned_user}});
  ASSERT_EQ(loose.status, 200);
  EXPECT_EQ(loose.body["visitor"]["verified"], false);
  EXPECT_NE(loose.body["visitor"]["contact_id"], ok.body["visitor"]["contact_id"]);
  EXPECT_EQ(session({{"user", wrong}}).status, 403);
}

TEST_F(widget_api, events_are_stored_per_visitor_and_settings_need_the_permission) {
  auto token = visitor_token();
  auto e = call("POST", "/api/widget/v1/events", token, {{"name", "viewed_pricing"}, {"props", {{"plan", "pro"}}}}, shop);
  EXPECT_EQ(e.status, 201) << e.raw;
  EXPECT_EQ(call("POST", "/api/widget/v1/events", token, {{"props", json::object()}}, shop).status, 400);
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_events WHERE name = 'viewed_pricing' AND json_extract(props, '$.plan') = 'pro'"), 1);

  auto t = call("POST", "/api/v1/teammates", admin_,
                {{"email", "al@example.com"}, {"name", "Al"}, {"role", "agent"}, {"password", "agent-password-1"}});
  ASSERT_EQ(t.status, 201);
  auto agent = call("POST", "/api/v1/auth/login", "", {{"email", "al@example.com"}, {"password", "agent-password-1"}});
  EXPECT_EQ(call("GET", "/api/v1/widget/settings", agent.body["token"]).status, 403);
  auto got = call("GET", "/api/v1/widget/settings", admin_);
  ASSERT_EQ(got.status, 200);
  EXPECT_NE(got.body["snippet"].get<std::string>().find("/widget.js\" data-workspace=\"" + ws_ + "\""), std::string::npos);
  EXPECT_EQ(got.body["allowed_origins"][0], shop);
}

// issue 16 item 19: with --listen 127.0.0.1:<port> and no public_url, the install
// snippet names that address (it said http://127.0.0.1:8080), and the settings
// say that it is a loopback address, which the admin page warns about.
TEST_F(widget_api, issue16_item19_snippet_follows_listen_and_flags_loopback) {
  auto got = call("GET", "/api/v1/widget/settings", admin_);
  ASSERT_EQ(got.status, 200) << got.raw;
  auto own = "http://127.0.0.1:" + std::to_string(app_->port());
  EXPECT_EQ(got.body["public_url"], own);
  EXPECT_EQ(got.body["public_url_loopback"], true);
  EXPECT_NE(got.body["snippet"].get<std::string>().find("src=\"" + own + "/widget.js\""), std::string::npos)
      << got.body["snippet"];
  // The server's own origin is the followed URL, so its demo page may use the widget.
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"allowed_origins", json::array()}}).status, 200);
  EXPECT_EQ(session({}, own).status, 200);
}

namespace {

class widget_api_public : public widget_api {
 protected:
  void configure(sb::config& cfg) override { cfg.public_url = "https://chat.example.com"; }
};

}  // namespace

TEST_F(widget_api_public, issue16_item19_a_public_url_is_used_and_not_flagged) {
  auto got = call("GET", "/api/v1/widget/settings", admin_);
  ASSERT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.body["public_url"], "https://chat.example.com");
  EXPECT_EQ(got.body["public_url_loopback"], false);
  EXPECT_NE(got.body["snippet"].get<std::string>().find("https://chat.example.com/widget.js"), std::string::npos);
}

// issue 16 item 10: a visitor who claims alice's email without user_hash, merged
// by an agent into Alice's contact (either way round), used to list, read, write
// and hear Alice's earlier conversations. An unverified session sees only what
// its own visitor id started, whatever merges happen.
TEST_F(widget_api, issue16_item10_merge_never_hands_history_to_an_unverified_visitor) {
  // Alice chatted earlier from her own browser and left her email.
  auto alice = session({{"user", {{"email", "alice@example.com"}, {"name", "Alice"}}}});
  ASSERT_EQ(alice.status, 200) << alice.raw;
  auto alice_token = alice.body["token"].get<std::string>();
  auto alice_vid = alice.body["visitor"]["id"].get<std::string>();
  auto past = call("POST", "/api/widget/v1/conversations", alice_token, {{"body", "ALICE-SECRET my address"}}, shop);
  ASSERT_EQ(past.status, 201) << past.raw;
  auto past_id = past.body["id"].get<std::string>();
  auto alice_contact = call("GET", "/api/v1/conversations/" + past_id, admin_).body["contact_id"];
  ASSERT_TRUE(alice_contact.is_string());

  // The attacker claims her email, unverified, and writes once.
  auto evil = session({{"user", {{"email", "alice@example.com"}}}});
  ASSERT_EQ(evil.status, 200) << evil.raw;
  EXPECT_EQ(evil.body["visitor"]["verified"], false);
  auto evil_vid = evil.body["visitor"]["id"].get<std::string>();
  auto own = call("POST", "/api/widget/v1/conversations", evil.body["token"], {{"body", "hello there"}}, shop);
  ASSERT_EQ(own.status, 201) << own.raw;
  auto own_id = own.body["id"].get<std::string>();
  auto evil_contact = call("GET", "/api/v1/conversations/" + own_id, admin_).body["contact_id"];
  ASSERT_NE(evil_contact, alice_contact);

  // Same email: an agent merges the attacker into Alice.
  auto merged = call("POST", "/api/v1/contacts/" + alice_contact.get<std::string>() + "/merge", admin_,
                     {{"from", evil_contact}});
  ASSERT_EQ(merged.status, 200) << merged.raw;

  // The attacker comes back with its visitor id: it resolves to Alice's contact now.
  auto back = session({{"visitor_id", evil_vid}});
  ASSERT_EQ(back.status, 200) << back.raw;
  EXPECT_EQ(back.body["visitor"]["id"], evil_vid);
  auto token = back.body["token"].get<std::string>();
  auto list = call("GET", "/api/widget/v1/conversations", token, nullptr, shop);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u) << list.raw;
  EXPECT_EQ(list.body["items"][0]["id"], own_id);  // its own conversation survives the merge
  EXPECT_EQ(list.raw.find("ALICE-SECRET"), std::string::npos);
  auto read = call("GET", "/api/widget/v1/conversations/" + past_id + "/messages", token, nullptr, shop);
  EXPECT_EQ(read.status, 404) << read.raw;
  EXPECT_EQ(read.raw.find("ALICE-SECRET"), std::string::npos);
  auto write = call("POST", "/api/widget/v1/conversations/" + past_id + "/messages", token, {{"body", "send it to me"}}, shop);
  EXPECT_EQ(write.status, 404) << write.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'send it to me'"), 0);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations/" + own_id + "/messages", token, nullptr, shop).status, 200);

  // Live: an agent's reply and typing in Alice's conversation never reach the
  // attacker's socket; a reply in its own conversation does.
  {
    sbtest::ws_client ws(app_->port(), "/ws/widget?token=" + token);
    ASSERT_TRUE(ws.wait_event("ready"));
    ASSERT_EQ(call("POST", "/api/v1/conversations/" + past_id + "/messages", admin_, {{"body", "ALICE-SECRET reply"}}).status, 201);
    ASSERT_EQ(call("POST", "/api/v1/conversations/" + own_id + "/messages", admin_, {{"body", "reply to you"}}).status, 201);
    auto first = ws.read(5s);
    ASSERT_TRUE(first);
    EXPECT_EQ(json::parse(*first)["data"]["body"], "reply to you") << *first;
  }

  // Alice, unverified too, still has her conversation (and not the attacker's).
  auto alice_back = session({{"visitor_id", alice_vid}});
  ASSERT_EQ(alice_back.status, 200);
  auto alice_list = call("GET", "/api/widget/v1/conversations", alice_back.body["token"], nullptr, shop);
  ASSERT_EQ(alice_list.body["items"].size(), 1u) << alice_list.raw;
  EXPECT_EQ(alice_list.body["items"][0]["id"], past_id);

  // The other way round: Alice's contact merged into a fresh attacker's contact,
  // whose session (and token) stays as it was.
  auto evil2 = session({{"user", {{"email", "alice@example.com"}}}});
  auto evil2_token = evil2.body["token"].get<std::string>();
  auto own2 = call("POST", "/api/widget/v1/conversations", evil2_token, {{"body", "me again"}}, shop);
  ASSERT_EQ(own2.status, 201);
  auto own2_id = own2.body["id"].get<std::string>();
  auto evil2_contact = call("GET", "/api/v1/conversations/" + own2_id, admin_).body["contact_id"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/v1/contacts/" + evil2_contact + "/merge", admin_, {{"from", alice_contact}}).status, 200);
  auto list2 = call("GET", "/api/widget/v1/conversations", evil2_token, nullptr, shop);
  ASSERT_EQ(list2.status, 200);
  ASSERT_EQ(list2.body["items"].size(), 1u) << list2.raw;
  EXPECT_EQ(list2.body["items"][0]["id"], own2_id);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations/" + past_id + "/messages", evil2_token, nullptr, shop).status, 404);
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations/" + past_id + "/messages", evil2_token, {{"body", "x"}}, shop).status,
            404);
}

// issue 16 item 10, the other half: history across devices with a verified identity.
TEST_F(widget_api, issue16_item10_verified_identity_keeps_history_across_devices) {
  auto rot = call("POST", "/api/v1/widget/settings/identity_secret", admin_);
  ASSERT_EQ(rot.status, 200);
  auto secret = rot.body["identity_secret"].get<std::string>();
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", admin_, {{"identity_mode", "optional"}}).status, 200);
  json user = {{"external_id", "user-7"}, {"user_hash", sb::widget::hmac_sha256_hex(secret, "user-7")}};

  auto laptop = session({{"user", user}});
  ASSERT_EQ(laptop.status, 200) << laptop.raw;
  EXPECT_EQ(laptop.body["visitor"]["verified"], true);
  auto first = call("POST", "/api/widget/v1/conversations", laptop.body["token"], {{"body", "from my laptop"}}, shop);
  ASSERT_EQ(first.status, 201);
  auto cid = first.body["id"].get<std::string>();

  // Another device, no visitor id: the same history, readable and writable.
  auto phone = session({{"user", user}});
  ASSERT_EQ(phone.status, 200);
  auto token = phone.body["token"].get<std::string>();
  auto list = call("GET", "/api/widget/v1/conversations", token, nullptr, shop);
  ASSERT_EQ(list.body["items"].size(), 1u) << list.raw;
  EXPECT_EQ(list.body["items"][0]["id"], cid);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations/" + cid + "/messages", token, nullptr, shop).status, 200);
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations/" + cid + "/messages", token, {{"body", "now my phone"}}, shop).status,
            201);
  // Its socket hears the agent's reply.
  sbtest::ws_client ws(app_->port(), "/ws/widget?token=" + token);
  ASSERT_TRUE(ws.wait_event("ready"));
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages", admin_, {{"body", "hello user 7"}}).status, 201);
  auto ev = ws.read(5s);
  ASSERT_TRUE(ev);
  EXPECT_EQ(json::parse(*ev)["data"]["body"], "hello user 7");

  // Someone anonymous on the laptop afterwards, with its visitor id, sees nothing.
  auto anon = session({{"visitor_id", laptop.body["visitor"]["id"]}});
  ASSERT_EQ(anon.status, 200);
  EXPECT_NE(anon.body["visitor"]["id"], laptop.body["visitor"]["id"]);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", anon.body["token"], nullptr, shop).body["items"].size(), 0u);
}

// issue 16 item 12: a session used to create a permanent contact (297 in 1.5 s
// from one address). Now the first message does; until then the visitor is its
// sessions, and what it said about itself waits on them.
TEST_F(widget_api, issue16_item12_sessions_create_no_contacts_until_the_first_message) {
  auto contacts = count("SELECT COUNT(*) FROM contacts");
  std::string last_vid;
  for (int i = 0; i < 300; ++i) {
    auto s = session();
    ASSERT_EQ(s.status, 200) << i << " " << s.raw;
    EXPECT_TRUE(s.body["visitor"]["contact_id"].is_null());
    last_vid = s.body["visitor"]["id"];
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_identities WHERE kind = 'visitor'"), 0);
  offset_ms = 61'000;  // past this address's minute of widget requests
  auto listed = call("GET", "/api/v1/contacts", admin_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["items"].size(), static_cast<std::size_t>(contacts));

  // A visitor that gives its name and email and tracks an event still has no contact;
  // its visitor id comes back on the next page; its first message creates the contact.
  auto s1 = session({{"user", {{"name", "Bo"}, {"email", "bo@example.com"}}}});
  ASSERT_EQ(s1.status, 200) << s1.raw;
  EXPECT_EQ(s1.body["visitor"]["email"], "bo@example.com");
  auto vid = s1.body["visitor"]["id"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/widget/v1/events", s1.body["token"], {{"name", "viewed_pricing"}}, shop).status, 201);
  auto s2 = session({{"visitor_id", vid}});
  ASSERT_EQ(s2.status, 200);
  EXPECT_EQ(s2.body["visitor"]["id"], vid);
  EXPECT_EQ(s2.body["visitor"]["email"], "bo@example.com");  // the widget does not ask again
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts);
  auto token = s2.body["token"].get<std::string>();
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", token, nullptr, shop).body["items"].size(), 0u);
  auto posted = call("POST", "/api/widget/v1/conversations", token, {{"body", "first words"}}, shop);
  ASSERT_EQ(posted.status, 201) << posted.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts + 1);
  auto cid = posted.body["id"].get<std::string>();
  auto contact_id = call("GET", "/api/v1/conversations/" + cid, admin_).body["contact_id"].get<std::string>();
  auto contact = call("GET", "/api/v1/contacts/" + contact_id, admin_);
  ASSERT_EQ(contact.status, 200);
  EXPECT_EQ(contact.body["name"], "Bo");
  EXPECT_EQ(contact.body["email"], "bo@example.com");
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_events WHERE contact_id = " + contact_id), 1);
  // Both of its sessions now carry the contact; the first token keeps working.
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_sessions WHERE visitor_id = '" + vid + "' AND contact_id = " + contact_id), 2);
  auto again = call("GET", "/api/widget/v1/conversations", s1.body["token"], nullptr, shop);
  ASSERT_EQ(again.body["items"].size(), 1u);
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations/" + cid + "/messages", s1.body["token"], {{"body", "more"}}, shop).status,
            201);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts + 1);
}

// issue 16 item 12: never-used visitors are purged after widget.anonymous_retention_days.
TEST_F(widget_api, issue16_item12_never_used_visitors_are_purged) {
  auto contacts = count("SELECT COUNT(*) FROM contacts");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(session().status, 200);
  auto idle = session();
  ASSERT_EQ(call("POST", "/api/widget/v1/events", idle.body["token"], {{"name", "page_view"}}, shop).status, 201);
  auto used = session();
  auto posted = call("POST", "/api/widget/v1/conversations", used.body["token"], {{"body", "keep me"}}, shop);
  ASSERT_EQ(posted.status, 201);
  // A contact a session made before this fix: a visitor identity and nothing else.
  auto legacy_ok = app_->get().db().write_sync([this](sb::store::database& db) {
    db.exec("INSERT INTO contacts(workspace_id, attributes, created_at, updated_at) VALUES (" + ws_ +
            ", '{\"source\":\"widget\"}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    db.exec("INSERT INTO contact_identities(workspace_id, contact_id, kind, value, created_at) VALUES (" + ws_ +
            ", last_insert_rowid(), 'visitor', 'v_00000000000000000000000000000001', '2026-01-01T00:00:00Z')");
  });
  ASSERT_TRUE(legacy_ok);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts + 2);

  // The store's purge, time passed in: nothing is younger than the cutoff yet...
  sb::store::widget::purge_counts purged;
  auto purge = [&](const std::string& cutoff) {
    auto now = sb::format_rfc3339(fake_now());
    ASSERT_TRUE(app_->get().db().write_sync([&purged, cutoff, now](sb::store::database& db) {
      purged = sb::store::widget::purge_unused_visitors(db, cutoff, now, 500);
    }));
  };
  purge("2025-01-01T00:00:00Z");
  EXPECT_EQ(purged.sessions, 0);
  EXPECT_EQ(purged.contacts, 0);
  // ...with a cutoff after them, unused sessions (even unexpired), their events and
  // the legacy contact go; the visitor that wrote keeps everything.
  purge(sb::format_rfc3339(fake_now() + 1h));
  EXPECT_EQ(purged.sessions, 6);
  EXPECT_EQ(purged.events, 1);
  EXPECT_EQ(purged.contacts, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_sessions WHERE contact_id IS NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts + 1);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", used.body["token"], nullptr, shop).body["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/widget/v1/conversations", idle.body["token"], nullptr, shop).status, 401);
}

namespace {

class widget_api_retention : public widget_api {
 protected:
  void configure(sb::config& cfg) override { cfg.widget.anonymous_retention_days = 2; }
};

}  // namespace

// issue 16 item 12: the daemon's own periodic pass (through the store writer) runs
// the purge with widget.anonymous_retention_days.
TEST_F(widget_api_retention, issue16_item12_the_periodic_pass_purges_after_the_retention) {
  auto idle = session();
  ASSERT_EQ(call("POST", "/api/widget/v1/events", idle.body["token"], {{"name", "page_view"}}, shop).status, 201);
  auto used = session();
  ASSERT_EQ(call("POST", "/api/widget/v1/conversations", used.body["token"], {{"body", "keep me"}}, shop).status, 201);
  auto contacts = count("SELECT COUNT(*) FROM contacts");
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_events WHERE contact_id IS NULL"), 1);
  // Past two days (the pass runs each second, the purge at most hourly by the same clock).
  offset_ms = 50LL * 3600 * 1000;
  for (int i = 0; i < 400 && count("SELECT COUNT(*) FROM widget_events") != 0; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(count("SELECT COUNT(*) FROM widget_events"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contacts"), contacts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations"), 1);
}

// Issue 18: a visitor attaches images and PDFs only, and reads the attachments of
// their own conversations' public items and their own uploads, nobody else's.
TEST_F(widget_api, issue18_a_visitor_reads_only_their_own_conversations_attachments) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pixels";
  auto up = [&](const std::string& token, const std::string& type, const std::string& bytes) {
    return sbtest::to_api_reply(sbtest::http_request(
        app_->port(), "POST", "/api/widget/v1/media?name=lid.png", bytes,
        "Authorization: Bearer " + token + "\r\nContent-Type: " + type + "\r\nOrigin: " + shop + "\r\n"));
  };
  auto get = [&](const std::string& path, const std::string& token) {
    return sbtest::to_api_reply(sbtest::http_request(app_->port(), "GET", path, "",
                                                     "Authorization: Bearer " + token + "\r\nOrigin: " + shop + "\r\n"));
  };
  auto a = visitor_token(), b = visitor_token();
  auto vcard = up(a, "text/vcard", "BEGIN:VCARD");
  EXPECT_EQ(vcard.status, 415) << vcard.raw;  // teammates may send vCards; visitors images and PDFs
  EXPECT_EQ(vcard.code(), "UNSUPPORTED_MEDIA_TYPE");
  auto image = up(a, "image/png", png);
  ASSERT_EQ(image.status, 201) << image.raw;
  EXPECT_EQ(image.header("access-control-allow-origin"), shop);
  auto id = image.body["id"].get<std::string>();
  auto chat = call("POST", "/api/widget/v1/conversations", a, {{"media_ids", {id}}}, shop);
  ASSERT_EQ(chat.status, 201) << chat.raw;
  EXPECT_EQ(chat.body["messages"][0]["media"][0]["id"], id) << chat.raw;

  auto own = get("/api/widget/v1/media/" + id, a);
  EXPECT_EQ(own.status, 200) << own.raw;
  EXPECT_EQ(own.raw, png);
  EXPECT_EQ(get("/api/v1/media/" + id, a).status, 200);
  EXPECT_EQ(get("/api/widget/v1/media/" + id, b).status, 404);
  EXPECT_EQ(get("/api/v1/media/" + id, b).status, 404);
  EXPECT_EQ(get("/api/v1/media/" + id, admin_).status, 200);  // the workspace's teammates

  // Another visitor's upload, not sent yet, can be neither read nor sent by b.
  auto unsent = up(a, "image/png", png + "2");
  ASSERT_EQ(unsent.status, 201) << unsent.raw;
  auto unsent_id = unsent.body["id"].get<std::string>();
  EXPECT_EQ(get("/api/widget/v1/media/" + unsent_id, b).status, 404);
  EXPECT_EQ(call("POST", "/api/widget/v1/conversations", b, {{"media_ids", {unsent_id}}}, shop).status, 400);

  // A teammate's private note with a file: the visitor never gets the file.
  auto note_file = sbtest::to_api_reply(sbtest::http_request(
      app_->port(), "POST", "/api/v1/media?name=internal.png", png + "3",
      "Authorization: Bearer " + admin_ + "\r\nContent-Type: image/png\r\n"));
  ASSERT_EQ(note_file.status, 201) << note_file.raw;
  auto note_id = note_file.body["id"].get<std::string>();
  auto conv = chat.body["id"].get<std::string>();
  auto note = call("POST", "/api/v1/conversations/" + conv + "/messages", admin_,
                   {{"body", "internal"}, {"private", true}, {"media_ids", {note_id}}});
  ASSERT_EQ(note.status, 201) << note.raw;
  EXPECT_EQ(get("/api/widget/v1/media/" + note_id, a).status, 404);
  EXPECT_EQ(get("/api/v1/media/" + note_id, admin_).status, 200);
}

namespace {
class widget_api_media_budget : public widget_api {
 protected:
  void configure(sb::config& cfg) override { cfg.media_visitor_bytes_per_hour = 1024; }
};
}  // namespace

// Issue 18: anonymous visitors can't fill the disk: what a workspace's visitors
// upload in an hour is bounded (media.visitor_bytes_per_hour), answered 429 with
// Retry-After, before a byte is stored; teammates are not bound by it.
TEST_F(widget_api_media_budget, issue18_visitor_uploads_stop_at_the_workspace_budget_per_hour) {
  auto up = [&](const std::string& token, char fill) {
    return sbtest::to_api_reply(sbtest::http_request(
        app_->port(), "POST", "/api/widget/v1/media?name=a.png", std::string(600, fill),
        "Authorization: Bearer " + token + "\r\nContent-Type: image/png\r\nOrigin: " + shop + "\r\n"));
  };
  auto a = visitor_token(), b = visitor_token();
  ASSERT_EQ(up(a, 'a').status, 201);
  auto over = up(b, 'b');  // another visitor: the budget is the workspace's
  EXPECT_EQ(over.status, 429) << over.raw;
  EXPECT_EQ(over.code(), "RATE_LIMITED");
  EXPECT_EQ(over.header("retry-after"), "60");
  EXPECT_EQ(count("SELECT COUNT(*) FROM media"), 1);
  EXPECT_EQ(sbtest::regular_files_under(dir_.path() + "/media"), 1u);
  auto teammate = sbtest::to_api_reply(sbtest::http_request(
      app_->port(), "POST", "/api/v1/media?name=b.png", std::string(600, 'c'),
      "Authorization: Bearer " + admin_ + "\r\nContent-Type: image/png\r\n"));
  EXPECT_EQ(teammate.status, 201) << teammate.raw;
}
