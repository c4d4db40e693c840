// Credentials against the real server on port 0 (issue 16 items 8, 9 and 11):
// revoked credentials close their sockets, a visitor's typing flood cannot
// disconnect agents, and API keys have a scope and respect rank.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/core/random.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class credentials : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    app_ = std::make_unique<sbtest::running_app>(cfg_);
    owner_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(owner_.empty());
    auto me = call("GET", "/api/v1/me", owner_);
    ASSERT_EQ(me.body["role"], "owner");
    owner_id_ = me.body["id"];
    ws_ = me.body["workspace_id"];
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const std::string& token = "",
                         const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token, body);
  }

  std::string login(const std::string& email, const std::string& password) {
    return sbtest::login(app_->port(), email, password);
  }

  std::pair<std::string, std::string> teammate(const std::string& email, const std::string& role) {
    auto r = call("POST", "/api/v1/teammates", owner_,
                  {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role},
                   {"password", "password-" + email}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return {r.body.value("id", ""), login(email, "password-" + email)};
  }

  std::string conversation() {
    auto c = call("POST", "/api/v1/contacts", owner_, {{"name", "Ann"}, {"phone", "+14155550101"}});
    EXPECT_EQ(c.status, 201) << c.raw;
    auto r = call("POST", "/api/v1/conversations", owner_, {{"contact_id", c.body["id"]}, {"channel", "sms"}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }

  sbtest::api_reply note(const std::string& conv, const std::string& text) {
    return call("POST", "/api/v1/conversations/" + conv + "/messages", owner_, {{"body", text}, {"private", true}});
  }

  // Reads events until a message.created with this body; false on close or timeout.
  static bool receives(sbtest::ws_client& ws, const std::string& body) {
    for (;;) {
      auto ev = ws.wait_event("message.created", 5s);
      if (!ev) return false;
      if ((*ev)["data"]["body"] == body) return true;
    }
  }

  // After the close: nothing in `seen` carries the text.
  static bool none_has(const std::vector<std::string>& seen, const std::string& text) {
    for (auto& s : seen)
      if (s.find(text) != std::string::npos) return false;
    return true;
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string owner_, owner_id_, ws_;
};

}  // namespace

// issue 16 item 8: DELETE /api/v1/api_keys/{id} closes the key's open socket
// with 1008, and a private note posted afterwards never reaches it.
TEST_F(credentials, item8_revoked_api_key_closes_its_socket) {
  auto conv = conversation();
  auto k = call("POST", "/api/v1/api_keys", owner_, {{"name", "dashboard"}});
  ASSERT_EQ(k.status, 201) << k.raw;
  sbtest::ws_client keyed(app_->port(), "/ws/agent?token=" + k.body["key"].get<std::string>());
  ASSERT_TRUE(keyed.wait_event("ready"));
  sbtest::ws_client control(app_->port(), "/ws/agent?token=" + owner_);
  ASSERT_TRUE(control.wait_event("ready"));

  // Before: the key's socket gets the workspace's notes.
  ASSERT_EQ(note(conv, "before revocation").status, 201);
  ASSERT_TRUE(receives(keyed, "before revocation"));

  ASSERT_EQ(call("DELETE", "/api/v1/api_keys/" + k.body["id"].get<std::string>(), owner_).status, 200);
  ASSERT_EQ(note(conv, "SECRET after revocation").status, 201);
  ASSERT_TRUE(receives(control, "SECRET after revocation"));  // it was published

  std::vector<std::string> seen;
  EXPECT_EQ(keyed.wait_close(5s, &seen), std::optional<std::uint16_t>(1008));
  EXPECT_TRUE(none_has(seen, "SECRET")) << "a revoked key's socket received a note";
  // The control socket (another credential) stays.
  control.send(R"({"type":"ping"})");
  EXPECT_TRUE(control.wait_event("pong"));
}

// issue 16 item 8: logout, a lowered role and an ended widget session close
// their sockets with 1008; a raised role keeps the socket and applies at once.
TEST_F(credentials, item8_logout_lowered_role_and_ended_widget_session_close_sockets) {
  auto conv = conversation();
  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  auto [viewer_id, viewer] = teammate("vera@example.com", "viewer");

  // Logout.
  sbtest::ws_client by_session(app_->port(), "/ws/agent?token=" + agent);
  ASSERT_TRUE(by_session.wait_event("ready"));
  ASSERT_EQ(call("POST", "/api/v1/auth/logout", agent).status, 200);
  ASSERT_EQ(note(conv, "SECRET after logout").status, 201);
  std::vector<std::string> seen;
  EXPECT_EQ(by_session.wait_close(5s, &seen), std::optional<std::uint16_t>(1008));
  EXPECT_TRUE(none_has(seen, "SECRET"));

  // A lowered role: agent -> viewer.
  auto agent2 = login("alex@example.com", "password-alex@example.com");
  sbtest::ws_client lowered(app_->port(), "/ws/agent?token=" + agent2);
  ASSERT_TRUE(lowered.wait_event("ready"));
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + agent_id, owner_, {{"role", "viewer"}}).status, 200);
  ASSERT_EQ(note(conv, "SECRET after demotion").status, 201);
  seen.clear();
  EXPECT_EQ(lowered.wait_close(5s, &seen), std::optional<std::uint16_t>(1008));
  EXPECT_TRUE(none_has(seen, "SECRET"));
  // Reconnecting works, with the new role.
  sbtest::ws_client again(app_->port(), "/ws/agent?token=" + agent2);
  auto ready = again.wait_event("ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ((*ready)["data"]["role"], "viewer");

  // A raised role: viewer -> agent keeps the socket, which may now type.
  sbtest::ws_client raised(app_->port(), "/ws/agent?token=" + viewer);
  ASSERT_TRUE(raised.wait_event("ready"));
  raised.send(R"({"type":"typing","conversation_id":")" + conv + R"("})");
  auto denied = raised.wait_event("error");
  ASSERT_TRUE(denied);
  EXPECT_EQ((*denied)["data"]["code"], "PERMISSION_DENIED");
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + viewer_id, owner_, {{"role", "agent"}}).status, 200);
  ASSERT_EQ(note(conv, "after promotion").status, 201);
  ASSERT_TRUE(receives(raised, "after promotion"));
  raised.send(R"({"type":"typing","conversation_id":")" + conv + R"("})");
  raised.send(R"({"type":"ping"})");
  for (;;) {  // the typing frame is answered by no error before the pong
    auto m = raised.read(5s);
    ASSERT_TRUE(m);
    auto j = json::parse(*m);
    ASSERT_NE(j["type"], "error") << *m;
    if (j["type"] == "pong") break;
  }

  // An ended widget session.
  auto s = call("POST", "/api/widget/v1/sessions", "", {{"workspace_id", ws_}});
  ASSERT_EQ(s.status, 200) << s.raw;
  auto wst = s.body["token"].get<std::string>();
  sbtest::ws_client visitor(app_->port(), "/ws/widget?token=" + wst);
  ASSERT_TRUE(visitor.wait_event("ready"));
  ASSERT_EQ(call("DELETE", "/api/widget/v1/sessions/current", wst).status, 200);
  EXPECT_EQ(visitor.wait_close(5s), std::optional<std::uint16_t>(1008));
}

