#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard {
using sys_time = std::chrono::system_clock::time_point;
// RFC 3339 UTC with milliseconds, e.g. 2026-11-21T21:56:37.123Z
std::string format_rfc3339(sys_time t);
std::string now_rfc3339();
// Parses RFC 3339 ("2026-11-21T21:56:37Z", fractions and offsets allowed).
std::optional<sys_time> parse_rfc3339(std::string_view text);
// The time source; tests inject a fake one.
using now_fn = std::function<sys_time()>;
inline sys_time system_now() { return std::chrono::system_clock::now(); }
}  // namespace switchboard
