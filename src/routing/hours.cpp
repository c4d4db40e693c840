#include "switchboard/routing/hours.hpp"

#include <algorithm>

#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

namespace switchboard::routing {
namespace {

using json = nlohmann::json;
constexpr const char* day_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> parse_hhmm(const std::string& s) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4])))
    return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  // Minutes of a day, 0..1440 ("24:00" ends a day).
  auto two = [](int v) { return std::string{static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; };
  minutes = std::clamp(minutes, 0, 24 * 60);
  return two(minutes / 60) + ":" + two(minutes % 60);
}

// YYYY-MM-DD naming a real day. By hand: date::parse trips GCC 12's -Wmaybe-uninitialized.
bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  auto num = [&](std::size_t at, std::size_t n) { return std::stoi(s.substr(at, n)); };
  date::year_month_day ymd{date::year(num(0, 4)), date::month(static_cast<unsigned>(num(5, 2))),
                           date::day(static_cast<unsigned>(num(8, 2)))};
  return ymd.ok();
}

error bad(const std::string& field, const std::string& what) { return {"INVALID_INPUT", field + ": " + what}; }

struct local_view {
  date::local_days day;
  int weekday;  // 0 = Monday
  int minute;
  std::string ymd;
};

local_view local_of(const date::time_zone* tz, std::chrono::system_clock::time_point t) {
  auto local = tz->to_local(date::floor<std::chrono::minutes>(t));
  auto day = date::floor<date::days>(local);
  local_view v;
  v.day = day;
  v.weekday = static_cast<int>((date::weekday(day).c_encoding() + 6) % 7);
  v.minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  v.ymd = date::format("%F", day);
  return v;
}

bool open_at(const business_hours& h, const local_view& v) {
  if (std::find(h.holidays.begin(), h.holidays.end(), v.ymd) != h.holidays.end()) return false;
  for (auto [from, to] : h.week[static_cast<std::size_t>(v.weekday)])
    if (v.minute >= from && v.minute < to) return true;
  return false;
}

}  // namespace

result<std::optional<business_hours>> parse_business_hours(const json& j) {
  if (j.is_null()) return std::optional<business_hours>();
  if (!j.is_object()) return bad("business_hours", "must be an object or null");
  business_hours h;
  if (auto tz = j.find("timezone"); tz != j.end()) {
    if (!tz->is_string()) return bad("business_hours.timezone", "must be an IANA zone name");
    h.timezone = tz->get<std::string>();
  }
  try {
    date::locate_zone(h.timezone);
  } catch (const std::exception&) {
    return bad("business_hours.timezone", "unknown time zone \"" + h.timezone + "\" (use an IANA name, e.g. Europe/Paris)");
  }
  auto weekly = j.find("weekly");
  if (weekly == j.end() || !weekly->is_object()) return bad("business_hours.weekly", "is required: {\"mon\":[[\"09:00\",\"17:00\"]],…}");
  for (auto& [key, value] : weekly->items()) {
    auto it = std::find(std::begin(day_keys), std::end(day_keys), key);
    if (it == std::end(day_keys)) return bad("business_hours.weekly", "unknown day \"" + key + "\" (mon … sun)");
    auto& day = h.week[static_cast<std::size_t>(it - std::begin(day_keys))];
    if (!value.is_array()) return bad("business_hours.weekly." + key, "must be a list of [\"HH:MM\",\"HH:MM\"]");
    for (auto& span : value) {
      if (!span.is_array() || span.size() != 2 || !span[0].is_string() || !span[1].is_string())
        return bad("business_hours.weekly." + key, "each interval is [\"HH:MM\",\"HH:MM\"]");
      auto from = parse_hhmm(span[0].get<std::string>());
      auto to = parse_hhmm(span[1].get<std::string>());
      if (!from || !to || *from >= *to)
        return bad("business_hours.weekly." + key, "intervals are HH:MM to a later HH:MM (24:00 at most)");
      day.emplace_back(*from, *to);
    }
    std::sort(day.begin(), day.end());
  }
  if (auto hol = j.find("holidays"); hol != j.end() && !hol->is_null()) {
    if (!hol->is_array()) return bad("business_hours.holidays", "must be a list of YYYY-MM-DD dates");
    for (auto& d : *hol) {
      if (!d.is_string() || !valid_date(d.get<std::string>()))
        return bad("business_hours.holidays", "must be a list of YYYY-MM-DD dates");
      h.holidays.push_back(d.get<std::string>());
    }
  }
  return std::optional<business_hours>(std::move(h));
}

json to_json(const business_hours& h) {
  json weekly = json::object();
  for (std::size_t d = 0; d < 7; ++d) {
    if (h.week[d].empty()) continue;
    json spans = json::array();
    for (auto [from, to] : h.week[d]) spans.push_back({hhmm(from), hhmm(to)});
    weekly[day_keys[d]] = spans;
  }
  return {{"timezone", h.timezone}, {"weekly", weekly}, {"holidays", h.holidays}};
}

bool is_open(const business_hours& h, std::chrono::system_clock::time_point now) {
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(h.timezone);
  } catch (const std::exception&) {
    return true;  // validated on save; a zone that vanished from the system must not close the line
  }
  return open_at(h, local_of(tz, now));
}

std::optional<std::chrono::system_clock::time_point> closed_since(const business_hours& h,
                                                                  std::chrono::system_clock::time_point now) {
  if (is_open(h, now)) return std::nullopt;
  const date::time_zone* tz = date::locate_zone(h.timezone);
  // Walk back minute by minute is too slow; step by 15 minutes over at most two
  // weeks, then refine: opening intervals start and end on whole minutes.
  auto t = date::floor<std::chrono::minutes>(now);
  auto limit = t - date::days(15);
  auto coarse = t;
  while (coarse > limit && !open_at(h, local_of(tz, coarse - std::chrono::minutes(15)))) coarse -= std::chrono::minutes(15);
  if (coarse <= limit) return limit;  // closed for more than two weeks: a fixed, old start
  auto fine = coarse;
  while (!open_at(h, local_of(tz, fine - std::chrono::minutes(1)))) fine -= std::chrono::minutes(1);
  return fine;
}

}  // namespace switchboard::routing
