// Teams posts through the outbox against a loopback Bot Framework: a token the
// Bot Connector stops accepting is replaced and the post made again with the new
// one; a thread the connector refuses to create is marked failed (and created
// again with the next item); private notes never reach a Teams thread.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/fake_bot_framework.hpp"
#include "support/test_support.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string app_id = "bot-app-id";
const std::string channel = "19:support@thread.tacv2";
const std::string customer = "+14155550277";

sbtest::rsa_key& signing_key() {
  static sbtest::rsa_key k;
  return k;
}

class teams_delivery_test : public ::testing::Test {
 protected:
  void SetUp() override {
    bf_.set_keys(json::array({signing_key().jwk("key-1")}));
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.sandbox_requests_per_minute = 1000000;
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.teams = {app_id, "bot-secret", "tenant-1", bf_.openid_url(), bf_.token_url()};
    sb::app::app_options opts{false, {}};
    opts.outbox_poll = 20ms;
    opts.outbox_retry_base = 20ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, opts);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"teams_user_id", "aad-admin"}}).status, 200);
    auto line = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}, {"owner_teammate_id", me_}});
    ASSERT_EQ(line.status, 201) << line.raw;
    line_ = line.body["number"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  std::string text_db(const std::string& sql) {
    auto r = app_->get().db().read_sync([sql](sb::store::database& db) {
      auto& q = db.prepare(sql);
      std::string v = q.step() ? q.column_text(0) : "<none>";
      q.reset();
      return v;
    });
    return r ? *r : "<error>";
  }
  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  // The admin runs `link` in the channel: their conversations are posted there.
  void link_channel() {
    static int n = 0;
    auto id = "act-" + std::to_string(++n);
    json a = {{"type", "message"},
              {"id", id},
              {"channelId", "msteams"},
              {"serviceUrl", bf_.base()},
              {"text", "<at>Switchboard</at> link"},
              {"from", {{"id", "29:aad-admin"}, {"aadObjectId", "aad-admin"}, {"name", "Admin"}}},
              {"recipient", {{"id", "28:" + app_id}, {"name", "Switchboard"}}},
              {"conversation", {{"id", channel + ";messageid=1"}, {"conversationType", "channel"}}},
              {"channelData",
               {{"tenant", {{"id", "tenant-1"}}},
                {"channel", {{"id", channel}}},
                {"team", {{"id", "19:team@thread.tacv2"}}}}}};
    auto token = signing_key().sign({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "key-1"}},
                                    sbtest::bot_claims(app_id, bf_.base()));
    auto r = sbtest::api_call(app_->port(), "POST", "/api/teams/messages", token, a);
    ASSERT_EQ(r.status, 200) << r.raw;
    std::string answer;
    ASSERT_TRUE(bf_.wait_for([&](const auto& seen) {
      for (auto& s : seen)
        if (s.op == "post" && s.reply_to == id) answer = s.json().value("text", std::string());
      return !answer.empty();
    }));
    ASSERT_NE(answer.find("posted here"), std::string::npos) << answer;
  }

  void customer_texts(const std::string& body) {
    auto r = call("POST", "/api/sandbox/v1/messages", {{"from", customer}, {"to", line_}, {"body", body}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  // The Teams thread id of the customer's conversation, once Teams gave one.
  std::string wait_thread() {
    std::string thread;
    bf_.wait_for([&](const auto&) {
      thread = text_db("SELECT thread_id FROM teams_threads WHERE thread_id IS NOT NULL");
      return thread != "<none>";
    });
    return thread == "<none>" ? "" : thread;
  }

  // Requests to the Bot Connector (create or post) whose body contains `needle`.
  std::vector<sbtest::fake_bot_framework::seen> connector_requests_with(const std::string& needle) {
    std::vector<sbtest::fake_bot_framework::seen> out;
    for (auto& r : bf_.requests())
      if ((r.op == "create" || r.op == "post") && r.body.find(needle) != std::string::npos) out.push_back(r);
    return out;
  }

  sbtest::fake_bot_framework bf_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_, line_;
};

}  // namespace

// The Bot Connector stops accepting the cached token (401, then 403 another time):
// the delivery fetches a new token and the post is made again with it, and succeeds.
TEST_F(teams_delivery_test, a_refused_token_is_replaced_and_the_post_made_again_with_the_new_one) {
  link_channel();
  customer_texts("First question");
  auto thread = wait_thread();
  ASSERT_FALSE(thread.empty());
  ASSERT_EQ(bf_.count("token"), 1u);
  for (int refusal : {401, 403}) {
    SCOPED_TRACE(refusal);
    auto tokens = bf_.count("token");
    auto stale = "Bearer bot-token-" + std::to_string(tokens);
    auto fresh = "Bearer bot-token-" + std::to_string(tokens + 1);
    bf_.expire_tokens(refusal);
    auto text = "Question after a " + std::to_string(refusal);
    customer_texts(text);
    EXPECT_TRUE(bf_.wait_for([&](const auto&) {
      for (auto& r : connector_requests_with(text))
        if (r.status == 201) return true;
      return false;
    })) << "the post never went through";
    auto posts = connector_requests_with(text);
    ASSERT_GE(posts.size(), 2u);
    EXPECT_EQ(posts.front().conversation, thread);
    EXPECT_EQ(posts.front().authorization, stale);
    EXPECT_EQ(posts.front().status, refusal);
    EXPECT_EQ(posts.back().authorization, fresh) << "the retry carries a new token";
    EXPECT_EQ(posts.back().status, 201);
    EXPECT_EQ(posts.size(), 2u) << "one refusal, one success";
    EXPECT_EQ(bf_.count("token"), tokens + 1);
  }
  // The row is marked done in the write after the connector's 201: wait for it.
  EXPECT_TRUE(bf_.wait_for([&](const auto&) {
    return count("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'teams.%' AND status != 'done'") == 0;
  })) << "a Teams post is still pending or failed";
}

// The connector refuses to create the thread (404: a permanent error): the outbox
// row fails and the thread is marked failed, so the conversation's next item
// creates the thread again instead of waiting forever for one that will not come.
TEST_F(teams_delivery_test, a_thread_the_connector_refuses_to_create_is_marked_failed) {
  link_channel();
  bf_.fail_next_post(404);
  customer_texts("First try");
  EXPECT_TRUE(bf_.wait_for([&](const auto&) {
    return text_db("SELECT status FROM teams_threads") == "failed";
  })) << "thread status: " << text_db("SELECT status FROM teams_threads");
  auto creates = bf_.requests("create");
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].status, 404);
  EXPECT_EQ(text_db("SELECT status FROM outbox WHERE kind = 'teams.create_thread'"), "failed");
  EXPECT_NE(text_db("SELECT last_error FROM outbox WHERE kind = 'teams.create_thread'").find("404"),
            std::string::npos);

  customer_texts("Second try");
  auto thread = wait_thread();
  EXPECT_FALSE(thread.empty()) << "the thread was never created again";
  creates = bf_.requests("create");
  ASSERT_EQ(creates.size(), 2u);
  EXPECT_EQ(creates[1].status, 201);
  EXPECT_NE(creates[1].body.find("Second try"), std::string::npos);
  EXPECT_EQ(text_db("SELECT status FROM teams_threads"), "created");
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_threads"), 1);
}

