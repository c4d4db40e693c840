// Microsoft Teams end to end, against a loopback Bot Framework (OpenID
// metadata, JWKS, token endpoint, Bot Connector) with keys made in the test:
// inbound authentication, threads with cards for customer items, replies from
// a thread reaching the customer, the Call back button, every command with its
// permission failure, and one token for many posts.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/fake_bot_framework.hpp"
#include "support/fake_carrier.hpp"
#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

const std::string app_id = "bot-app-id";
const std::string channel = "19:support@thread.tacv2";
const std::string customer = "+14155550277";

sbtest::rsa_key& signing_key() {
  static sbtest::rsa_key k;
  return k;
}

class teams_test : public ::testing::Test {
 protected:
  void SetUp() override {
    bf_.set_keys(json::array({signing_key().jwk("key-1")}));
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.sandbox_requests_per_minute = 1000000;  // these tests poll the sandbox inbox
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.teams = {app_id, "bot-secret", "tenant-1", bf_.openid_url(), bf_.token_url()};
    configure(cfg_);
    sb::app::app_options opts{false, {}};
    opts.outbox_poll = std::chrono::milliseconds(50);
    opts.outbox_retry_base = std::chrono::milliseconds(50);
    // Unknown kids may refresh the keys at once here (the default waits 5 minutes).
    opts.extra_routes = [](sb::http::router&, sb::app::app& a) {
      a.api().teams.key_refresh_min = std::chrono::seconds(0);
    };
    app_ = std::make_unique<sbtest::running_app>(cfg_, opts);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + me_,
                   {{"teams_user_id", "aad-admin"}, {"physical_number", "+14155550111"}})
                  .status,
              200);
    auto amy = call("POST", "/api/v1/teammates",
                    {{"email", "amy@example.com"},
                     {"name", "Amy Pond"},
                     {"role", "agent"},
                     {"password", "agent-password-1"}});
    ASSERT_EQ(amy.status, 201) << amy.raw;
    amy_ = amy.body["id"].get<std::string>();
    ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + amy_, {{"teams_user_id", "aad-amy"}}).status,
              200);
    auto vic = call("POST", "/api/v1/teammates",
                    {{"email", "vic@example.com"},
                     {"name", "Vic"},
                     {"role", "viewer"},
                     {"password", "viewer-password-1"}});
    ASSERT_EQ(vic.status, 201) << vic.raw;
    ASSERT_EQ(call("PATCH", "/api/v1/teammates/" + vic.body["id"].get<std::string>(),
                   {{"teams_user_id", "aad-vic"}})
                  .status,
              200);
    auto line = call("POST", "/api/v1/numbers", {{"area_code", "415"}, {"owner_teammate_id", me_}});
    ASSERT_EQ(line.status, 201) << line.raw;
    line_ = line.body["number"].get<std::string>();
    line_id_ = line.body["id"].get<std::string>();
  }

  // Where a fixture changes the configuration before the app starts.
  virtual void configure(sb::config&) {}

  std::string login(const std::string& email, const std::string& password) {
    return sbtest::login(app_->port(), email, password);
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  // A message activity from a Teams user; in a channel (or thread) when conversation is given.
  json activity(const std::string& aad, const std::string& text,
                const std::string& conversation = "") {
    static int n = 0;
    json a = {{"type", "message"},
              {"id", "act-" + std::to_string(++n)},
              {"channelId", "msteams"},
              {"serviceUrl", bf_.base()},
              {"text", text},
              {"from", {{"id", "29:" + aad}, {"aadObjectId", aad}, {"name", aad}}},
              {"recipient", {{"id", "28:" + app_id}, {"name", "Switchboard"}}},
              {"channelData", {{"tenant", {{"id", "tenant-1"}}}}}};
    if (conversation.empty()) {
      a["conversation"] = {{"id", "a:personal-" + aad}, {"conversationType", "personal"}};
    } else {
      a["conversation"] = {{"id", conversation}, {"conversationType", "channel"}};
      a["channelData"]["channel"] = {{"id", channel}};
      a["channelData"]["team"] = {{"id", "19:team@thread.tacv2"}};
    }
    return a;
  }

  int post(const json& a, const std::string& token) {
    return sbtest::api_call(app_->port(), "POST", "/api/teams/messages", token, a).status;
  }
  std::string token_for(const json& a, json claims_patch = json::object(),
                        const std::string& kid = "key-1") {
    auto claims = sbtest::bot_claims(app_id, a["serviceUrl"].get<std::string>());
    claims.merge_patch(claims_patch);
    return signing_key().sign({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid}}, claims);
  }
  // Sends a command as `aad` and waits for the bot's answer to it.
  std::string say(const std::string& aad, const std::string& text,
                  const std::string& conversation = "") {
    auto a = activity(aad, text, conversation);
    EXPECT_EQ(post(a, token_for(a)), 200);
    auto id = a["id"].get<std::string>();
    std::string answer;
    bf_.wait_for([&](const auto& seen) {
      for (auto& r : seen)
        if (r.op == "post" && r.reply_to == id) {
          answer = r.json().value("text", std::string());
          return true;
        }
      return false;
    });
    return answer;
  }

  std::vector<json> sandbox_texts_to(const std::string& phone) {
    auto r = call("GET", "/api/sandbox/v1/messages?phone=%2B" + phone.substr(1));
    std::vector<json> out;
    if (r.body.is_object())
      for (auto& m : r.body["items"]) out.push_back(m);
    return out;
  }
  bool wait_text(const std::string& phone, const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      for (auto& m : sandbox_texts_to(phone))
        if (m["body"].get<std::string>().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Links the admin's conversations to the channel; returns the thread id Teams gave
  // the customer's conversation after a first text.
  std::string thread_after_first_text(const std::string& text) {
    EXPECT_NE(
        say("aad-admin", "<at>Switchboard</at> link", channel + ";messageid=1").find("posted here"),
        std::string::npos);
    auto sent = call("POST", "/api/sandbox/v1/messages",
                     {{"from", customer}, {"to", line_}, {"body", text}});
    EXPECT_EQ(sent.status, 201) << sent.raw;
    return wait_thread();
  }

  // The Teams thread id of the (first) customer conversation, once Teams gave one.
  std::string wait_thread() {
    std::string thread;
    EXPECT_TRUE(bf_.wait_for([&](const auto&) {
      auto rows = app_->get().db().read_sync([](sb::store::database& db) {
        auto& q = db.prepare("SELECT thread_id FROM teams_threads WHERE thread_id IS NOT NULL");
        std::string t;
        if (q.step()) t = q.column_text(0);
        q.reset();
        return t;
      });
      thread = rows ? *rows : "";
      return !thread.empty();
    }));
    return thread;
  }

  sbtest::fake_bot_framework bf_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_, amy_, line_, line_id_;
};

}  // namespace

