#pragma once
#include <chrono>
#include <string>

namespace switchboard {
using sys_time = std::chrono::system_clock::time_point;
// RFC 3339 UTC with milliseconds, e.g. 2026-11-21T21:56:37.123Z
std::string format_rfc3339(sys_time t);
std::string now_rfc3339();
}  // namespace switchboard
