#include "switchboard/routing/reports.hpp"

#include <algorithm>
#include <cmath>

#include <date/date.h>
#include <date/tz.h>

namespace switchboard::routing {
namespace {

using std::chrono::seconds;

// Bucket floors in seconds: fine under a minute, then steps of at most a third,
// up to 90 days (the last bucket holds everything longer).
constexpr std::array<std::int64_t, 69> bucket_floors = {
    0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720, 900, 1200, 1500, 1800, 2400, 3000, 3600, 4500, 5400, 7200, 9000, 10800, 14400, 18000, 21600, 28800, 36000, 43200, 57600, 72000, 86400, 108000, 129600, 172800, 216000, 259200, 345600, 432000, 518400, 604800, 777600, 1036800, 1296000, 1728000, 2160000, 2592000, 3456000, 4320000, 5184000, 6480000, 7776000};

const date::time_zone* zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return date::locate_zone("UTC");  // validated on save; a zone gone from the system reads as UTC
  }
}

std::optional<date::year_month_day> parse_day(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) { return std::stoi(s.substr(at, n)); };
  date::year_month_day ymd{date::year(num(0, 4)), date::month(static_cast<unsigned>(num(5, 2))),
                           date::day(static_cast<unsigned>(num(8, 2)))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// A local wall-clock time as an instant: in a gap (clocks moved forward) the
// moment the gap ends, in an overlap the first of the two.
report_time to_instant(const date::time_zone* tz, date::local_seconds local) {
  auto info = tz->get_info(local);
  if (info.result == date::local_info::nonexistent) return info.second.begin;
  return date::sys_seconds{local.time_since_epoch() - info.first.offset};
}

}  // namespace

bool is_duration_kind(std::string_view kind) {
  return kind == report_kind::first_response || kind == report_kind::reply || kind == report_kind::resolved;
}

report_message_plan plan_report_message(const report_state& s, const report_message_facts& m) {
  report_message_plan out;
  out.next = s;
  if (m.is_private || m.direction == "internal" || m.sender_kind == "system") return out;
  if (m.sender_kind == "contact") {
    out.count = report_kind::message_in;
    if (m.reopens) {
      out.steps.push_back({report_kind::reopened, m.at, std::nullopt});
      out.next.opened_at = m.at;
    }
    // A call's item is not a question waiting for a written answer; a text or a voicemail is.
    if (!out.next.waiting_since && (m.kind == "text" || m.kind == "voicemail")) out.next.waiting_since = m.at;
    return out;
  }
  if (m.direction != "outbound") return out;
  out.count = report_kind::message_out;
  if (m.sender_kind == "bot") {
    // The bot's answer does not end the customer's wait for a person.
    if (m.bot_step == "answer") out.steps.push_back({report_kind::bot_answer, m.at, std::nullopt});
    if (m.bot_step == "resolved") out.steps.push_back({report_kind::bot_resolution, m.at, std::nullopt});
    if (m.bot_step == "handoff") out.steps.push_back({report_kind::handoff, m.at, std::nullopt});
    return out;
  }
  if (m.sender_kind != "teammate" || m.kind != "text") return out;
  if (s.waiting_since) {
    if (!s.responded) out.steps.push_back({report_kind::first_response, m.at, s.waiting_since});
    out.steps.push_back({report_kind::reply, m.at, s.waiting_since});
    out.next.waiting_since.reset();
  }
  // A conversation a teammate started has no first response to measure.
  out.next.responded = true;
  return out;
}

report_change_plan plan_report_change(const report_state& s, const std::string& before_status,
                                      const std::string& after_status, report_time at) {
  report_change_plan out;
  out.next = s;
  bool was = before_status == "resolved", now = after_status == "resolved";
  if (!was && now) {
    out.steps.push_back({report_kind::resolved, at, s.opened_at});
    out.next.waiting_since.reset();  // resolved without a reply: nobody waits any more
  } else if (was && !now) {
    out.steps.push_back({report_kind::reopened, at, std::nullopt});
    out.next.opened_at = at;
  }
  return out;
}

std::int64_t open_seconds_between(const std::optional<business_hours>& h, report_time from, report_time to) {
  if (to <= from) return 0;
  if (!h) return std::chrono::duration_cast<seconds>(to - from).count();
  const date::time_zone* tz = zone(h->timezone);
  auto first = date::floor<date::days>(tz->to_local(date::floor<seconds>(from))) - date::days(1);
  auto last = date::floor<date::days>(tz->to_local(date::floor<seconds>(to))) + date::days(1);
  std::int64_t total = 0;
  for (auto day = first; day <= last; day += date::days(1)) {
    auto ymd = date::format("%F", day);
    if (std::find(h->holidays.begin(), h->holidays.end(), ymd) != h->holidays.end()) continue;
    auto weekday = static_cast<std::size_t>((date::weekday(day).c_encoding() + 6) % 7);
    for (auto [open, close] : h->week[weekday]) {
      auto a = to_instant(tz, date::local_seconds(day) + std::chrono::minutes(open));
      auto b = to_instant(tz, date::local_seconds(day) + std::chrono::minutes(close));
      auto lo = std::max(a, from), hi = std::min(b, to);
      if (hi > lo) total += std::chrono::duration_cast<seconds>(hi - lo).count();
    }
  }
  return total;
}