TEST_F(teams_test, a_valid_token_is_accepted_and_every_other_is_refused_with_401) {
  auto a = activity("aad-admin", "help");
  EXPECT_EQ(post(a, token_for(a)), 200);

  auto refused = [&](const std::string& token, const json& act) {
    auto r = sbtest::api_call(app_->port(), "POST", "/api/teams/messages", token, act);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body["error"]["code"], "NOT_AUTHENTICATED");
  };
  refused(token_for(a, {{"aud", "someone-else"}}), a);
  refused(token_for(a, {{"iss", "https://sts.windows.net/other/"}}), a);
  auto long_ago =
      std::chrono::duration_cast<std::chrono::seconds>(
          (std::chrono::system_clock::now() - std::chrono::minutes(20)).time_since_epoch())
          .count();
  refused(token_for(a, {{"exp", long_ago}}), a);
  refused(token_for(a, {{"serviceurl", "https://smba.trafficmanager.net/amer/"}}), a);
  sbtest::rsa_key stranger;
  refused(
      stranger.sign({{"alg", "RS256"}, {"kid", "key-1"}}, sbtest::bot_claims(app_id, bf_.base())),
      a);
  refused("", a);
  auto keys_before = bf_.count("keys");
  refused(
      stranger.sign({{"alg", "RS256"}, {"kid", "key-9"}}, sbtest::bot_claims(app_id, bf_.base())),
      a);
  EXPECT_EQ(bf_.count("keys"), keys_before + 1)
      << "an unknown kid refreshes the keys once, then is refused";

  // A rotated key is picked up by that refresh.
  sbtest::rsa_key rotated;
  bf_.set_keys(json::array({signing_key().jwk("key-1"), rotated.jwk("key-2")}));
  EXPECT_EQ(post(a, rotated.sign({{"alg", "RS256"}, {"kid", "key-2"}},
                                 sbtest::bot_claims(app_id, bf_.base()))),
            200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0) << "refused activities changed nothing";
}

