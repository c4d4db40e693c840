#include "switchboard/routing/reports.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "switchboard/core/clock.hpp"

namespace sb = switchboard;
namespace rt = switchboard::routing;
using json = nlohmann::json;

namespace {
rt::report_time at(const char* rfc3339) { return *sb::parse_rfc3339(rfc3339); }

std::optional<rt::business_hours> weekdays_9_to_17(const char* tz) {
  auto day = R"([["09:00","17:00"]])";
  auto h = rt::parse_business_hours(json::parse(std::string(R"({"timezone":")") + tz + R"(","weekly":{"mon":)" + day +
                                                R"(,"tue":)" + day + R"(,"wed":)" + day + R"(,"thu":)" + day +
                                                R"(,"fri":)" + day + R"(},"holidays":["2026-12-25"]})"));
  EXPECT_TRUE(h && *h);
  return **h;
}

rt::report_message_facts text_from(const char* who, const char* when) {
  rt::report_message_facts m;
  m.sender_kind = who;
  m.direction = std::string(who) == "contact" ? "inbound" : "outbound";
  m.kind = "text";
  m.at = at(when);
  return m;
}
}  // namespace

TEST(report_hours, a_weekend_counts_nothing_in_business_hours) {
  auto h = weekdays_9_to_17("America/New_York");
  // Friday 16:00 New York (21:00 UTC) to Monday 10:00 (15:00 UTC): 1 h + 1 h.
  EXPECT_EQ(rt::open_seconds_between(h, at("2026-11-20T21:00:00Z"), at("2026-11-23T15:00:00Z")), 2 * 3600);
  // The same span in wall-clock time.
  EXPECT_EQ(rt::open_seconds_between(std::nullopt, at("2026-11-20T21:00:00Z"), at("2026-11-23T15:00:00Z")),
            66 * 3600);
  // Wholly inside a weekend: nothing.
  EXPECT_EQ(rt::open_seconds_between(h, at("2026-11-21T15:00:00Z"), at("2026-11-22T20:00:00Z")), 0);
  // A holiday (Friday 25 December) is closed all day: Thursday 16:00–17:00 and Monday 09:00–10:00.
  EXPECT_EQ(rt::open_seconds_between(h, at("2026-12-24T21:00:00Z"), at("2026-12-28T15:00:00Z")), 2 * 3600);
}

TEST(report_hours, a_clock_change_inside_the_span_is_counted_in_real_seconds) {
  auto h = weekdays_9_to_17("Europe/Paris");
  // Europe leaves summer time on Sunday 25 October 2026 (03:00 CEST → 02:00 CET).
  // Friday 23 Oct 16:00 CEST (14:00 UTC) to Monday 26 Oct 10:00 CET (09:00 UTC):
  // one hour on Friday, one on Monday, whatever the offset did on Sunday.
  EXPECT_EQ(rt::open_seconds_between(h, at("2026-10-23T14:00:00Z"), at("2026-10-26T09:00:00Z")), 2 * 3600);
  // Wall clock: 67 h of local reading, 68 real hours (the clock went back one).
  EXPECT_EQ(rt::open_seconds_between(std::nullopt, at("2026-10-23T14:00:00Z"), at("2026-10-26T09:00:00Z")),
            67 * 3600);
  // A schedule open across the night of the change: Saturday 22:00 to Sunday 06:00 local is 9 real hours.
  auto night = rt::parse_business_hours(
      json::parse(R"({"timezone":"Europe/Paris","weekly":{"sat":[["22:00","24:00"]],"sun":[["00:00","06:00"]]}})"));
  ASSERT_TRUE(night && *night);
  EXPECT_EQ(rt::open_seconds_between(**night, at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z")), 9 * 3600);
  // Spring forward (29 March 2026, 02:00 → 03:00): the same night is 7 real hours.
  EXPECT_EQ(rt::open_seconds_between(**night, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")), 7 * 3600);
}

TEST(report_hours, the_schedule_is_read_in_its_own_zone) {
  // 09:00–17:00 in Tokyo is 00:00–08:00 UTC; a wait from 07:00 to 10:00 UTC on a Tuesday is 1 h open.
  auto h = weekdays_9_to_17("Asia/Tokyo");
  EXPECT_EQ(rt::open_seconds_between(h, at("2026-11-24T07:00:00Z"), at("2026-11-24T10:00:00Z")), 3600);
  // And in a half-hour zone: Kolkata 09:00 is 03:30 UTC.
  auto k = weekdays_9_to_17("Asia/Kolkata");
  EXPECT_EQ(rt::open_seconds_between(k, at("2026-11-24T03:00:00Z"), at("2026-11-24T04:00:00Z")), 1800);
  EXPECT_EQ(rt::open_seconds_between(k, at("2026-11-24T05:00:00Z"), at("2026-11-24T04:00:00Z")), 0);
}

TEST(report_plan, a_customer_waits_from_the_first_unanswered_message_to_the_reply) {
  rt::report_state s;
  s.opened_at = at("2026-11-24T09:00:00Z");
  auto first = rt::plan_report_message(s, text_from("contact", "2026-11-24T09:00:00Z"));
  EXPECT_EQ(first.count, rt::report_kind::message_in);
  EXPECT_TRUE(first.steps.empty());
  ASSERT_TRUE(first.next.waiting_since);
  // A second message while waiting does not move the start.
  auto second = rt::plan_report_message(first.next, text_from("contact", "2026-11-24T09:05:00Z"));
  EXPECT_EQ(second.next.waiting_since, at("2026-11-24T09:00:00Z"));
  // A private note and the bot's answer are not replies.
  auto note = text_from("teammate", "2026-11-24T09:07:00Z");
  note.is_private = true;
  note.direction = "internal";
  EXPECT_TRUE(rt::plan_report_message(second.next, note).steps.empty());
  auto bot = text_from("bot", "2026-11-24T09:08:00Z");
  bot.bot_step = "answer";
  auto bot_plan = rt::plan_report_message(second.next, bot);
  ASSERT_EQ(bot_plan.steps.size(), 1u);
  EXPECT_EQ(bot_plan.steps[0].kind, rt::report_kind::bot_answer);
  EXPECT_EQ(bot_plan.next.waiting_since, at("2026-11-24T09:00:00Z"));
  // The teammate's reply: first response and a reply, both from 09:00.
  auto reply = rt::plan_report_message(bot_plan.next, text_from("teammate", "2026-11-24T09:10:00Z"));
  EXPECT_EQ(reply.count, rt::report_kind::message_out);
  ASSERT_EQ(reply.steps.size(), 2u);
  EXPECT_EQ(reply.steps[0].kind, rt::report_kind::first_response);
  EXPECT_EQ(reply.steps[1].kind, rt::report_kind::reply);
  EXPECT_EQ(reply.steps[1].started, at("2026-11-24T09:00:00Z"));
  EXPECT_FALSE(reply.next.waiting_since);
  EXPECT_TRUE(reply.next.responded);
  // A second reply with nobody waiting measures nothing; the next wait is a reply, not a first response.
  EXPECT_TRUE(rt::plan_report_message(reply.next, text_from("teammate", "2026-11-24T09:11:00Z")).steps.empty());
  auto again = rt::plan_report_message(reply.next, text_from("contact", "2026-11-24T10:00:00Z"));
  auto later = rt::plan_report_message(again.next, text_from("teammate", "2026-11-24T10:30:00Z"));
  ASSERT_EQ(later.steps.size(), 1u);
  EXPECT_EQ(later.steps[0].kind, rt::report_kind::reply);
}

TEST(report_plan, a_conversation_a_teammate_started_has_no_first_response) {
  rt::report_state s;
  auto out = rt::plan_report_message(s, text_from("teammate", "2026-11-24T09:00:00Z"));
  EXPECT_TRUE(out.steps.empty());
  EXPECT_TRUE(out.next.responded);
  auto answer = rt::plan_report_message(out.next, text_from("contact", "2026-11-24T09:30:00Z"));
  auto reply = rt::plan_report_message(answer.next, text_from("teammate", "2026-11-24T09:40:00Z"));
  ASSERT_EQ(reply.steps.size(), 1u);
  EXPECT_EQ(reply.steps[0].kind, rt::report_kind::reply);
}

TEST(report_plan, resolving_and_reopening) {
  rt::report_state s;
  s.opened_at = at("2026-11-24T09:00:00Z");
  s.waiting_since = at("2026-11-24T09:30:00Z");
  auto resolved = rt::plan_report_change(s, "open", "resolved", at("2026-11-24T11:00:00Z"));
  ASSERT_EQ(resolved.steps.size(), 1u);
  EXPECT_EQ(resolved.steps[0].kind, rt::report_kind::resolved);
  EXPECT_EQ(resolved.steps[0].started, at("2026-11-24T09:00:00Z"));
  EXPECT_FALSE(resolved.next.waiting_since);
  EXPECT_TRUE(rt::plan_report_change(s, "open", "snoozed", at("2026-11-24T11:00:00Z")).steps.empty());
  // The customer's text reopens it: reopened, and resolution time counts from then.
  auto m = text_from("contact", "2026-11-25T08:00:00Z");
  m.reopens = true;
  auto reopened = rt::plan_report_message(resolved.next, m);
  ASSERT_EQ(reopened.steps.size(), 1u);
  EXPECT_EQ(reopened.steps[0].kind, rt::report_kind::reopened);
  EXPECT_EQ(reopened.next.opened_at, at("2026-11-25T08:00:00Z"));
  auto by_hand = rt::plan_report_change(resolved.next, "resolved", "open", at("2026-11-25T09:00:00Z"));
  EXPECT_EQ(by_hand.steps.at(0).kind, rt::report_kind::reopened);
}

TEST(report_rollups, a_duration_counts_in_each_scope_in_wall_and_business_time) {
  rt::report_scope scope;
  scope.team_id = 3;
  scope.teammate_id = 7;
  scope.channel = "sms";
  auto rows = rt::rollup_deltas(rt::report_kind::reply, scope, 600, 120, std::nullopt);
  ASSERT_EQ(rows.size(), 8u);  // workspace, team, teammate, channel; wall and business each
  EXPECT_EQ(rows[0].metric, "reply");
  EXPECT_EQ(rows[0].dim, "");
  EXPECT_EQ(rows[0].total, 600);
  EXPECT_EQ(rt::duration_bucket_floor(rows[0].bucket), 600);
  EXPECT_EQ(rows[1].metric, "reply@bh");
  EXPECT_EQ(rows[1].total, 120);
  EXPECT_EQ(rows[3].dim, "team");
  EXPECT_EQ(rows[3].dim_value, "3");
  auto counts = rt::rollup_deltas(rt::report_kind::csat_rating, {}, std::nullopt, std::nullopt, 4);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].bucket, -1);
  EXPECT_EQ(counts[0].total, 4);
  // Created, reopened and resolved also move the open count of each scope: +1, +1, −1.
  rt::report_scope team_only;
  team_only.team_id = 3;
  auto created = rt::rollup_deltas(rt::report_kind::created, team_only, std::nullopt, std::nullopt, std::nullopt);
  ASSERT_EQ(created.size(), 4u);  // created and open, for the workspace and the team
  EXPECT_EQ(created[1].metric, rt::report_open_metric);
  EXPECT_EQ(created[1].total, 1);
  EXPECT_EQ(created[3].dim, "team");
  EXPECT_EQ(created[3].metric, rt::report_open_metric);
  auto resolved = rt::rollup_deltas(rt::report_kind::resolved, {}, 60, 60, std::nullopt);
  ASSERT_EQ(resolved.size(), 3u);  // wall, business, open
  EXPECT_EQ(resolved[2].metric, rt::report_open_metric);
  EXPECT_EQ(resolved[2].total, -1);
  auto reopened = rt::rollup_deltas(rt::report_kind::reopened, {}, std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(reopened.back().total, 1);
}

TEST(report_stats, buckets_give_exact_figures_when_their_values_are_equal) {
  // Durations 60, 60, 600, 3600, 7200 (nearest rank: median 600, p90 7200).
  std::vector<std::int64_t> values = {60, 60, 600, 3600, 7200};
  std::map<std::int64_t, rt::bucket_sum> by_bucket;
  for (auto v : values) {
    auto& b = by_bucket[rt::duration_bucket(v)];
    b.bucket = rt::duration_bucket(v);
    b.n += 1;
    b.total += v;
  }
  std::vector<rt::bucket_sum> buckets;
  for (auto& [k, b] : by_bucket) buckets.push_back(b);
  auto from_buckets = rt::stats_of_buckets(buckets);
  auto exact = rt::stats_of_values(values);
  EXPECT_EQ(from_buckets.count, 5);
  EXPECT_DOUBLE_EQ(*from_buckets.average, 2304.0);
  EXPECT_EQ(from_buckets.median, 600);
  EXPECT_EQ(from_buckets.p90, 7200);
  EXPECT_EQ(exact.median, from_buckets.median);
  EXPECT_EQ(exact.p90, from_buckets.p90);
  EXPECT_DOUBLE_EQ(*exact.average, *from_buckets.average);
  EXPECT_FALSE(rt::stats_of_values({}).median);
  // Different values in one bucket: the bucket's mean, within its width.
  auto mixed = rt::stats_of_buckets({{rt::duration_bucket(610), 2, 610 + 700}});
  EXPECT_EQ(mixed.median, 655);
}

TEST(report_stats, buckets_never_step_by_more_than_a_third_above_a_minute) {
  for (std::int64_t b = rt::duration_bucket(60); b < rt::duration_bucket(7776000); ++b) {
    auto lo = rt::duration_bucket_floor(b), hi = rt::duration_bucket_floor(b + 1);
    EXPECT_LE(hi - lo, (lo + 2) / 3 + 1) << lo << " → " << hi;
  }
  EXPECT_EQ(rt::duration_bucket(0), 0);
  EXPECT_EQ(rt::duration_bucket(-5), 0);
  EXPECT_EQ(rt::duration_bucket_floor(rt::duration_bucket(1000000000)), 7776000);
}

TEST(report_days, local_days_and_their_starts) {
  EXPECT_EQ(rt::local_day("Europe/Paris", at("2026-11-23T23:30:00Z")), "2026-11-24");
  EXPECT_EQ(rt::local_day("America/Los_Angeles", at("2026-11-24T03:00:00Z")), "2026-11-23");
  EXPECT_EQ(rt::local_day_start("Europe/Paris", "2026-11-24"), at("2026-11-23T23:00:00Z"));
  EXPECT_EQ(rt::local_day_start("Europe/Paris", "2026-07-01"), at("2026-06-30T22:00:00Z"));
  EXPECT_EQ(rt::local_rfc3339("Europe/Paris", at("2026-11-23T23:00:00Z")), "2026-11-24T00:00:00+01:00");
  EXPECT_EQ(rt::local_rfc3339("Asia/Kolkata", at("2026-11-23T18:30:00Z")), "2026-11-24T00:00:00+05:30");
  EXPECT_EQ(rt::next_day("2026-12-31"), "2027-01-01");
  EXPECT_EQ(rt::days_between("2026-11-01", "2026-11-30"), 29);
  EXPECT_FALSE(rt::days_between("2026-02-30", "2026-03-01"));
  EXPECT_TRUE(rt::is_known_timezone("Europe/Paris"));
  EXPECT_FALSE(rt::is_known_timezone("Mars/Olympus"));
}
