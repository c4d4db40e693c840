#pragma once
// Reports (issue 21), the pure part: which reporting events a message or a
// conversation's change makes (facts in, plan out), how a duration lands in the
// daily rollups (a histogram per metric and scope), and the figures a set of
// rollup rows or raw durations gives (count, average, median, p90).
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/routing/hours.hpp"

namespace switchboard::routing {

using report_time = std::chrono::system_clock::time_point;

// The kinds of the reporting event log (report_events.kind).
namespace report_kind {
inline constexpr std::string_view created = "conversation_created";
inline constexpr std::string_view first_response = "first_response";  // duration: waiting → first reply
inline constexpr std::string_view reply = "reply";                    // duration: waiting → each reply
inline constexpr std::string_view resolved = "resolved";              // duration: (re)opened → resolved
inline constexpr std::string_view reopened = "reopened";
inline constexpr std::string_view bot_answer = "bot_answer";
inline constexpr std::string_view bot_resolution = "bot_resolution";
inline constexpr std::string_view handoff = "handoff";
inline constexpr std::string_view csat_sent = "csat_sent";
inline constexpr std::string_view csat_rating = "csat_rating";  // value: the rating 1..5
// Rollup-only counts (no event row: one per message would double the message table).
inline constexpr std::string_view message_in = "message_in";
inline constexpr std::string_view message_out = "message_out";
}  // namespace report_kind

// The rollup metric counting open conversations: +1 when one is created or
// reopened, −1 when resolved (its total, not n), per day and all time.
inline constexpr std::string_view report_open_metric = "open";

bool is_duration_kind(std::string_view kind);  // first_response, reply, resolved

// A conversation's reporting state before a message or change.
struct report_state {
  std::optional<report_time> waiting_since;  // the customer's oldest unanswered message
  std::optional<report_time> opened_at;      // created, or last reopened
  bool responded = false;                    // a teammate has replied in public
};

struct report_message_facts {
  std::string sender_kind;  // contact | teammate | bot | system
  std::string direction;    // inbound | outbound | internal
  std::string kind;         // text | call | voicemail | …
  bool is_private = false;
  std::string bot_step;  // the answer bot's item: answer | resolved | handoff | ""
  bool reopens = false;  // the conversation was resolved and this message reopens it
  report_time at;
};

// One event to log: `started` set for a duration (at − started).
struct report_step {
  std::string_view kind;
  report_time at;
  std::optional<report_time> started;
};

struct report_message_plan {
  std::vector<report_step> steps;
  std::optional<std::string_view> count;  // message_in | message_out
  report_state next;
};
report_message_plan plan_report_message(const report_state& s, const report_message_facts& m);

// A conversation's status moving from `before` to `after` (resolved or not).
struct report_change_plan {
  std::vector<report_step> steps;
  report_state next;
};
report_change_plan plan_report_change(const report_state& s, const std::string& before_status,
                                      const std::string& after_status, report_time at);

// Seconds between two instants that `h` is open (no schedule: all of them).
std::int64_t open_seconds_between(const std::optional<business_hours>& h, report_time from, report_time to);

// The histogram of durations: bucket i holds [bounds[i], bounds[i+1]) seconds.
// A rollup row keeps the count and the sum of what fell in its bucket, so a
// percentile is the mean of its bucket (exact when they are equal; within the
// bucket's width otherwise, at most a third of its lower bound above a minute).
std::int64_t duration_bucket(std::int64_t seconds);
std::int64_t duration_bucket_floor(std::int64_t bucket);

// Scopes a rollup row counts for ("" / "": the whole workspace).
struct report_scope {
  std::optional<std::int64_t> team_id, teammate_id, number_id;
  std::string channel;
};
struct rollup_delta {
  std::string metric;  // a kind, or a duration kind + "@bh" (business hours)
  std::string dim, dim_value;
  std::int64_t bucket = -1;  // -1 for counts
  std::int64_t total = 0;    // a duration's seconds, a rating, or 0
};
// The rows one event adds 1 (n) and `total` to, for every scope it belongs to (and,
// for a conversation created, reopened or resolved, its report_open_metric rows).
std::vector<rollup_delta> rollup_deltas(std::string_view kind, const report_scope& scope,
                                        std::optional<std::int64_t> wall, std::optional<std::int64_t> business,
                                        std::optional<std::int64_t> value);

// Figures of a duration metric.
struct duration_stats {
  std::int64_t count = 0;
  std::optional<double> average;
  std::optional<std::int64_t> median, p90;
};
struct bucket_sum {
  std::int64_t bucket = 0, n = 0, total = 0;
};
// Nearest rank: the p-th percentile is the ceil(p·count)-th smallest.
duration_stats stats_of_buckets(std::vector<bucket_sum> buckets);
duration_stats stats_of_values(std::vector<std::int64_t> values);

// Days in a time zone. `day`: YYYY-MM-DD.
std::string local_day(const std::string& timezone, report_time t);
// The local hour "YYYY-MM-DDTHH" (the workspace's hourly rollup rows).
std::string local_hour(const std::string& timezone, report_time t);
report_time local_day_start(const std::string& timezone, const std::string& day);
std::string next_day(const std::string& day);
// Whole days from `from` to `to` (inclusive); nullopt when either is not a day.
std::optional<std::int64_t> days_between(const std::string& from, const std::string& to);
// "2026-11-01T00:00:00+01:00": an instant as the zone's wall clock with its offset.
std::string local_rfc3339(const std::string& timezone, report_time t);
bool is_known_timezone(const std::string& timezone);

}  // namespace switchboard::routing