std::int64_t duration_bucket(std::int64_t s) {
  if (s <= 0) return 0;
  auto it = std::upper_bound(bucket_floors.begin(), bucket_floors.end(), s);
  return static_cast<std::int64_t>(it - bucket_floors.begin()) - 1;
}

std::int64_t duration_bucket_floor(std::int64_t bucket) {
  bucket = std::clamp<std::int64_t>(bucket, 0, static_cast<std::int64_t>(bucket_floors.size()) - 1);
  return bucket_floors[static_cast<std::size_t>(bucket)];
}

std::vector<rollup_delta> rollup_deltas(std::string_view kind, const report_scope& scope,
                                        std::optional<std::int64_t> wall, std::optional<std::int64_t> business,
                                        std::optional<std::int64_t> value) {
  std::vector<std::pair<std::string, std::string>> dims = {{"", ""}};
  if (scope.team_id) dims.emplace_back("team", std::to_string(*scope.team_id));
  if (scope.teammate_id) dims.emplace_back("teammate", std::to_string(*scope.teammate_id));
  if (!scope.channel.empty()) dims.emplace_back("channel", scope.channel);
  if (scope.number_id) dims.emplace_back("number", std::to_string(*scope.number_id));
  std::vector<rollup_delta> out;
  for (auto& [dim, dim_value] : dims) {
    if (is_duration_kind(kind)) {
      auto w = std::max<std::int64_t>(0, wall.value_or(0));
      auto b = std::max<std::int64_t>(0, business.value_or(w));
      out.push_back({std::string(kind), dim, dim_value, duration_bucket(w), w});
      out.push_back({std::string(kind) + "@bh", dim, dim_value, duration_bucket(b), b});
    } else {
      out.push_back({std::string(kind), dim, dim_value, -1, value.value_or(0)});
    }
    // The running count of open conversations: its sum up to a day is how many were
    // open at that day's end, read without summing every day since the beginning.
    if (kind == report_kind::created || kind == report_kind::reopened)
      out.push_back({std::string(report_open_metric), dim, dim_value, -1, 1});
    if (kind == report_kind::resolved) out.push_back({std::string(report_open_metric), dim, dim_value, -1, -1});
  }
  return out;
}

duration_stats stats_of_buckets(std::vector<bucket_sum> buckets) {
  duration_stats out;
  std::sort(buckets.begin(), buckets.end(), [](auto& a, auto& b) { return a.bucket < b.bucket; });
  std::int64_t sum = 0;
  for (auto& b : buckets) {
    out.count += b.n;
    sum += b.total;
  }
  if (out.count == 0) return out;
  out.average = static_cast<double>(sum) / static_cast<double>(out.count);
  auto at_rank = [&](double p) -> std::int64_t {
    auto rank = static_cast<std::int64_t>(std::ceil(p * static_cast<double>(out.count)));
    std::int64_t seen = 0;
    for (auto& b : buckets) {
      if (b.n <= 0) continue;
      seen += b.n;
      if (seen >= rank) return static_cast<std::int64_t>(std::llround(static_cast<double>(b.total) / static_cast<double>(b.n)));
    }
    return 0;
  };
  out.median = at_rank(0.5);
  out.p90 = at_rank(0.9);
  return out;
}

duration_stats stats_of_values(std::vector<std::int64_t> values) {
  duration_stats out;
  out.count = static_cast<std::int64_t>(values.size());
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  out.average = sum / static_cast<double>(values.size());
  auto at_rank = [&](double p) {
    auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
  };
  out.median = at_rank(0.5);
  out.p90 = at_rank(0.9);
  return out;
}

std::string local_day(const std::string& timezone, report_time t) {
  auto local = zone(timezone)->to_local(date::floor<seconds>(t));
  return date::format("%F", date::floor<date::days>(local));
}

std::string local_hour(const std::string& timezone, report_time t) {
  auto local = zone(timezone)->to_local(date::floor<seconds>(t));
  return date::format("%FT%H", date::floor<std::chrono::hours>(local));
}

report_time local_day_start(const std::string& timezone, const std::string& day) {
  auto ymd = parse_day(day);
  if (!ymd) return {};
  return to_instant(zone(timezone), date::local_seconds(date::local_days(*ymd)));
}

std::string next_day(const std::string& day) {
  auto ymd = parse_day(day);
  if (!ymd) return day;
  return date::format("%F", date::sys_days(*ymd) + date::days(1));
}

std::optional<std::int64_t> days_between(const std::string& from, const std::string& to) {
  auto a = parse_day(from), b = parse_day(to);
  if (!a || !b) return std::nullopt;
  return (date::sys_days(*b) - date::sys_days(*a)).count();
}

std::string local_rfc3339(const std::string& timezone, report_time t) {
  auto zt = date::make_zoned(zone(timezone), date::floor<seconds>(t));
  auto text = date::format("%FT%T%z", zt);  // +0100: RFC 3339 wants +01:00
  if (text.size() >= 5) text.insert(text.size() - 2, ":");
  return text;
}

bool is_known_timezone(const std::string& timezone) {
  try {
    date::locate_zone(timezone);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace switchboard::routing
