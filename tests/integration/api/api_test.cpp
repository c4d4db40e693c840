// The agent API over real HTTP and WebSocket on port 0 (issue 3's acceptance).
#include <atomic>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/core/clock.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::atomic<std::int64_t> clock_offset_ms{0};
sb::sys_time fake_now() {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(clock_offset_ms.load());
}

class api_test : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_offset_ms = 0;
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    sb::app::app_options o{false, {}};
    o.now = fake_now;
    o.snooze_interval = 50ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    admin_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(admin_.empty());
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const std::string& token = "",
                         const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token, body);
  }

  std::string login(const std::string& email, const std::string& password) {
    return sbtest::login(app_->port(), email, password);
  }

  // Creates a teammate through the API and logs in as them.
  std::pair<std::string, std::string> teammate(const std::string& email, const std::string& role) {
    auto r = call("POST", "/api/v1/teammates", admin_,
                  {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role},
                   {"password", "password-" + email}});
    EXPECT_EQ(r.status, 201) << r.raw;
    return {r.body.value("id", ""), login(email, "password-" + email)};
  }

  std::string contact(const json& fields) {
    auto r = call("POST", "/api/v1/contacts", admin_, fields);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }

  std::string conversation(const std::string& contact_id, const json& extra = json::object()) {
    json body = extra;
    body["contact_id"] = contact_id;
    auto r = call("POST", "/api/v1/conversations", admin_, body);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", "");
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string admin_;
};

}  // namespace

TEST_F(api_test, login_me_logout_and_credentials_errors) {
  auto me = call("GET", "/api/v1/me", admin_);
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["email"], cfg_.bootstrap.admin_email);
  EXPECT_EQ(me.body["role"], "owner");
  EXPECT_TRUE(me.body["id"].is_string());
  EXPECT_TRUE(me.body["workspace_id"].is_string());

  auto login = call("POST", "/api/v1/auth/login", "",
                    {{"email", cfg_.bootstrap.admin_email}, {"password", "admin-password-1"}});
  EXPECT_EQ(login.body["user"]["role"], "owner");
  for (auto k : {"id", "email", "name", "role", "workspace_id"}) EXPECT_TRUE(login.body["user"].contains(k)) << k;

  EXPECT_EQ(call("GET", "/api/v1/me").body["error"]["code"], "NOT_AUTHENTICATED");
  EXPECT_EQ(call("GET", "/api/v1/me", "sbs_bogus").status, 401);
  EXPECT_EQ(call("POST", "/api/v1/auth/login", "", {{"email", "x@y.z"}}).body["error"]["code"],
            "MISSING_REQUIRED_FIELD");
  EXPECT_EQ(call("POST", "/api/v1/auth/login", "", json::array()).body["error"]["code"], "INVALID_INPUT");

  auto bye = call("POST", "/api/v1/auth/logout", admin_);
  EXPECT_EQ(bye.status, 200);
  EXPECT_EQ(call("GET", "/api/v1/me", admin_).status, 401);
}

