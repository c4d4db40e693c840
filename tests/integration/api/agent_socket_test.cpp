// Typing and presence on /ws/agent between two teammates' sockets (issue 22):
// an agent's typing reaches the other agent (and, by design, its own socket:
// every socket gets every event of the workspace); a viewer's is refused and
// reaches nobody; a teammate's socket opening and closing is presence for the
// others. Frame shapes are those of docs/api.md "Agent WebSocket".
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "support/ws_client.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct member {
  std::string id, token, name;
};

class agent_socket : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    app_ = std::make_unique<sbtest::running_app>(cfg_);
    owner_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(owner_.empty());
    auto c = call("POST", "/api/v1/contacts", owner_, {{"name", "Ann"}, {"phone", "+14155550101"}});
    ASSERT_EQ(c.status, 201) << c.raw;
    auto conv = call("POST", "/api/v1/conversations", owner_, {{"contact_id", c.body["id"]}, {"channel", "sms"}});
    ASSERT_EQ(conv.status, 201) << conv.raw;
    conv_ = conv.body["id"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const std::string& token,
                        const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token, body);
  }

  member teammate(const std::string& name, const std::string& role) {
    member m;
    m.name = name;
    auto email = name + "@example.com";
    auto r = call("POST", "/api/v1/teammates", owner_,
                  {{"email", email}, {"name", name}, {"role", role}, {"password", "password-" + name}});
    EXPECT_EQ(r.status, 201) << r.raw;
    m.id = r.body.value("id", "");
    m.token = sbtest::login(app_->port(), email, "password-" + name);
    EXPECT_FALSE(m.token.empty());
    return m;
  }

  std::unique_ptr<sbtest::ws_client> connect(const member& m) {
    auto ws = std::make_unique<sbtest::ws_client>(app_->port(), "/ws/agent?token=" + m.token);
    auto ready = ws->wait_event("ready");
    EXPECT_TRUE(ready) << m.name;
    if (ready) {
      EXPECT_EQ((*ready)["data"]["teammate_id"], m.id);
    }
    return ws;
  }

  // The next frame of `type` that satisfies pred; frames of other shapes are skipped.
  static std::optional<json> next(sbtest::ws_client& ws, const std::string& type,
                                  const std::function<bool(const json&)>& pred, std::chrono::milliseconds limit = 5s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto ev = ws.wait_event(type, std::max(left, 1ms));
      if (!ev) return std::nullopt;
      if (pred((*ev)["data"])) return ev;
    }
    return std::nullopt;
  }

  static std::function<bool(const json&)> about(const std::string& teammate_id) {
    return [teammate_id](const json& d) { return d.value("teammate_id", "") == teammate_id; };
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string owner_, conv_;
};

}  // namespace

TEST_F(agent_socket, an_agents_typing_reaches_the_other_agent_and_a_viewers_is_refused) {
  auto amy = teammate("amy", "agent");
  auto bob = teammate("bob", "agent");
  auto vic = teammate("vic", "viewer");
  auto a = connect(amy);
  auto b = connect(bob);
  auto v = connect(vic);

  // A viewer may watch but not type: an error frame to it, nothing to anyone.
  v->send(R"({"type":"typing","conversation_id":")" + conv_ + R"(","typing":true})");
  auto refused = v->wait_event("error");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["data"]["code"], "PERMISSION_DENIED");

  a->send(R"({"type":"typing","conversation_id":")" + conv_ + R"(","typing":true})");
  // B's first typing frame is A's (the viewer's never went out).
  auto seen = b->wait_event("typing");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["data"], json({{"conversation_id", conv_}, {"teammate_id", amy.id}, {"name", "amy"}, {"typing", true}}))
      << seen->dump();
  // A's own socket gets it too: a socket receives every event of its workspace.
  auto echo = a->wait_event("typing");
  ASSERT_TRUE(echo);
  EXPECT_EQ((*echo)["data"]["teammate_id"], amy.id);

  // Stopping is never lost, even within the coalescing second.
  a->send(R"({"type":"typing","conversation_id":")" + conv_ + R"(","typing":false})");
  auto stopped = next(*b, "typing", [&](const json& d) { return d.value("teammate_id", "") == amy.id && !d.value("typing", true); });
  ASSERT_TRUE(stopped) << "B never saw A stop typing";
  EXPECT_EQ((*stopped)["data"]["conversation_id"], conv_);

  // B answers: A sees B typing.
  b->send(R"({"type":"typing","conversation_id":")" + conv_ + R"("})");
  auto back = next(*a, "typing", about(bob.id));
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["data"]["typing"], true) << "typing defaults to true";
  EXPECT_EQ((*back)["data"]["name"], "bob");
}

TEST_F(agent_socket, presence_follows_a_teammates_sockets_opening_and_closing) {
  auto amy = teammate("amy", "agent");
  auto bob = teammate("bob", "agent");
  auto a = connect(amy);
  // A's own arrival first (every socket gets every event of the workspace).
  auto self = next(*a, "presence", about(amy.id));
  ASSERT_TRUE(self);
  EXPECT_EQ((*self)["data"]["online"], true);

  auto b = connect(bob);
  auto online = next(*a, "presence", about(bob.id));
  ASSERT_TRUE(online) << "A never saw B come online";
  EXPECT_EQ((*online)["data"], json({{"teammate_id", bob.id}, {"online", true}}));

  b.reset();  // B's only socket closes
  auto offline = next(*a, "presence", about(bob.id));
  ASSERT_TRUE(offline) << "A never saw B go offline";
  EXPECT_EQ((*offline)["data"], json({{"teammate_id", bob.id}, {"online", false}}));

  // And the other way round: B back, A gone.
  b = connect(bob);
  ASSERT_TRUE(next(*a, "presence", [&](const json& d) { return d.value("teammate_id", "") == bob.id && d.value("online", false); }));
  a.reset();
  auto gone = next(*b, "presence", [&](const json& d) { return d.value("teammate_id", "") == amy.id && !d.value("online", true); });
  ASSERT_TRUE(gone) << "B never saw A go offline";
}
