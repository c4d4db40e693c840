// The website widget's API over real HTTP and WebSocket on port 0 (issue 6):
// CORS, visitor isolation, private notes, rate limits, tokens, identity.
#include <atomic>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/widget/identity.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::atomic<std::int64_t> offset_ms{0};
sb::sys_time fake_now() { return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms.load()); }

const std::string shop = "https://shop.example.com";

struct reply {
  int status = 0;
  json body;
  std::string raw;
  sbtest::http_reply http;
};

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

  reply call(const std::string& method, const std::string& path, const std::string& token = "",
             const json& body = nullptr, const std::string& origin = "", const std::string& extra = "") {
    std::string headers = extra;
    if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
    if (!origin.empty()) headers += "Origin: " + origin + "\r\n";
    std::string b;
    if (!body.is_null()) {
      b = body.dump();
      headers += "Content-Type: application/json\r\n";
    }
    auto r = sbtest::http_request(app_->port(), method, path, b, headers);
    reply out;
    if (!r) return out;
    out.status = r->status;
    out.raw = r->body;
    out.http = *r;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }

  // A new visitor session from the shop's page; returns the answer.
  reply session(const json& extra = json::object(), const std::string& origin = shop) {
    json body = extra;
    body["workspace_id"] = ws_;
    return call("POST", "/api/widget/v1/sessions", "", body, origin);
  }
  std::string visitor_token() {
    auto s = session();
    EXPECT_EQ(s.status, 200) << s.raw;
    return s.body.value("token", "");
  }

  std::int64_t count(const std::string& sql) {
    auto n = app_->get().db().read_sync([sql](sb::store::database& db) {
      auto& q = db.prepare(sql);
      q.step();
      return q.column_int(0);
    });
    return n ? *n : -1;
  }

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
  EXPECT_EQ(session({}, cfg_.public_url).status, 200);
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
  reply last;
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