TEST_F(api_test, wrong_password_then_rate_limited) {
  auto wrong = call("POST", "/api/v1/auth/login", "",
                    {{"email", cfg_.bootstrap.admin_email}, {"password", "nope-nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["error"]["code"], "INVALID_CREDENTIALS");
  sbtest::api_reply last;
  for (int i = 0; i < 6; ++i)
    last = call("POST", "/api/v1/auth/login", "",
                {{"email", cfg_.bootstrap.admin_email}, {"password", "nope-nope"}});
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.body["error"]["code"], "RATE_LIMITED");
  EXPECT_FALSE(last.header("retry-after").empty());
  // Even the right password is refused while the backoff lasts.
  auto right = call("POST", "/api/v1/auth/login", "",
                    {{"email", cfg_.bootstrap.admin_email}, {"password", "admin-password-1"}});
  EXPECT_EQ(right.status, 429);
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed'"), 5);
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login'"), 1);
}

TEST_F(api_test, session_expires_with_the_clock) {
  clock_offset_ms = (721LL * 3600 * 1000);
  auto r = call("GET", "/api/v1/me", admin_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["error"]["code"], "SESSION_EXPIRED");
}

TEST_F(api_test, viewer_reads_but_cannot_reply) {
  auto [viewer_id, viewer] = teammate("vera@example.com", "viewer");
  ASSERT_FALSE(viewer.empty());
  auto conv = conversation(contact({{"name", "Ann"}, {"phone", "+14155550101"}}));
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv, viewer).status, 200);
  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", viewer, {{"body", "hi"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["error"]["code"], "PERMISSION_DENIED");
  auto note = call("POST", "/api/v1/conversations/" + conv + "/messages", viewer,
                   {{"body", "note"}, {"private", true}});
  EXPECT_EQ(note.body["error"]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(call("PATCH", "/api/v1/conversations/" + conv, viewer, {{"status", "resolved"}}).status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  // Viewers are never assignees.
  EXPECT_EQ(call("PATCH", "/api/v1/conversations/" + conv, admin_, {{"assignee_id", viewer_id}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/conversations", admin_,
                 {{"contact_id", call("GET", "/api/v1/conversations/" + conv, admin_).body["contact_id"]},
                  {"assignee_id", viewer_id}}).status,
            400);
}

TEST_F(api_test, another_workspace_sees_not_found) {
  auto conv = conversation(contact({{"name", "Ann"}}));
  // A second workspace with its own owner, seeded directly.
  auto hash = sb::auth::hash_password("other-password");
  auto w = app_->get().db().write_sync([&](sb::store::database& db) {
    db.prepare("INSERT INTO workspaces(name, created_at) VALUES ('B', '2026-01-01T00:00:00.000Z')").run();
    auto ws = db.last_insert_rowid();
    db.prepare("INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
               " VALUES (?1, 'bob@b.example', 'Bob', 'owner', ?2, '2026-01-01T00:00:00.000Z')")
        .bind_all(ws, hash)
        .run();
  });
  ASSERT_TRUE(w);
  auto bob = login("bob@b.example", "other-password");
  ASSERT_FALSE(bob.empty());
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/v1/conversations/" + conv},
           {"GET", "/api/v1/conversations/" + conv + "/messages"},
           {"GET", "/api/v1/conversations/" + conv + "/export"}}) {
    auto r = call(method, path, bob);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body["error"]["code"], "NOT_FOUND") << path;
  }
  EXPECT_EQ(call("PATCH", "/api/v1/conversations/" + conv, bob, {{"status", "resolved"}}).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", bob, {{"body", "x"}}).status, 404);
  EXPECT_TRUE(call("GET", "/api/v1/conversations", bob).body["items"].empty());
  EXPECT_TRUE(call("GET", "/api/v1/contacts", bob).body["items"].empty());
}

TEST_F(api_test, list_filters_and_pagination_hold_while_inserting) {
  auto c1 = contact({{"name", "Ann"}});
  std::set<std::string> originals;
  for (int i = 0; i < 20; ++i) originals.insert(conversation(c1));
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto r = call("GET", "/api/v1/conversations?limit=6" + (cursor.empty() ? "" : "&cursor=" + cursor), admin_);
    ASSERT_EQ(r.status, 200) << r.raw;
    for (auto& item : r.body["items"]) {
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second) << "duplicate across pages";
    }
    conversation(c1);  // a newer conversation lands between pages
    ++pages;
    if (r.body["next_cursor"].is_null()) break;
    cursor = r.body["next_cursor"].get<std::string>();
    ASSERT_LT(pages, 20);
  }
  for (auto& id : originals) EXPECT_TRUE(seen.count(id)) << id;

  // Filters: status, assignee, label, full text.
  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  auto target = *originals.begin();
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + target, admin_,
                 {{"status", "pending"}, {"assignee_id", agent_id}, {"labels", {"vip", "billing"}}})
                .status,
            200);
  call("POST", "/api/v1/conversations/" + target + "/messages", agent, {{"body", "the refund is on its way"}});
  auto by_status = call("GET", "/api/v1/conversations?status=pending", admin_);
  ASSERT_EQ(by_status.body["items"].size(), 1u);
  EXPECT_EQ(by_status.body["items"][0]["id"], target);
  EXPECT_EQ(call("GET", "/api/v1/conversations?assignee=me", agent).body["items"].size(), 1u);
  EXPECT_EQ(call("GET", "/api/v1/conversations?assignee=" + agent_id, admin_).body["items"].size(), 1u);
  auto unassigned = call("GET", "/api/v1/conversations?assignee=unassigned&limit=100", admin_);
  EXPECT_EQ(static_cast<std::int64_t>(unassigned.body["items"].size()),
            count("SELECT COUNT(*) FROM conversations") - 1)
      << "every conversation but the assigned one";
  EXPECT_EQ(call("GET", "/api/v1/conversations?label=vip", admin_).body["items"].size(), 1u);
  auto found = call("GET", "/api/v1/conversations?q=refund", admin_);
  ASSERT_EQ(found.body["items"].size(), 1u);
  EXPECT_EQ(found.body["items"][0]["id"], target);
  EXPECT_EQ(call("GET", "/api/v1/conversations?q=%22OR%20*", admin_).status, 200);  // FTS syntax is literal
  EXPECT_EQ(call("GET", "/api/v1/conversations?status=bogus", admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/conversations?cursor=zz", admin_).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/conversations?limit=1000", admin_).status, 400);
}

