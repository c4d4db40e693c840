#include "switchboard/routing/hours.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "switchboard/core/clock.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {
std::chrono::system_clock::time_point at(const char* rfc3339) { return *sb::parse_rfc3339(rfc3339); }

sb::routing::business_hours paris() {
  auto h = sb::routing::parse_business_hours(json::parse(R"({
    "timezone": "Europe/Paris",
    "weekly": {"mon": [["09:00","12:00"],["13:00","17:30"]], "tue": [["09:00","17:30"]], "wed": [["09:00","17:30"]],
               "thu": [["09:00","17:30"]], "fri": [["09:00","17:30"]], "sat": [["22:00","24:00"]]},
    "holidays": ["2026-12-25"]})"));
  EXPECT_TRUE(h && *h);
  return **h;
}
}  // namespace

TEST(routing_hours, open_and_closed_in_the_line_s_own_time_zone) {
  auto h = paris();
  struct row {
    const char* utc;
    bool open;
  } rows[] = {
      {"2026-11-24T08:00:00Z", true},   // Tue 09:00 Paris (UTC+1)
      {"2026-11-24T07:59:00Z", false},  // Tue 08:59
      {"2026-11-24T16:29:00Z", true},   // Tue 17:29
      {"2026-11-24T16:30:00Z", false},  // Tue 17:30: the end is exclusive
      {"2026-11-23T11:30:00Z", false},  // Mon 12:30: lunch
      {"2026-11-29T10:00:00Z", false},  // Sunday
      {"2026-11-28T22:30:00Z", true},   // Sat 23:30 (open until 24:00)
      {"2026-12-25T10:00:00Z", false},  // a Friday, but a holiday
      {"2026-07-07T07:30:00Z", true},   // summer time: Tue 09:30 Paris is 07:30 UTC
      {"2026-07-07T15:45:00Z", false},  // Tue 17:45 Paris
      {"2026-03-30T07:00:00Z", true},   // the Monday after the switch to summer time: 09:00
  };
  for (auto& r : rows) EXPECT_EQ(sb::routing::is_open(h, at(r.utc)), r.open) << r.utc;
}

TEST(routing_hours, closed_since_is_the_end_of_the_last_opening) {
  auto h = paris();
  EXPECT_FALSE(sb::routing::closed_since(h, at("2026-11-24T10:00:00Z")));
  // Tue 20:00 Paris: closed since 17:30 Paris (16:30 UTC).
  EXPECT_EQ(sb::routing::closed_since(h, at("2026-11-24T19:00:00Z")), at("2026-11-24T16:30:00Z"));
  // Wed 07:00 Paris: still the same closed period (so an auto-reply is sent once).
  EXPECT_EQ(sb::routing::closed_since(h, at("2026-11-25T06:00:00Z")), at("2026-11-24T16:30:00Z"));
  // Mon 12:30: closed since noon.
  EXPECT_EQ(sb::routing::closed_since(h, at("2026-11-23T11:30:00Z")), at("2026-11-23T11:00:00Z"));
}

TEST(routing_hours, bad_schedules_are_refused_naming_the_field) {
  auto err = [](const std::string& text) {
    auto r = sb::routing::parse_business_hours(json::parse(text));
    return r ? std::string("ok") : r.err().message;
  };
  EXPECT_EQ(err("null"), "ok");
  EXPECT_NE(err(R"({"timezone":"Mars/Olympus","weekly":{}})").find("business_hours.timezone"), std::string::npos);
  EXPECT_NE(err(R"({"weekly":{"mon":[["17:00","09:00"]]}})").find("business_hours.weekly.mon"), std::string::npos);
  EXPECT_NE(err(R"({"weekly":{"mon":[["9:00","17:00"]]}})").find("business_hours.weekly.mon"), std::string::npos);
  EXPECT_NE(err(R"({"weekly":{"funday":[]}})").find("unknown day"), std::string::npos);
  EXPECT_NE(err(R"({"weekly":{"mon":[["09:00","24:30"]]}})").find("24:00"), std::string::npos);
  EXPECT_NE(err(R"({"weekly":{},"holidays":["2026-02-30"]})").find("business_hours.holidays"), std::string::npos);
  for (auto bad_day : {"2026-1-05", "2026-12-25x", "2026/12/25", "2026-13-01", "2025-02-29", "2026-12-+5"})
    EXPECT_NE(err(std::string(R"({"weekly":{},"holidays":[")") + bad_day + R"("]})").find("business_hours.holidays"),
              std::string::npos)
        << bad_day;
  EXPECT_EQ(err(R"({"weekly":{},"holidays":["2028-02-29"]})"), "ok") << "a leap day is a day";
  EXPECT_NE(err(R"({"timezone":"UTC"})").find("business_hours.weekly"), std::string::npos);
  EXPECT_NE(err("[]").find("business_hours"), std::string::npos);
  // Round trip.
  auto h = paris();
  auto again = sb::routing::parse_business_hours(sb::routing::to_json(h));
  ASSERT_TRUE(again && *again);
  EXPECT_EQ(sb::routing::to_json(**again), sb::routing::to_json(h));
}
