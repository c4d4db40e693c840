#include "switchboard/core/clock.hpp"

#include <ctime>
#include <sstream>

#include <date/date.h>
#include <cstdio>

namespace switchboard {

std::string format_rfc3339(sys_time t) {
  // Calendar arithmetic and hand-placed digits: gmtime_r takes glibc's time-zone
  // lock and snprintf parses its format, for a stamp every request needs.
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<date::days>(ms);
  date::year_month_day ymd{day};
  date::hh_mm_ss hms{ms - day};
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t at, int width, long long v) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(5, 2, static_cast<unsigned>(ymd.month()));
  put(8, 2, static_cast<unsigned>(ymd.day()));
  put(11, 2, hms.hours().count());
  put(14, 2, hms.minutes().count());
  put(17, 2, hms.seconds().count());
  put(20, 3, hms.subseconds().count());
  return out;
}

std::optional<sys_time> parse_rfc3339(std::string_view text) {
  if (text.size() < 20 || text.size() > 40) return std::nullopt;
  std::string s(text);
  for (auto& c : s)
    if (c == 't') c = 'T';
  std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds> tp;
  std::istringstream in(s);
  if (s.back() == 'Z' || s.back() == 'z') {
    s.back() = 'Z';
    in.str(s);
    in >> date::parse("%FT%TZ", tp);
  } else {
    std::chrono::minutes offset{};
    in >> date::parse("%FT%T%Ez", tp, offset);
    if (!in.fail()) tp -= offset;
  }
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp);
}

std::string now_rfc3339() { return format_rfc3339(std::chrono::system_clock::now()); }

}  // namespace switchboard