TEST_F(api_test, reply_reaches_a_second_agent_socket_and_notes_never_leave) {
  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  auto conv = conversation(contact({{"name", "Ann"}, {"phone", "+14155550101"}}), {{"channel", "sms"}});
  sbtest::ws_client second(app_->port(), "/ws/agent?token=" + agent);
  ASSERT_TRUE(second.wait_event("ready"));

  auto sent = call("POST", "/api/v1/conversations/" + conv + "/messages", admin_, {{"body", "Hello Ann"}});
  ASSERT_EQ(sent.status, 201) << sent.raw;
  for (auto k : {"id", "conversation_id", "body", "private", "channel", "direction", "sender", "status", "created_at"})
    EXPECT_TRUE(sent.body.contains(k)) << k;
  EXPECT_EQ(sent.body["channel"], "sms");
  EXPECT_EQ(sent.body["status"], "queued");
  auto ev = second.wait_event("message.created");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["id"], sent.body["id"]);
  EXPECT_EQ((*ev)["data"]["body"], "Hello Ann");

  auto note = call("POST", "/api/v1/conversations/" + conv + "/messages", admin_,
                   {{"body", "internal: she is a VIP"}, {"private", true}});
  ASSERT_EQ(note.status, 201);
  EXPECT_EQ(note.body["private"], true);
  EXPECT_EQ(note.body["direction"], "internal");
  // One outbox row, for the public reply only.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'message.send.sms'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE json_extract(payload, '$.message_id') = " +
                  note.body["id"].get<std::string>()),
            0);

  second.send(R"({"type":"ping"})");
  EXPECT_TRUE(second.wait_event("pong"));
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv, admin_).body["first_response_at"].is_string(), true);
}

TEST_F(api_test, websocket_needs_a_valid_token) {
  EXPECT_THROW(sbtest::ws_client(app_->port(), "/ws/agent?token=nope"), std::exception);
  EXPECT_THROW(sbtest::ws_client(app_->port(), "/ws/agent"), std::exception);
}

TEST_F(api_test, snooze_wakes_at_its_time) {
  auto conv = conversation(contact({{"name", "Ann"}}));
  auto until = sb::format_rfc3339(fake_now() + std::chrono::hours(2));
  auto r = call("PATCH", "/api/v1/conversations/" + conv, admin_, {{"snoozed_until", until}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["status"], "snoozed");
  EXPECT_EQ(call("PATCH", "/api/v1/conversations/" + conv, admin_, {{"snoozed_until", "yesterday"}}).status, 400);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv, admin_).body["status"], "snoozed");
  sbtest::ws_client ws(app_->port(), "/ws/agent?token=" + admin_);
  clock_offset_ms = 2LL * 3600 * 1000 + 1000;  // two hours later
  auto ev = ws.wait_event("conversation.updated", 5s);
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["status"], "open");
  auto now = call("GET", "/api/v1/conversations/" + conv, admin_);
  EXPECT_EQ(now.body["status"], "open");
  EXPECT_TRUE(now.body["snoozed_until"].is_null());

  // Clearing a snooze by hand reopens; a snooze time with another status is refused.
  auto later = sb::format_rfc3339(fake_now() + std::chrono::hours(1));
  ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + conv, admin_, {{"snoozed_until", later}}).body["status"], "snoozed");
  auto cleared = call("PATCH", "/api/v1/conversations/" + conv, admin_, {{"snoozed_until", nullptr}});
  EXPECT_EQ(cleared.body["status"], "open");
  EXPECT_EQ(call("PATCH", "/api/v1/conversations/" + conv, admin_,
                 {{"status", "open"}, {"snoozed_until", later}}).status, 400);
}

