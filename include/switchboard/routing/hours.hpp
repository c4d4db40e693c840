#pragma once
// Business hours: a weekly schedule in an IANA time zone, plus holidays (whole
// local days closed). Pure: the time is passed in. Zone rules come from the
// system's zoneinfo through Howard Hinnant's date/tz (GCC 12's libstdc++ has no
// std::chrono time-zone database).
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "switchboard/core/result.hpp"

namespace switchboard::routing {

struct business_hours {
  std::string timezone = "UTC";
  // Index 0 = Monday … 6 = Sunday; open intervals in minutes after local midnight,
  // [from, to) with to <= 1440 (24:00).
  std::array<std::vector<std::pair<int, int>>, 7> week{};
  std::vector<std::string> holidays;  // local dates, YYYY-MM-DD
};

// {"timezone":"Europe/Paris","weekly":{"mon":[["09:00","17:30"]],…},"holidays":["2026-12-25"]}.
// Null means always open (nullopt). Errors are INVALID_INPUT naming the field.
result<std::optional<business_hours>> parse_business_hours(const nlohmann::json& j);
nlohmann::json to_json(const business_hours& h);

bool is_open(const business_hours& h, std::chrono::system_clock::time_point now);
// When the closed period around `now` began (the last opening interval's end, or
// the start of a holiday), for "once per closed period"; nullopt when open.
std::optional<std::chrono::system_clock::time_point> closed_since(const business_hours& h,
                                                                  std::chrono::system_clock::time_point now);

}  // namespace switchboard::routing
