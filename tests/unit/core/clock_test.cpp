#include "switchboard/core/clock.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;
using namespace std::chrono;

TEST(clock, rfc3339_stamps_are_utc_with_milliseconds_and_read_back) {
  sb::sys_time epoch{};
  EXPECT_EQ(sb::format_rfc3339(epoch), "1970-01-01T00:00:00.000Z");
  // 2026-11-22T06:17:49.007Z
  sb::sys_time t = sys_days{year{2026} / 11 / 22} + hours{6} + minutes{17} + seconds{49} + milliseconds{7};
  EXPECT_EQ(sb::format_rfc3339(t), "2026-11-22T06:17:49.007Z");
  // Leap day, last millisecond of the day; and before the epoch.
  EXPECT_EQ(sb::format_rfc3339(sys_days{year{2024} / 2 / 29} + hours{23} + minutes{59} + seconds{59} + milliseconds{999}),
            "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(sb::format_rfc3339(epoch - milliseconds{1}), "1969-12-31T23:59:59.999Z");
  auto back = sb::parse_rfc3339(sb::format_rfc3339(t));
  ASSERT_TRUE(back);
  EXPECT_EQ(floor<milliseconds>(*back), floor<milliseconds>(t));
}