TEST_F(api_test, contacts_validate_merge_and_erase) {
  EXPECT_EQ(call("POST", "/api/v1/contacts", admin_, {{"phone", "555-1234"}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/contacts", admin_, {{"email", "not an email"}}).status, 400);
  auto a = contact({{"name", "Ann"}, {"phone", "+1 (415) 555-0101"}, {"attributes", {{"plan", "pro"}}}});
  auto dup = call("POST", "/api/v1/contacts", admin_, {{"phone", "+14155550101"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.body["error"]["code"], "ALREADY_EXISTS");
  auto b = contact({{"email", "Ann@Example.com"}, {"attributes", {{"plan", "free"}, {"city", "Oslo"}}}});
  auto conv_b = conversation(b);
  call("POST", "/api/v1/conversations/" + conv_b + "/messages", admin_, {{"body", "searchable words here"}});

  auto merged = call("POST", "/api/v1/contacts/" + a + "/merge", admin_, {{"from", b}});
  ASSERT_EQ(merged.status, 200) << merged.raw;
  EXPECT_EQ(merged.body["email"], "ann@example.com");
  EXPECT_EQ(merged.body["phones"], json::array({"+14155550101"}));
  EXPECT_EQ(merged.body["attributes"]["plan"], "pro");
  EXPECT_EQ(merged.body["attributes"]["city"], "Oslo");
  EXPECT_EQ(call("GET", "/api/v1/contacts/" + b, admin_).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv_b, admin_).body["contact_id"], a);

  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  EXPECT_EQ(call("DELETE", "/api/v1/contacts/" + a, agent).status, 403);
  contact({{"name", "100% real"}});
  EXPECT_EQ(call("GET", "/api/v1/contacts?q=%25", admin_).body["items"].size(), 1u) << "% is literal";
  auto erased = call("DELETE", "/api/v1/contacts/" + a, admin_);
  ASSERT_EQ(erased.status, 200);
  EXPECT_EQ(call("GET", "/api/v1/contacts/" + a, admin_).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/conversations/" + conv_b, admin_).status, 404);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  ASSERT_TRUE(app_->get().db().flush_sync());  // the index has applied the deletions
  EXPECT_EQ(count("SELECT COUNT(*) FROM search.messages_fts WHERE messages_fts MATCH 'searchable'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM contact_identities"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.erased'"), 1);
}

TEST_F(api_test, round_robin_skips_away_teammates) {
  auto [a_id, a] = teammate("amy@example.com", "agent");
  auto [b_id, b] = teammate("ben@example.com", "agent");
  auto [c_id, c] = teammate("cat@example.com", "agent");
  auto team = call("POST", "/api/v1/teams", admin_, {{"name", "Support"}, {"member_ids", {a_id, b_id, c_id}}});
  ASSERT_EQ(team.status, 201) << team.raw;
  auto team_id = team.body["id"].get<std::string>();
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + b_id, b, {{"availability", "away"}}).status, 200);
  auto person = contact({{"name", "Ann"}});
  std::vector<std::string> assignees;
  for (int i = 0; i < 4; ++i) {
    auto r = call("POST", "/api/v1/conversations", admin_, {{"contact_id", person}, {"team_id", team_id}});
    ASSERT_EQ(r.status, 201) << r.raw;
    assignees.push_back(r.body["assignee_id"].is_string() ? r.body["assignee_id"].get<std::string>() : "none");
  }
  EXPECT_EQ(assignees, (std::vector<std::string>{a_id, c_id, a_id, c_id}));
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + a_id, a, {{"availability", "offline"}}).status, 200);
  ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + c_id, c, {{"availability", "away"}}).status, 200);
  auto none = call("POST", "/api/v1/conversations", admin_, {{"contact_id", person}, {"team_id", team_id}});
  EXPECT_TRUE(none.body["assignee_id"].is_null());
  EXPECT_EQ(call("GET", "/api/v1/conversations?inbox=" + team_id + "&limit=100", admin_).body["items"].size(), 5u);
}

TEST_F(api_test, canned_responses_expand_and_exports) {
  ASSERT_EQ(call("POST", "/api/v1/canned_responses", admin_, {{"shortcut", "/thanks"}, {"body", "Thank you for writing!"}}).status, 201);
  EXPECT_EQ(call("POST", "/api/v1/canned_responses", admin_, {{"shortcut", "thanks"}, {"body", "x"}}).status, 409);
  auto person = contact({{"name", "=cmd()"}, {"email", "ann@example.com"}});
  auto conv = conversation(person);
  auto m = call("POST", "/api/v1/conversations/" + conv + "/messages", admin_, {{"body", "/thanks Ann"}});
  EXPECT_EQ(m.body["body"], "Thank you for writing! Ann");
  auto ex = call("GET", "/api/v1/conversations/" + conv + "/export", admin_);
  ASSERT_EQ(ex.status, 200);
  EXPECT_EQ(ex.body["messages"].size(), 1u);
  EXPECT_EQ(ex.body["contact"]["id"], person);
  auto csv = call("GET", "/api/v1/contacts/export", admin_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.raw.find("\"ann@example.com\""), std::string::npos);
  EXPECT_NE(csv.raw.find("\"'=cmd()\""), std::string::npos) << "formula injection must be neutralised";
}

TEST_F(api_test, role_changes_are_audited_and_bounded) {
  auto [agent_id, agent] = teammate("alex@example.com", "agent");
  auto [admin2_id, admin2] = teammate("ada@example.com", "admin");
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + agent_id, agent, {{"role", "admin"}}).status, 403);
  auto promote = call("PATCH", "/api/v1/teammates/" + agent_id, admin2, {{"role", "admin"}});
  EXPECT_EQ(promote.status, 200);
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + agent_id, admin2, {{"role", "owner"}}).status, 403);
  auto me = call("GET", "/api/v1/me", admin_);
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me.body["id"].get<std::string>(), admin2, {{"role", "agent"}}).status, 403);
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me.body["id"].get<std::string>(), admin_, {{"role", "agent"}}).status, 409);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'teammate.role_changed'"), 1);
  auto audit = call("GET", "/api/v1/audit_log", admin_);
  EXPECT_EQ(audit.status, 200);
  EXPECT_FALSE(audit.body["items"].empty());
  EXPECT_EQ(call("GET", "/api/v1/audit_log", agent).status, 200);  // now an admin
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + agent_id, agent,
                 {{"physical_number", "12345"}}).status, 400);
  auto phone = call("PATCH", "/api/v1/teammates/" + agent_id, agent, {{"physical_number", "+44 20 7946 0958"}});
  EXPECT_EQ(phone.body["physical_number"], "+442079460958");
}