// issue 16 item 9: 3,000 typing frames from one widget socket leave the agent
// sockets open (even one that is not reading meanwhile), and they still get
// the next message.created.
TEST_F(credentials, item9_visitor_typing_flood_does_not_disconnect_agents) {
  auto s = call("POST", "/api/widget/v1/sessions", "", {{"workspace_id", ws_}});
  ASSERT_EQ(s.status, 200) << s.raw;
  auto wst = s.body["token"].get<std::string>();
  auto created = call("POST", "/api/widget/v1/conversations", wst, {{"body", "hello"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  auto cid = created.body["id"].get<std::string>();

  // A busy agent (small receive buffer, not reading during the flood) and an attentive one.
  sbtest::ws_client busy(app_->port(), "/ws/agent?token=" + owner_, 4096);
  ASSERT_TRUE(busy.wait_event("ready"));
  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  sbtest::ws_client attentive(app_->port(), "/ws/agent?token=" + agent);
  ASSERT_TRUE(attentive.wait_event("ready"));

  sbtest::ws_client visitor(app_->port(), "/ws/widget?token=" + wst);
  ASSERT_TRUE(visitor.wait_event("ready"));
  // "stopped typing" frames: before the fix each one reached every agent.
  for (int i = 0; i < 3000; ++i)
    visitor.send(R"({"type":"typing","conversation_id":")" + cid + R"(","typing":false})");
  visitor.send(R"({"type":"ping"})");
  ASSERT_TRUE(visitor.wait_event("pong", 30s));  // every frame was read

  auto reply = call("POST", "/api/v1/conversations/" + cid + "/messages", owner_, {{"body", "after the flood"}});
  ASSERT_EQ(reply.status, 201) << reply.raw;
  int typing_events = 0;
  for (;;) {
    auto m = attentive.read(10s);
    ASSERT_TRUE(m) << "the attentive agent's socket closed: " << attentive.close_code().value_or(0);
    auto j = json::parse(*m);
    if (j["type"] == "typing") ++typing_events;
    if (j["type"] == "message.created" && j["data"]["body"] == "after the flood") break;
  }
  // Coalesced: the flood reached the attentive agent as a handful of events, not 3,000.
  EXPECT_LT(typing_events, 100);
  for (;;) {
    auto m = busy.read(10s);
    ASSERT_TRUE(m) << "the busy agent's socket closed: " << busy.close_code().value_or(0);
    auto j = json::parse(*m);
    if (j["type"] == "message.created" && j["data"]["body"] == "after the flood") break;
  }
}

// issue 16 item 11: keys have a scope (read by default), manage_keys, and
// nobody revokes or changes what belongs to a higher-ranked teammate.
TEST_F(credentials, item11_api_key_scopes_and_rank) {
  auto contact = json{{"name", "Bo"}};
  // Default: read-only, no key management.
  auto r = call("POST", "/api/v1/api_keys", owner_, {{"name", "reports"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["scope"], "read");
  EXPECT_EQ(r.body["manage_keys"], false);
  auto read_key = r.body["key"].get<std::string>();
  EXPECT_EQ(call("GET", "/api/v1/me", read_key).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/conversations", read_key).status, 200);
  for (auto [method, path, body] : std::vector<std::tuple<std::string, std::string, json>>{
           {"POST", "/api/v1/contacts", contact},
           {"POST", "/api/v1/api_keys", json{{"name", "x"}}},
           {"DELETE", "/api/v1/api_keys/" + r.body["id"].get<std::string>(), nullptr},
           {"PATCH", "/api/v1/teammates/" + owner_id_, json{{"name", "Mallory"}}},
           {"POST", "/api/v1/auth/logout", nullptr}}) {
    auto x = call(method, path, read_key, body);
    EXPECT_EQ(x.status, 403) << method << " " << path << " " << x.raw;
    EXPECT_EQ(x.body["error"]["code"], "PERMISSION_DENIED") << method << " " << path;
  }
  EXPECT_EQ(call("GET", "/api/v1/api_keys", read_key).status, 403);
  {
    // It may follow events, but typing is a change too.
    sbtest::ws_client ws(app_->port(), "/ws/agent?token=" + read_key);
    ASSERT_TRUE(ws.wait_event("ready"));
    ws.send(R"({"type":"typing","conversation_id":"1"})");
    auto e = ws.wait_event("error");
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["data"]["code"], "PERMISSION_DENIED");
    EXPECT_EQ((*e)["data"]["message"], "this API key is read-only");
  }
  EXPECT_EQ(call("POST", "/api/v1/api_keys", owner_, {{"name", "bad"}, {"scope", "admin"}}).status, 400);
  // A read key could never use manage_keys (both are changes): refused when asked.
  EXPECT_EQ(call("POST", "/api/v1/api_keys", owner_, {{"name", "bad"}, {"manage_keys", true}}).status, 400);

  // Write without manage_keys: changes, but mints and revokes no keys.
  auto w = call("POST", "/api/v1/api_keys", owner_, {{"name", "crm"}, {"scope", "write"}});
  ASSERT_EQ(w.status, 201) << w.raw;
  auto write_key = w.body["key"].get<std::string>();
  EXPECT_EQ(call("POST", "/api/v1/contacts", write_key, contact).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/api_keys", write_key, {{"name", "child"}, {"scope", "write"}}).status, 403);
  EXPECT_EQ(call("DELETE", "/api/v1/api_keys/" + r.body["id"].get<std::string>(), write_key).status, 403);

  // With manage_keys it may mint keys (of its own teammate, so never above its role).
  auto m = call("POST", "/api/v1/api_keys", owner_, {{"name", "ops"}, {"scope", "write"}, {"manage_keys", true}});
  ASSERT_EQ(m.status, 201) << m.raw;
  auto child = call("POST", "/api/v1/api_keys", m.body["key"].get<std::string>(), {{"name", "child"}});
  ASSERT_EQ(child.status, 201) << child.raw;
  EXPECT_EQ(child.body["teammate_id"], owner_id_);
  auto listed = call("GET", "/api/v1/api_keys", m.body["key"].get<std::string>());
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["items"][0]["scope"], "read");

  // An admin cannot revoke the owner's keys, nor change or demote the owner.
  auto [admin_id, admin] = teammate("ada@example.com", "admin");
  auto x = call("DELETE", "/api/v1/api_keys/" + w.body["id"].get<std::string>(), admin);
  EXPECT_EQ(x.status, 403) << x.raw;
  EXPECT_EQ(x.body["error"]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(call("POST", "/api/v1/contacts", write_key, contact).status, 201) << "the owner's key still works";
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + owner_id_, admin, {{"name", "Mallory"}}).status, 403);
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + owner_id_, admin, {{"role", "viewer"}}).status, 403);
  // An admin's own key and an equal's are theirs to revoke.
  auto ak = call("POST", "/api/v1/api_keys", admin, {{"name", "mine"}});
  ASSERT_EQ(ak.status, 201);
  EXPECT_EQ(call("DELETE", "/api/v1/api_keys/" + ak.body["id"].get<std::string>(), admin).status, 200);
  // The owner may revoke anyone's.
  auto ak2 = call("POST", "/api/v1/api_keys", admin, {{"name", "second"}});
  ASSERT_EQ(ak2.status, 201);
  EXPECT_EQ(call("DELETE", "/api/v1/api_keys/" + ak2.body["id"].get<std::string>(), owner_).status, 200);

  // A key made before the migration is write without manage_keys.
  std::string legacy = "sbk_legacy0123456789";
  auto hash = sb::sha256_hex(legacy);
  std::int64_t ws_id = std::stoll(ws_), owner_id = std::stoll(owner_id_);
  auto ins = app_->get().db().write_sync([hash, ws_id, owner_id](sb::store::database& db) {
    db.prepare("INSERT INTO api_keys(workspace_id, teammate_id, name, key_hash, created_at)"
               " VALUES (?1, ?2, 'legacy', ?3, '2026-01-01T00:00:00Z')")
        .bind_all(ws_id, owner_id, hash)
        .run();
  });
  ASSERT_TRUE(ins);
  EXPECT_EQ(call("POST", "/api/v1/contacts", legacy, contact).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/api_keys", legacy, {{"name", "x"}}).status, 403);
}