// An agent's private note in a mirrored conversation stays out of Teams; the
// reply written after it is posted to the thread.
TEST_F(teams_delivery_test, private_notes_never_reach_the_teams_thread) {
  link_channel();
  customer_texts("Can I change my order?");
  auto thread = wait_thread();
  ASSERT_FALSE(thread.empty());
  auto list = call("GET", "/api/v1/conversations");
  ASSERT_EQ(list.body["items"].size(), 1u) << list.raw;
  auto cid = list.body["items"][0]["id"].get<std::string>();
  const std::string note = "internal: refund was refused twice";
  auto n = call("POST", "/api/v1/conversations/" + cid + "/messages", {{"body", note}, {"private", true}});
  ASSERT_EQ(n.status, 201) << n.raw;
  EXPECT_EQ(n.body["private"], true);
  auto r = call("POST", "/api/v1/conversations/" + cid + "/messages", {{"body", "Yes, until noon"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  // The reply is queued after the note: once it is posted, the note would have been too.
  EXPECT_TRUE(bf_.wait_for([&](const auto&) {
    for (auto& p : connector_requests_with("Yes, until noon"))
      if (p.conversation == thread && p.status == 201) return true;
    return false;
  }));
  EXPECT_TRUE(connector_requests_with("refund was refused").empty()) << "a private note was posted to Teams";
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%refund was refused%'"), 0);
}