TEST_F(api_test, api_keys_authenticate_and_revoke) {
  auto k = call("POST", "/api/v1/api_keys", admin_, {{"name", "zapier"}});
  ASSERT_EQ(k.status, 201) << k.raw;
  auto key = k.body["key"].get<std::string>();
  EXPECT_EQ(call("GET", "/api/v1/me", key).status, 200);
  EXPECT_EQ(call("DELETE", "/api/v1/api_keys/" + k.body["id"].get<std::string>(), admin_).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/me", key).status, 401);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_keys WHERE key_hash LIKE 'sbk_%'"), 0) << "keys are stored hashed";
}

TEST_F(api_test, canned_responses_are_edited_and_labels_deleted) {
  auto a = call("POST", "/api/v1/canned_responses", admin_, {{"shortcut", "hi"}, {"body", "Hello!"}});
  ASSERT_EQ(a.status, 201) << a.raw;
  ASSERT_EQ(call("POST", "/api/v1/canned_responses", admin_, {{"shortcut", "bye"}, {"body", "Bye"}}).status, 201);
  auto id = a.body["id"].get<std::string>();
  auto p = call("PATCH", "/api/v1/canned_responses/" + id, admin_, {{"shortcut", "/hello"}, {"body", "Hello there!"}});
  ASSERT_EQ(p.status, 200) << p.raw;
  EXPECT_EQ(p.body["shortcut"], "hello");
  EXPECT_EQ(p.body["body"], "Hello there!");
  EXPECT_EQ(p.body["id"], id);
  // Only the body: the shortcut stays.
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/" + id, admin_, {{"body", "Hey!"}}).body["shortcut"], "hello");
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/" + id, admin_, {{"shortcut", "BYE"}}).status, 409);
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/" + id, admin_, {{"shortcut", "two words"}}).status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/" + id, admin_, {{"body", "  "}}).status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/999", admin_, {{"body", "x"}}).status, 404);
  auto list = call("GET", "/api/v1/canned_responses", admin_);
  ASSERT_EQ(list.body["items"].size(), 2u);
  EXPECT_EQ(list.body["items"][1]["body"], "Hey!");

  auto [agent_id, agent] = teammate("al@example.com", "agent");
  EXPECT_EQ(call("PATCH", "/api/v1/canned_responses/" + id, agent, {{"body", "x"}}).status, 403);

  auto l = call("POST", "/api/v1/labels", admin_, {{"name", "vip"}});
  ASSERT_EQ(l.status, 201);
  auto lid = l.body["id"].get<std::string>();
  EXPECT_EQ(call("DELETE", "/api/v1/labels/" + lid, agent).status, 403);
  EXPECT_EQ(call("DELETE", "/api/v1/labels/" + lid, admin_).status, 200);
  EXPECT_EQ(call("DELETE", "/api/v1/labels/" + lid, admin_).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/labels", admin_).body["items"].size(), 0u);
}