TEST_F(teams_test,
       an_inbound_sms_opens_a_thread_with_a_card_and_a_reply_there_reaches_the_customer) {
  auto thread = thread_after_first_text("Is my order ready?");
  ASSERT_FALSE(thread.empty());
  auto created = bf_.requests("create");
  ASSERT_EQ(created.size(), 1u);
  auto body = created[0].json();
  EXPECT_EQ(body["isGroup"], true);
  EXPECT_EQ(body["channelData"]["channel"]["id"], channel);
  auto attachment = body["activity"]["attachments"][0];
  EXPECT_EQ(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_NE(attachment["content"].dump().find("Is my order ready?"), std::string::npos);
  EXPECT_EQ(created[0].authorization, "Bearer bot-token-1");

  // The next text goes into the same thread.
  call("POST", "/api/sandbox/v1/messages", {{"from", customer}, {"to", line_}, {"body", "Hello?"}});
  ASSERT_TRUE(bf_.wait_for([&](const auto& seen) {
    for (auto& r : seen)
      if (r.op == "post" && r.conversation == thread && r.body.find("Hello?") != std::string::npos)
        return true;
    return false;
  }));
  EXPECT_EQ(bf_.count("create"), 1u);

  // A teammate answers in the thread: the customer gets it from the line, the bot confirms.
  auto answer = say("aad-admin", "<at>Switchboard</at> Yes, <b>ready</b> for pickup", thread);
  EXPECT_NE(answer.find("Sent to"), std::string::npos) << answer;
  EXPECT_TRUE(wait_text(customer, "Yes, ready for pickup"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE direction = 'outbound' AND body = 'Yes, "
                  "ready for pickup'"),
            1);

  // ;; makes a private note: stored, never sent.
  auto note = say("aad-admin", ";; VIP customer", thread);
  EXPECT_NE(note.find("private note"), std::string::npos) << note;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE private = 1 AND body = 'VIP customer'"), 1);
  for (auto& m : sandbox_texts_to(customer))
    EXPECT_EQ(m["body"].get<std::string>().find("VIP"), std::string::npos);

  // A viewer may not answer customers.
  auto refused = say("aad-vic", "let me answer", thread);
  EXPECT_NE(refused.find("may not"), std::string::npos) << refused;
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE body = 'let me answer'"), 0);

  // One token served every post (thread, replies, confirmations).
  EXPECT_GE(bf_.count("post") + bf_.count("create"), 5u);
  EXPECT_EQ(bf_.count("token"), 1u);
}

TEST_F(teams_test, voicemail_card_has_transcript_recording_and_call_back_which_places_the_call) {
  auto thread = thread_after_first_text("I'll call you");
  ASSERT_FALSE(thread.empty());
  auto started = call("POST", "/api/sandbox/v1/calls", {{"from", customer}, {"to", line_}});
  ASSERT_EQ(started.status, 201) << started.raw;
  auto sid = started.body["sid"].get<std::string>();
  auto event = [&](const std::string& step, const json& params) {
    return call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                {{"from", customer},
                 {"to", line_},
                 {"url", "/webhooks/sandbox/voice/" + step},
                 {"params", params}});
  };
  ASSERT_EQ(event("voicemail", {{"RecordingSid", "RE7"},
                                {"RecordingUrl", "https://rec.example/RE7"},
                                {"RecordingDuration", "9"}})
                .status,
            200);
  ASSERT_EQ(event("transcription", {{"RecordingSid", "RE7"},
                                    {"TranscriptionText", "Please call me back"},
                                    {"TranscriptionStatus", "completed"}})
                .status,
            200);
  json card;
  ASSERT_TRUE(bf_.wait_for([&](const auto& seen) {
    for (auto& r : seen)
      if (r.op == "post" && r.conversation == thread &&
          r.body.find("Please call me back") != std::string::npos) {
        card = r.json()["attachments"][0]["content"];
        return true;
      }
    return false;
  }));
  auto dump = card.dump();
  EXPECT_NE(dump.find("Voicemail from"), std::string::npos);
  EXPECT_NE(dump.find("https://rec.example/RE7"), std::string::npos);
  json submit;
  for (auto& a : card["actions"])
    if (a["type"] == "Action.Submit") submit = a["data"];
  ASSERT_TRUE(submit.is_object()) << dump;

  // Pressing Call back: click-to-call rings the teammate's phone from the line.
  auto press = activity("aad-admin", "", thread);
  press.erase("text");
  press["value"] = submit;
  ASSERT_EQ(post(press, token_for(press)), 200);
  EXPECT_TRUE(bf_.wait_answer("Calling your phone"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'call.create'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE kind = 'call' AND direction = 'outbound'"),
            1);
}

TEST_F(teams_test, inbox_replies_and_call_records_join_the_thread) {
  auto thread = thread_after_first_text("Hi there");
  ASSERT_FALSE(thread.empty());
  auto conversations = call("GET", "/api/v1/conversations");
  ASSERT_EQ(conversations.body["items"].size(), 1u);
  auto cid = conversations.body["items"][0]["id"].get<std::string>();
  auto posted_in_thread = [&](const std::string& needle) {
    return bf_.wait_for([&](const auto& seen) {
      for (auto& r : seen)
        if (r.op == "post" && r.conversation == thread && r.body.find(needle) != std::string::npos)
          return true;
      return false;
    });
  };
  // A reply written in the web inbox shows in the thread, with who wrote it.
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages",
                 {{"body", "Answered from the inbox"}})
                .status,
            201);
  EXPECT_TRUE(posted_in_thread("Answered from the inbox"));
  EXPECT_TRUE(posted_in_thread(" to "));
  // A missed call becomes a call card with a Call back button once it is over.
  auto started = call("POST", "/api/sandbox/v1/calls", {{"from", customer}, {"to", line_}});
  ASSERT_EQ(started.status, 201) << started.raw;
  auto sid = started.body["sid"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                 {{"from", customer},
                  {"to", line_},
                  {"url", "/webhooks/sandbox/voice/status"},
                  {"status", "no-answer"}})
                .status,
            200);
  EXPECT_TRUE(posted_in_thread("Call with"));
  EXPECT_TRUE(posted_in_thread("Call back"));
  EXPECT_EQ(bf_.count("create"), 1u) << "one thread per conversation";
}

