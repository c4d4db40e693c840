#pragma once
// Validation of untrusted input; pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard {
// Normalizes a phone number to E.164 ("+14155550123"): keeps a leading '+' and
// digits, drops spaces, dashes, dots and parentheses; nullopt when not E.164.
std::optional<std::string> normalize_e164(std::string_view input);
// A pragmatic address check: one '@', non-empty local part, a dot in the domain,
// no spaces or control characters, at most 254 characters. Returns it lower-cased.
std::optional<std::string> normalize_email(std::string_view input);
// Trims ASCII whitespace.
std::string trim(std::string_view s);
}  // namespace switchboard
