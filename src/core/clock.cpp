#include "switchboard/core/clock.hpp"

#include <ctime>
#include <sstream>

#include <date/date.h>
#include <cstdio>

namespace switchboard {

std::string format_rfc3339(sys_time t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
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