TEST_F(teams_test, a_conversation_without_a_linked_channel_posts_nothing) {
  auto sent = call("POST", "/api/sandbox/v1/messages",
                   {{"from", customer}, {"to", line_}, {"body", "anyone?"}});
  ASSERT_EQ(sent.status, 201);
  auto conversations = call("GET", "/api/v1/conversations");
  ASSERT_EQ(conversations.body["items"].size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'teams.%'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_threads"), 0);
}

TEST_F(teams_test, a_single_tenant_bot_ignores_other_tenants) {
  auto a = activity("aad-admin", "away");
  a["channelData"]["tenant"]["id"] = "tenant-2";
  EXPECT_EQ(post(a, token_for(a)), 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'teams.reply'"), 0);
  EXPECT_EQ(call("GET", "/api/v1/me").body["availability"], "available");
}

TEST_F(teams_test, an_unlinked_teams_user_is_told_how_to_link_and_nothing_happens) {
  auto answer = say("aad-stranger", "provision me 415");
  EXPECT_NE(answer.find("teams_user_id"), std::string::npos) << answer;
  EXPECT_NE(answer.find("aad-stranger"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM numbers"), 1);
  // Only admins link a Teams user to a teammate.
  auto agent = login("amy@example.com", "agent-password-1");
  auto r = sbtest::api_call(app_->port(), "PATCH", "/api/v1/teammates/" + amy_, agent, {{"teams_user_id", "aad-other"}});
  EXPECT_EQ(r.status, 403);
  // One Teams user is one teammate.
  EXPECT_EQ(call("PATCH", "/api/v1/teammates/" + me_, {{"teams_user_id", "aad-amy"}}).status, 409);
}

TEST_F(teams_test, help_status_available_and_away) {
  auto help = say("aad-amy", "help");
  EXPECT_NE(help.find("provision <member|me>"), std::string::npos) << help;
  auto status = say("aad-admin", "status");
  EXPECT_NE(status.find("Numbers:"), std::string::npos) << status;
  EXPECT_NE(status.find("sandbox"), std::string::npos) << status;
  EXPECT_NE(say("aad-amy", "away").find("away"), std::string::npos);
  auto agent = login("amy@example.com", "agent-password-1");
  auto me = sbtest::api_call(app_->port(), "GET", "/api/v1/me", agent);
  EXPECT_EQ(me.body["availability"], "away");
  EXPECT_NE(say("aad-amy", "available").find("available"), std::string::npos);
  me = sbtest::api_call(app_->port(), "GET", "/api/v1/me", agent);
  EXPECT_EQ(me.body["availability"], "available");
  // A viewer cannot change availability; unknown words get help.
  EXPECT_NE(say("aad-vic", "away").find("does not allow"), std::string::npos);
  EXPECT_NE(say("aad-vic", "available").find("does not allow"), std::string::npos);
  EXPECT_NE(say("aad-amy", "dance").find("help"), std::string::npos);
  // Every role may ask for help and status; someone who is no teammate gets neither.
  EXPECT_NE(say("aad-vic", "status").find("Numbers:"), std::string::npos);
  for (const char* word : {"help", "status"}) {
    auto stranger = say("aad-stranger", word);
    EXPECT_NE(stranger.find("I don't know you yet"), std::string::npos) << stranger;
    EXPECT_EQ(stranger.find("Numbers:"), std::string::npos) << stranger;
    EXPECT_EQ(stranger.find("provision <member|me>"), std::string::npos) << stranger;
  }
}

TEST_F(teams_test, provision_assign_and_unprovision_need_the_admin_permission) {
  auto refused = say("aad-amy", "provision me 415");
  EXPECT_NE(refused.find("Only admins"), std::string::npos) << refused;
  EXPECT_EQ(count("SELECT COUNT(*) FROM numbers"), 1);

  auto done = say("aad-admin", "provision amy 415");
  EXPECT_NE(done.find("Provisioned"), std::string::npos) << done;
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM numbers WHERE status = 'active' AND owner_teammate_id = " + amy_),
      1);
  auto amys = app_->get().db().read_sync([this](sb::store::database& db) {
    auto& q = db.prepare("SELECT number FROM numbers WHERE owner_teammate_id = ?1");
    q.bind(1, static_cast<std::int64_t>(std::stoll(amy_)));
    q.step();
    auto n = q.column_text(0);
    q.reset();
    return n;
  });
  ASSERT_TRUE(amys);

  EXPECT_NE(say("aad-amy", "assign me " + line_).find("Only admins"), std::string::npos);
  auto assigned = say("aad-admin", "assign amy@example.com " + line_);
  EXPECT_NE(assigned.find("now belongs to"), std::string::npos) << assigned;
  EXPECT_EQ(count("SELECT COUNT(*) FROM numbers WHERE owner_teammate_id = " + amy_), 2);

  EXPECT_NE(say("aad-amy", "unprovision " + *amys).find("Only admins"), std::string::npos);
  auto released = say("aad-admin", "unprovision " + *amys);
  EXPECT_NE(released.find("Released"), std::string::npos) << released;
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM numbers WHERE status = 'active' AND owner_teammate_id = " + amy_),
      1);
}

TEST_F(teams_test, voicemail_shows_and_sets_a_greeting_for_whoever_may_change_it) {
  EXPECT_NE(say("aad-admin", "voicemail " + line_).find("default"), std::string::npos);
  auto set = say("aad-admin", "voicemail " + line_ + " Hi, you reached the shop.");
  EXPECT_NE(set.find("set"), std::string::npos) << set;
  auto settings = call("GET", "/api/v1/teammates/" + me_ + "/routing");
  EXPECT_EQ(settings.body["voicemail_greeting"], "Hi, you reached the shop.");
  EXPECT_NE(say("aad-amy", "voicemail " + line_).find("Hi, you reached the shop."),
            std::string::npos);
  auto refused = say("aad-amy", "voicemail " + line_ + " Amy was here");
  EXPECT_NE(refused.find("may not"), std::string::npos) << refused;
  EXPECT_EQ(call("GET", "/api/v1/teammates/" + me_ + "/routing").body["voicemail_greeting"],
            "Hi, you reached the shop.");
}

TEST_F(teams_test, sms_and_call_go_out_from_the_teammates_line) {
  auto texted = say("aad-admin", "sms +14155550288 Your table is ready");
  EXPECT_NE(texted.find("Texted"), std::string::npos) << texted;
  EXPECT_TRUE(wait_text("+14155550288", "Your table is ready"));
  auto called = say("aad-admin", "call +14155550288");
  EXPECT_NE(called.find("Calling your phone"), std::string::npos) << called;
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'call.create'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations"), 1) << "both in the customer's one thread";

  EXPECT_NE(say("aad-vic", "sms +14155550288 hi").find("does not allow"), std::string::npos);
  EXPECT_NE(say("aad-vic", "call +14155550288").find("does not allow"), std::string::npos);
  EXPECT_NE(say("aad-amy", "sms +14155550288 hi").find("no business number"), std::string::npos);
  EXPECT_NE(say("aad-admin", "sms " + line_ + " loop").find("not a customer"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'call.create'"), 1);
}

TEST_F(teams_test, link_stores_the_channel_and_team_links_need_teams_manage) {
  EXPECT_NE(say("aad-amy", "link").find("Run link in the channel"), std::string::npos)
      << "not in a 1:1 chat";
  ASSERT_EQ(call("POST", "/api/v1/teams", {{"name", "Support"}}).status, 201);
  auto refused = say("aad-amy", "link team Support", channel + ";messageid=5");
  EXPECT_NE(refused.find("Only admins"), std::string::npos) << refused;
  // A viewer has no conversations of their own to post anywhere.
  auto viewer = say("aad-vic", "link", channel + ";messageid=4");
  EXPECT_NE(viewer.find("does not allow"), std::string::npos) << viewer;
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_channels"), 0);
  EXPECT_NE(say("aad-amy", "link", channel + ";messageid=6").find("posted here"),
            std::string::npos);
  EXPECT_NE(say("aad-admin", "link team Support", channel + ";messageid=7").find("Support's"),
            std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_channels WHERE channel_id = '" + channel +
                  "' AND service_url = '" + bf_.base() + "' AND tenant_id = 'tenant-1'"),
            2);
}

TEST_F(teams_test, connector_failures_are_retried_by_the_outbox) {
  bf_.fail_next_post(503);
  auto a = activity("aad-admin", "help");
  ASSERT_EQ(post(a, token_for(a)), 200);
  auto id = a["id"].get<std::string>();
  EXPECT_TRUE(bf_.wait_for([&](const auto& seen) {
    return std::count_if(seen.begin(), seen.end(),
                         [&](auto& r) { return r.op == "post" && r.reply_to == id; }) == 2;
  })) << "the answer is posted again after the 503";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count("SELECT COUNT(*) FROM outbox WHERE kind = 'teams.reply' AND status = 'done' AND "
               "attempts = 2") != 1 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE kind = 'teams.reply' AND status = 'done' AND "
                  "attempts = 2"),
            1);
}

TEST(teams_off, without_an_app_id_every_activity_is_refused_and_no_keys_are_fetched) {
  sbtest::fake_bot_framework bf;
  bf.set_keys(json::array({signing_key().jwk("key-1")}));
  sbtest::temp_dir dir;
  auto cfg = sbtest::test_config(dir.path());
  cfg.teams = {"", "", "", bf.openid_url(), bf.token_url()};
  sbtest::running_app app(cfg);
  json a = {{"type", "message"},
            {"id", "1"},
            {"channelId", "msteams"},
            {"serviceUrl", bf.base()},
            {"text", "help"},
            {"from", {{"aadObjectId", "aad-1"}}},
            {"conversation", {{"id", "a:1"}}}};
  auto token =
      signing_key().sign({{"alg", "RS256"}, {"kid", "key-1"}}, sbtest::bot_claims("", bf.base()));
  auto r = sbtest::http_request(app.port(), "POST", "/api/teams/messages", a.dump(),
                                "Authorization: Bearer " + token + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(bf.count("openid"), 0u);
}

namespace {

// The same bot, with the admin's line at Twilio (a fake REST API on loopback):
// the customer's text is a signed Twilio webhook, the thread reply an outbound
// Messages.json POST.
class teams_twilio_test : public teams_test {
 protected:
  void configure(sb::config& cfg) override {
    cfg.twilio = {"ACtest", "twilio-test-token", twilio_.base()};
  }

  int inbound_text(const std::string& sid, const std::string& body) {
    sb::carriers::param_list params = {
        {"MessageSid", sid}, {"From", customer}, {"To", line_}, {"Body", body}, {"NumMedia", "0"}};
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms", params)
        .status;
  }

  sbtest::fake_carrier twilio_;
};

}  // namespace

TEST_F(teams_twilio_test, a_reply_in_the_thread_reaches_the_customer_through_the_carrier) {
  ASSERT_EQ(
      count("SELECT COUNT(*) FROM numbers WHERE carrier = 'twilio' AND number = '" + line_ + "'"),
      1);
  EXPECT_NE(
      say("aad-admin", "<at>Switchboard</at> link", channel + ";messageid=1").find("posted here"),
      std::string::npos);
  ASSERT_EQ(inbound_text("SM" + std::string(32, 'a'), "Do you deliver on Sundays?"), 200);
  auto thread = wait_thread();
  ASSERT_FALSE(thread.empty());
  auto created = bf_.requests("create");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_NE(created[0].body.find("Do you deliver on Sundays?"), std::string::npos);

  auto answer = say("aad-admin", "<at>Switchboard</at> Yes, from 10 to 4", thread);
  EXPECT_NE(answer.find("Sent to"), std::string::npos) << answer;
  std::vector<sbtest::fake_carrier::seen> sent;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sent.empty() && std::chrono::steady_clock::now() < deadline) {
    sent = twilio_.requests("message");
    if (sent.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].path, "/2010-04-01/Accounts/ACtest/Messages.json");
  EXPECT_EQ(sent[0].field("To"), customer);
  EXPECT_EQ(sent[0].field("From"), line_);
  EXPECT_EQ(sent[0].field("Body"), "Yes, from 10 to 4");
  EXPECT_EQ(sent[0].authorization, "Basic QUN0ZXN0OnR3aWxpby10ZXN0LXRva2Vu");

  // A private note stays in Switchboard.
  EXPECT_NE(say("aad-admin", ";; asks every week", thread).find("private note"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(twilio_.requests("message").size(), 1u);
}

// Issue 22: erasing the customer removes the Teams mirror's rows too: the thread
// record and every queued or sent post that carried their words.
TEST_F(teams_test, erasing_the_customer_removes_the_teams_thread_record_and_its_posts) {
  auto thread = thread_after_first_text("Where is the kumquatzephyr order?");
  ASSERT_FALSE(thread.empty());
  auto conversations = call("GET", "/api/v1/conversations");
  ASSERT_EQ(conversations.body["items"].size(), 1u);
  auto cid = conversations.body["items"][0]["id"].get<std::string>();
  auto contact = conversations.body["items"][0]["contact_id"].get<std::string>();
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + cid + "/messages", {{"body", "On its way, kumquatzephyr"}}).status,
            201);
  ASSERT_TRUE(bf_.wait_for([&](const auto& seen) {
    for (auto& r : seen)
      if (r.op == "post" && r.body.find("On its way") != std::string::npos) return true;
    return false;
  }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_threads"), 1);
  EXPECT_GE(count("SELECT COUNT(*) FROM outbox WHERE kind LIKE 'teams.%' AND instr(payload, 'kumquatzephyr') > 0"), 2);

  auto erased = call("DELETE", "/api/v1/contacts/" + contact);
  ASSERT_EQ(erased.status, 200) << erased.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams_threads"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE instr(payload, 'kumquatzephyr') > 0"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE instr(payload, '" + customer + "') > 0"), 0);
}