// Issue 17 item 5 moved the permission checks into route wrappers and the body
// checks into request DTOs: where a permission check sat between body checks,
// its place (and so the answer) is pinned here.
TEST_F(api_test, permission_checks_keep_their_place_among_body_checks) {
  auto code = [](const sbtest::api_reply& r) { return r.body["error"].value("code", ""); };
  auto [viewer_id, viewer] = teammate("vic@example.com", "viewer");
  auto [agent_id, agent] = teammate("ada@example.com", "agent");
  auto [admin_id, admin] = teammate("ama@example.com", "admin");
  auto conv = conversation(contact({{"name", "Ann"}, {"phone", "+14155550101"}}));
  auto messages = "/api/v1/conversations/" + conv + "/messages";

  // Authentication comes before the body.
  EXPECT_EQ(code(call("POST", "/api/v1/contacts", "", {{"phones", 5}})), "NOT_AUTHENTICATED");
  // A reply's body before its permission, the permission before its channel.
  EXPECT_EQ(code(call("POST", messages, viewer, json::object())), "MISSING_REQUIRED_FIELD");
  EXPECT_EQ(code(call("POST", messages, viewer, {{"body", "hi"}, {"private", "yes"}})), "INVALID_FORMAT");
  EXPECT_EQ(code(call("POST", messages, viewer, {{"body", "hi"}, {"channel", "fax"}})), "PERMISSION_DENIED");
  EXPECT_EQ(code(call("POST", messages, agent, {{"body", "hi"}, {"channel", "fax"}})), "INVALID_INPUT");
  EXPECT_EQ(code(call("POST", messages, agent, {{"body", "hi"}, {"channel", 7}})), "INVALID_FORMAT");

  // Granting owner is checked before the new teammate's phone and password.
  json owner_body = {{"email", "new@example.com"}, {"name", "New"}, {"role", "owner"}, {"physical_number", "junk"}};
  EXPECT_EQ(code(call("POST", "/api/v1/teammates", admin, owner_body)), "PERMISSION_DENIED");
  owner_body["role"] = "agent";
  EXPECT_EQ(code(call("POST", "/api/v1/teammates", admin, owner_body)), "INVALID_FORMAT");
  owner_body["role"] = "chief";
  EXPECT_EQ(code(call("POST", "/api/v1/teammates", admin, owner_body)), "INVALID_INPUT");

  // On one's own record: linking a Teams user needs teammates.manage, checked
  // before the role's value; a bad role alone is a bad value.
  auto self = "/api/v1/teammates/" + agent_id;
  EXPECT_EQ(code(call("PATCH", self, agent, {{"teams_user_id", "29:abc"}, {"role", "chief"}})), "PERMISSION_DENIED");
  EXPECT_EQ(code(call("PATCH", self, agent, {{"teams_user_id", 5}, {"role", "admin"}})), "INVALID_FORMAT");
  EXPECT_EQ(code(call("PATCH", self, agent, {{"role", "chief"}})), "INVALID_INPUT");
  EXPECT_EQ(code(call("PATCH", self, agent, {{"role", "admin"}})), "PERMISSION_DENIED");
  EXPECT_EQ(call("PATCH", self, agent, {{"availability", "away"}}).status, 200);
  // Someone else's record needs teammates.manage before anything in the body.
  EXPECT_EQ(code(call("PATCH", "/api/v1/teammates/" + admin_id, agent, {{"name", ""}})), "PERMISSION_DENIED");
}
