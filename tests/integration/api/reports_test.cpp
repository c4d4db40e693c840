// Reports (issue 21 acceptance): the figures of a scripted timeline with known
// answers, over real HTTP and a clock the test moves. The workspace counts days in
// New York and is open Monday to Friday 09:00-17:00 there; the timeline crosses a
// weekend and the night the clocks go back (Sunday 1 November 2026, 02:00 EDT →
// 01:00 EST), so business-hours figures skip Saturday and Sunday and wall-clock
// figures count the extra hour.
//
//   A  text Fri 30 Oct 16:00 EDT; reply Mon 2 Nov 10:00 EST; resolved 11:00 EST; label vip
//   C  text Sat 31 Oct 12:00 EDT; reply 12:30 EDT (all of it outside business hours)
//   B  text Mon 2 Nov 09:30 EST; reply 09:40; text 10:00; reply 10:20; resolved 12:00;
//      text Tue 3 Nov 08:00 EST (reopens it)
//   D  email conversation a teammate opens Tue 3 Nov 09:00 EST, resolved 09:30; its
//      link survey answered 4
#include <atomic>
#include <memory>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/store/sqlite.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class reports : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://support.example.com";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = "http://127.0.0.1:9";  // nothing listens: replies stay unsent
    set_clock("2026-10-30T12:00:00Z");
    start_app();
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body.value("id", "");
  }
  void start_app() {
    sb::app::app_options o{false, {}};
    o.outbox_poll = 50ms;
    auto clock = clock_;
    o.now = [clock] { return sb::sys_time(std::chrono::milliseconds(clock->load())); };
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
  }

  void set_clock(const char* rfc3339) {
    auto t = sb::parse_rfc3339(rfc3339);
    ASSERT_TRUE(t) << rfc3339;
    clock_->store(std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count());
  }
  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         const std::string& token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }
  sbtest::api_reply text(const char* at, const std::string& sid, const std::string& from, const std::string& body) {
    set_clock(at);
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms",
                               {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", from}, {"To", line_},
                                {"Body", body}, {"NumMedia", "0"}});
  }
  void reply(const char* at, const std::string& conversation, const std::string& body) {
    set_clock(at);
    auto r = call("POST", "/api/v1/conversations/" + conversation + "/messages", {{"body", body}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }
  void resolve(const char* at, const std::string& conversation) {
    set_clock(at);
    auto r = call("PATCH", "/api/v1/conversations/" + conversation, {{"status", "resolved"}});
    ASSERT_EQ(r.status, 200) << r.raw;
  }
  std::string conversation_of(const std::string& phone) {
    auto r = call("GET", "/api/v1/conversations?status=all");
    for (auto& c : r.body["items"])
      if (c["contact"]["phone"] == phone) return c["id"];
    ADD_FAILURE() << "no conversation for " << phone << ": " << r.raw;
    return {};
  }
  json get(const std::string& path) {
    auto r = call("GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.raw;
    return r.body;
  }

  // The timeline of the header; ids of A, B, C, D.
  void play_timeline() {
    auto settings = call("PATCH", "/api/v1/reports/settings",
                         json::parse(R"({"timezone": "America/New_York", "business_hours": {
                           "timezone": "America/New_York",
                           "weekly": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
                                      "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}}})"));
    ASSERT_EQ(settings.status, 200) << settings.raw;
    auto line = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", line_}});
    ASSERT_EQ(line.status, 201) << line.raw;

    ASSERT_EQ(text("2026-10-30T20:00:00Z", "SMa1", phone_a_, "Where is my order?").status, 200);
    a_ = conversation_of(phone_a_);
    ASSERT_EQ(text("2026-10-31T16:00:00Z", "SMc1", phone_c_, "Are you open today?").status, 200);
    c_ = conversation_of(phone_c_);
    reply("2026-10-31T16:30:00Z", c_, "We are, until 6.");
    ASSERT_EQ(text("2026-11-02T14:30:00Z", "SMb1", phone_b_, "I need help").status, 200);
    b_ = conversation_of(phone_b_);
    reply("2026-11-02T14:40:00Z", b_, "Hello, what happened?");
    reply("2026-11-02T15:00:00Z", a_, "It ships today.");
    ASSERT_EQ(text("2026-11-02T15:00:00Z", "SMb2", phone_b_, "My card was declined").status, 200);
    set_clock("2026-11-02T15:01:00Z");
    ASSERT_EQ(call("PATCH", "/api/v1/conversations/" + a_, {{"labels", {"vip"}}}).status, 200);
    reply("2026-11-02T15:20:00Z", b_, "Try again now, please.");
    resolve("2026-11-02T16:00:00Z", a_);
    resolve("2026-11-02T17:00:00Z", b_);
    ASSERT_EQ(text("2026-11-03T13:00:00Z", "SMb3", phone_b_, "It failed again").status, 200);
    EXPECT_EQ(get("/api/v1/conversations/" + b_)["status"], "open");

    set_clock("2026-11-03T14:00:00Z");
    auto k = call("POST", "/api/v1/contacts", {{"name", "Dora"}});
    ASSERT_EQ(k.status, 201) << k.raw;
    auto d = call("POST", "/api/v1/conversations", {{"contact_id", k.body["id"]}, {"channel", "email"}});
    ASSERT_EQ(d.status, 201) << d.raw;
    d_ = d.body["id"];
    resolve("2026-11-03T14:30:00Z", d_);
    std::string link = get("/api/v1/conversations/" + d_)["csat"].value("link", "");
    const std::string prefix = "https://support.example.com";
    ASSERT_EQ(link.rfind(prefix, 0), 0u) << link;
    set_clock("2026-11-03T15:00:00Z");
    auto answered = sbtest::http_request(app_->port(), "POST", link.substr(prefix.size()), "rating=4",
                                         "Content-Type: application/x-www-form-urlencoded\r\n");
    ASSERT_TRUE(answered);
    ASSERT_EQ(answered->status, 303) << answered->body;
  }

  std::shared_ptr<std::atomic<std::int64_t>> clock_ = std::make_shared<std::atomic<std::int64_t>>(0);
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_;
  std::string line_ = "+14155550100";
  std::string phone_a_ = "+14155550111", phone_b_ = "+14155550122", phone_c_ = "+14155550133";
  std::string a_, b_, c_, d_;
};

const std::string range = "from=2026-10-30&to=2026-11-03";

void expect_stats(const json& s, std::int64_t count, std::int64_t average, std::int64_t median, std::int64_t p90) {
  EXPECT_EQ(s["count"], count) << s;
  EXPECT_EQ(s["average"], average) << s;
  EXPECT_EQ(s["median"], median) << s;
  EXPECT_EQ(s["p90"], p90) << s;
}

}  // namespace

TEST_F(reports, the_summary_of_a_scripted_timeline_has_the_known_answers) {
  play_timeline();
  auto s = get("/api/v1/reports/summary?" + range);
  EXPECT_EQ(s["timezone"], "America/New_York");
  EXPECT_EQ(s["conversations"]["new"], 4) << s;
  EXPECT_EQ(s["conversations"]["resolved"], 3);
  EXPECT_EQ(s["conversations"]["reopened"], 1);
  EXPECT_EQ(s["conversations"]["open_at_end"], 2);  // B (reopened) and C
  EXPECT_EQ(s["messages"]["inbound"], 5);
  EXPECT_EQ(s["messages"]["outbound"], 4);
  // First responses: A 67 h (the weekend and the extra hour), C 30 min, B 10 min.
  expect_stats(s["first_response_time"], 3, (241200 + 1800 + 600) / 3, 1800, 241200);
  // Replies: A 67 h, C 30 min, B 10 and 20 min.
  expect_stats(s["reply_time"], 4, (241200 + 1800 + 600 + 1200) / 4, 1200, 241200);
  // Resolutions from opening: A 68 h, B 2 h 30, D 30 min.
  expect_stats(s["resolution_time"], 3, (244800 + 9000 + 1800) / 3, 9000, 244800);
  EXPECT_EQ(s["csat"]["sent"], 1);
  EXPECT_EQ(s["csat"]["responses"], 1);
  EXPECT_EQ(s["csat"]["average"], 4.0);
  EXPECT_EQ(s["csat"]["response_rate"], 1.0);
  EXPECT_TRUE(s["bot"]["deflection_rate"].is_null());

  // In business hours (Mon-Fri 09:00-17:00 New York): A waited 1 h on Friday and 1 h
  // on Monday; C's Saturday wait counts nothing; A's resolution is 1 h + 2 h.
  auto bh = get("/api/v1/reports/summary?" + range + "&business_hours=true");
  EXPECT_EQ(bh["business_hours"], true);
  expect_stats(bh["first_response_time"], 3, (7200 + 0 + 600) / 3, 600, 7200);
  expect_stats(bh["reply_time"], 4, (7200 + 0 + 600 + 1200) / 4, 600, 7200);
  expect_stats(bh["resolution_time"], 3, (10800 + 9000 + 1800) / 3, 9000, 10800);

  // Prometheus: all-time histograms and the open conversations, per workspace and team.
  auto metrics = sbtest::http_request(app_->port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  auto& text = metrics->body;
  auto ws = get("/api/v1/me").value("workspace_id", "");
  auto series = [&](const std::string& name) {
    auto at = text.find(name + " ");
    return at == std::string::npos ? std::string("missing") : text.substr(at + name.size() + 1, text.find('\n', at) - at - name.size() - 1);
  };
  std::string scope = "{workspace=\"" + ws + "\",team=\"\"";
  EXPECT_EQ(series("switchboard_first_response_seconds_count" + scope + "}"), "3") << text;
  EXPECT_EQ(series("switchboard_first_response_seconds_sum" + scope + "}"), "243600");
  EXPECT_EQ(series("switchboard_first_response_seconds_bucket" + scope + ",le=\"900\"}"), "1");
  EXPECT_EQ(series("switchboard_first_response_seconds_bucket" + scope + ",le=\"3600\"}"), "2");
  EXPECT_EQ(series("switchboard_first_response_seconds_bucket" + scope + ",le=\"+Inf\"}"), "3");
  EXPECT_EQ(series("switchboard_resolution_seconds_count" + scope + "}"), "3");
  EXPECT_EQ(series("switchboard_open_conversations" + scope + "}"), "2");

  // A day in the middle: Monday 2 November, local.
  auto monday = get("/api/v1/reports/summary?from=2026-11-02&to=2026-11-02");
  EXPECT_EQ(monday["conversations"]["new"], 1);  // B; A came on Friday
  EXPECT_EQ(monday["conversations"]["resolved"], 2);
  EXPECT_EQ(monday["conversations"]["open_at_end"], 1);  // C
  EXPECT_EQ(monday["messages"]["inbound"], 2);
}

TEST_F(reports, scopes_by_channel_teammate_and_label_agree_with_the_timeline) {
  play_timeline();
  auto email = get("/api/v1/reports/summary?" + range + "&channel=email");
  EXPECT_EQ(email["conversations"]["new"], 1);
  EXPECT_EQ(email["conversations"]["resolved"], 1);
  EXPECT_EQ(email["csat"]["responses"], 1);
  auto sms = get("/api/v1/reports/summary?" + range + "&channel=sms");
  EXPECT_EQ(sms["conversations"]["new"], 3);
  expect_stats(sms["first_response_time"], 3, (241200 + 1800 + 600) / 3, 1800, 241200);
  // Every reply was the admin's.
  auto mine = get("/api/v1/reports/summary?" + range + "&teammate_id=" + me_);
  EXPECT_EQ(mine["reply_time"]["count"], 4);
  EXPECT_EQ(mine["messages"]["outbound"], 4);
  // A label is read from the event log (exact figures), with the same answers.
  auto vip = get("/api/v1/reports/summary?" + range + "&label=vip");
  EXPECT_EQ(vip["conversations"]["new"], 1);
  expect_stats(vip["first_response_time"], 1, 241200, 241200, 241200);
  expect_stats(vip["resolution_time"], 1, 244800, 244800, 244800);
  EXPECT_EQ(vip["messages"]["inbound"], 1);
  EXPECT_EQ(vip["messages"]["outbound"], 1);
  auto vip_sms = get("/api/v1/reports/summary?" + range + "&label=vip&channel=sms&business_hours=true");
  expect_stats(vip_sms["first_response_time"], 1, 7200, 7200, 7200);
  auto none = get("/api/v1/reports/summary?" + range + "&label=nobody");
  EXPECT_EQ(none["conversations"]["new"], 0);
  EXPECT_TRUE(none["first_response_time"]["median"].is_null());
}

TEST_F(reports, the_time_series_by_day_and_by_hour_across_the_clock_change) {
  play_timeline();
  auto days = get("/api/v1/reports/timeseries?" + range);
  auto& points = days["points"];
  ASSERT_EQ(points.size(), 5u) << days;
  std::vector<std::string> labels;
  std::vector<int> created, resolved;
  for (auto& p : points) {
    labels.push_back(p["label"]);
    created.push_back(p["conversations_new"]);
    resolved.push_back(p["conversations_resolved"]);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"}));
  EXPECT_EQ(created, (std::vector<int>{1, 1, 0, 1, 1}));
  EXPECT_EQ(resolved, (std::vector<int>{0, 0, 0, 2, 1}));
  EXPECT_EQ(points[0]["start"], "2026-10-30T00:00:00-04:00");
  EXPECT_EQ(points[3]["start"], "2026-11-02T00:00:00-05:00");
  EXPECT_EQ(points[3]["first_response_time_median"], 600);  // B 10 min; A's 67 h was also Monday's: rank 1 of 2
  EXPECT_EQ(points[1]["first_response_time_median"], 1800);
  EXPECT_TRUE(points[2]["first_response_time_median"].is_null());
  EXPECT_EQ(points[4]["csat_average"], 4.0);

  // Sunday 1 November has 25 hours; the repeated 01:00 is one point (24 labels).
  auto hours = get("/api/v1/reports/timeseries?from=2026-11-01&to=2026-11-01&group_by=hour");
  ASSERT_EQ(hours["points"].size(), 24u) << hours;
  EXPECT_EQ(hours["points"][0]["start"], "2026-11-01T00:00:00-04:00");
  EXPECT_EQ(hours["points"][2]["start"], "2026-11-01T02:00:00-05:00");
  // Monday by hour: B's first text at 09:00, its second at 10:00 and A's reply at 10:00.
  auto monday = get("/api/v1/reports/timeseries?from=2026-11-02&to=2026-11-02&group_by=hour");
  ASSERT_EQ(monday["points"].size(), 24u);
  EXPECT_EQ(monday["points"][9]["messages_inbound"], 1);
  EXPECT_EQ(monday["points"][9]["conversations_new"], 1);
  EXPECT_EQ(monday["points"][10]["messages_inbound"], 1);
  EXPECT_EQ(monday["points"][10]["messages_outbound"], 2);
  // Scoped hourly series come from the event log: the same counts.
  auto sms_monday = get("/api/v1/reports/timeseries?from=2026-11-02&to=2026-11-02&group_by=hour&channel=sms");
  EXPECT_EQ(sms_monday["points"][9]["conversations_new"], 1);
  EXPECT_EQ(sms_monday["points"][10]["messages_outbound"], 2);
}

TEST_F(reports, the_drill_down_and_the_csv_list_the_conversations_behind_a_figure) {
  play_timeline();
  auto resolved = get("/api/v1/reports/conversations?from=2026-11-02&to=2026-11-02&event=resolved");
  auto& items = resolved["items"];
  ASSERT_EQ(items.size(), 2u) << resolved;
  EXPECT_EQ(items[0]["id"], a_);
  EXPECT_EQ(items[0]["first_response_time"], 241200);
  EXPECT_EQ(items[0]["resolution_time"], 244800);
  EXPECT_EQ(items[0]["labels"], json({"vip"}));
  EXPECT_EQ(items[1]["id"], b_);
  EXPECT_EQ(items[1]["status"], "open");  // reopened since
  EXPECT_TRUE(resolved["next_cursor"].is_null());
  auto bh = get("/api/v1/reports/conversations?from=2026-11-02&to=2026-11-02&event=resolved&business_hours=true");
  EXPECT_EQ(bh["items"][0]["resolution_time"], 10800);

  // Pages of one, by cursor.
  auto first = get("/api/v1/reports/conversations?" + range + "&limit=1");
  ASSERT_EQ(first["items"].size(), 1u);
  std::vector<std::string> ids = {first["items"][0]["id"]};
  auto cursor = first["next_cursor"];
  while (cursor.is_string()) {
    auto page = get("/api/v1/reports/conversations?" + range + "&limit=1&cursor=" + cursor.get<std::string>());
    for (auto& i : page["items"]) ids.push_back(i["id"]);
    cursor = page["next_cursor"];
    ASSERT_LT(ids.size(), 10u);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{a_, c_, b_, d_}));

  // Resolved a second time (Tuesday): still one row, at its later resolution.
  resolve("2026-11-03T16:00:00Z", b_);
  auto twice = get("/api/v1/reports/conversations?" + range + "&event=resolved");
  std::vector<std::string> resolved_ids;
  for (auto& i : twice["items"]) resolved_ids.push_back(i["id"]);
  EXPECT_EQ(resolved_ids, (std::vector<std::string>{a_, d_, b_})) << twice;
  EXPECT_EQ(twice["items"][2]["event_at"].get<std::string>().rfind("2026-11-03T16:00:00", 0), 0u) << twice;
  // Narrowed to the first resolution's day, B is listed for that one.
  auto monday_only = get("/api/v1/reports/conversations?from=2026-11-02&to=2026-11-02&event=resolved");
  EXPECT_EQ(monday_only["items"].size(), 2u);

  auto rated = get("/api/v1/reports/conversations?" + range + "&event=csat");
  ASSERT_EQ(rated["items"].size(), 1u);
  EXPECT_EQ(rated["items"][0]["csat_rating"], 4);

  auto csv = sbtest::http_request(app_->port(), "GET", "/api/v1/reports/conversations.csv?" + range, "",
                                  "Authorization: Bearer " + token_ + "\r\n");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->header("content-type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv->header("content-disposition").find("conversations-2026-10-30-to-2026-11-03.csv"), std::string::npos);
  auto& body = csv->body;
  EXPECT_EQ(body.substr(0, body.find("\r\n")),
            "id,status,channel,contact_name,assignee_id,assignee_name,team_id,team_name,labels,created_at,"
            "first_response_at,resolved_at,first_response_time,resolution_time,csat_rating");
  int lines = 0;
  for (std::size_t at = 0; (at = body.find("\r\n", at)) != std::string::npos; at += 2) ++lines;
  EXPECT_EQ(lines, 5);  // the header and A, C, B, D
  EXPECT_NE(body.find(a_ + ",resolved,sms,"), std::string::npos) << body;
  EXPECT_NE(body.find(",vip,"), std::string::npos);
  EXPECT_NE(body.find(",241200,244800,"), std::string::npos);
  EXPECT_NE(body.find(d_ + ",resolved,email,Dora,"), std::string::npos);
}

TEST_F(reports, bad_queries_are_400_and_reports_are_for_admins) {
  for (const std::string& q :
       {std::string("to=2026-11-03"), std::string("from=2026-11-03"), std::string("from=2026-13-01&to=2026-11-03"),
        std::string("from=2026-11-03&to=2026-11-01"), std::string("from=2025-01-01&to=2026-11-03"),
        range + "&business_hours=yes", range + "&team_id=abc", range + "&teammate_id=0", range + "&channel=fax",
        range + "&group_by=week", std::string("from=2026-10-01&to=2026-11-03&group_by=hour"), range + "&label=" + std::string(101, 'x')}) {
    auto r = call("GET", "/api/v1/reports/summary?" + q);
    EXPECT_EQ(r.status, 400) << q << ": " << r.raw;
    EXPECT_TRUE(r.body["error"]["code"] == "INVALID_INPUT" || r.body["error"]["code"] == "MISSING_REQUIRED_FIELD") << r.raw;
  }
  EXPECT_EQ(call("GET", "/api/v1/reports/conversations?" + range + "&event=nothing").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/reports/conversations?" + range + "&cursor=garbage").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/reports/conversations?" + range + "&limit=101").status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/reports/settings", {{"timezone", "Mars/Olympus"}}).status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/reports/settings", {{"business_hours", {{"weekly", 3}}}}).status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/reports/settings", {{"colour", "red"}}).status, 400);
  EXPECT_EQ(get("/api/v1/reports/settings")["timezone"], "UTC");

  auto made = call("POST", "/api/v1/teammates",
                   {{"email", "agent@example.com"}, {"name", "Agent"}, {"role", "agent"}, {"password", "password-agent-1"}});
  ASSERT_EQ(made.status, 201) << made.raw;
  auto login = sbtest::api_call(app_->port(), "POST", "/api/v1/auth/login", "",
                                {{"email", "agent@example.com"}, {"password", "password-agent-1"}});
  ASSERT_EQ(login.status, 200);
  auto denied = call("GET", "/api/v1/reports/summary?" + range, nullptr, login.body.value("token", ""));
  EXPECT_EQ(denied.status, 403) << denied.raw;
}

// An installation upgraded from before the log: its conversations have no report
// rows. The upgrade (schema 26) lists each with the instant the log began (schema
// 25's applied_at) and the leader replays them: created, the messages before that
// instant, the last resolution. Here the whole timeline is made "old" by emptying
// the report tables and going back to schema 25 with the log begun on Tuesday
// 13:30 UTC: D (created 14:00) was the log's own, and B's reopening is not known
// (only its status now, open), so B counts no resolution.
TEST_F(reports, conversations_from_before_the_log_are_replayed_into_it_on_upgrade) {
  play_timeline();
  app_.reset();
  {
    sb::store::database db(dir_.file("switchboard.db"), sb::store::database::mode::read_write);
    db.exec(
        "DELETE FROM report_events; DELETE FROM report_rollups; DELETE FROM report_conversation_state;"
        " DROP TABLE report_backfill; DELETE FROM schema_migrations WHERE version = 26;"
        " UPDATE schema_migrations SET applied_at = '2026-11-03T13:30:00Z' WHERE version = 25");
  }
  set_clock("2026-11-03T15:30:00Z");
  start_app();
  json s;
  for (int i = 0; i < 200; ++i) {
    s = get("/api/v1/reports/summary?" + range);
    if (s["conversations"]["new"] == 3) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(s["conversations"]["new"], 3) << s;  // A, B, C; D began after the log
  EXPECT_EQ(s["conversations"]["resolved"], 1);    // A
  EXPECT_EQ(s["conversations"]["reopened"], 0);
  EXPECT_EQ(s["conversations"]["open_at_end"], 2);  // B and C
  EXPECT_EQ(s["messages"]["inbound"], 5);
  EXPECT_EQ(s["messages"]["outbound"], 4);
  expect_stats(s["first_response_time"], 3, (241200 + 1800 + 600) / 3, 1800, 241200);
  expect_stats(s["reply_time"], 4, (241200 + 1800 + 600 + 1200) / 4, 1200, 241200);
  expect_stats(s["resolution_time"], 1, 244800, 244800, 244800);
  auto bh = get("/api/v1/reports/summary?" + range + "&business_hours=true");
  expect_stats(bh["first_response_time"], 3, (7200 + 0 + 600) / 3, 600, 7200);

  // B's state carried over: its customer has waited since Tuesday 13:00 UTC, so a
  // reply now is a reply of 2 h 30.
  reply("2026-11-03T15:30:00Z", b_, "Sorry, trying again on our side.");
  auto after = get("/api/v1/reports/summary?" + range);
  EXPECT_EQ(after["reply_time"]["count"], 5) << after;
  EXPECT_EQ(after["reply_time"]["average"], (241200 + 1800 + 600 + 1200 + 9000) / 5);

  // Replayed once: another start finds nothing left and the figures stay.
  app_.reset();
  start_app();
  std::this_thread::sleep_for(200ms);
  auto again = get("/api/v1/reports/summary?" + range);
  EXPECT_EQ(again["conversations"]["new"], 3) << again;
  EXPECT_EQ(again["messages"]["inbound"], 5);
  EXPECT_EQ(again["reply_time"]["count"], 5);
}

// /metrics names workspaces and their figures: with metrics.token set, a scraper
// must present it (Prometheus: `authorization: {credentials: …}`).
TEST_F(reports, metrics_want_the_bearer_token_when_one_is_configured) {
  app_.reset();
  cfg_.metrics_token = "scrape-secret-1";
  start_app();
  auto bare = sbtest::http_request(app_->port(), "GET", "/metrics");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 401);
  EXPECT_EQ(json::parse(bare->body, nullptr, false)["error"]["code"], "NOT_AUTHENTICATED") << bare->body;
  EXPECT_EQ(bare->header("www-authenticate"), "Bearer");
  auto wrong = sbtest::http_request(app_->port(), "GET", "/metrics", "", "Authorization: Bearer scrape-secret-2\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto session = sbtest::http_request(app_->port(), "GET", "/metrics", "", "Authorization: Bearer " + token_ + "\r\n");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->status, 401);  // a teammate's session is not the scraper's token
  auto scraper = sbtest::http_request(app_->port(), "GET", "/metrics", "", "Authorization: Bearer scrape-secret-1\r\n");
  ASSERT_TRUE(scraper);
  EXPECT_EQ(scraper->status, 200);
  EXPECT_NE(scraper->body.find("switchboard_open_conversations"), std::string::npos) << scraper->body;
  // The other probes stay open.
  auto health = sbtest::http_request(app_->port(), "GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}
