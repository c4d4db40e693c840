#pragma once
// CORS allow-list matching on the Origin header. Patterns are exact origins
// (scheme://host[:port]) or scheme://*.domain[:port], which covers every
// subdomain and the bare domain; a bare "*" is never a pattern. Ports compare
// after defaults (http 80, https 443), hosts case-insensitively.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::widget {

struct origin {
  std::string scheme, host;  // lower case
  int port = 0;              // explicit or the scheme's default
  bool wildcard = false;     // host is a *.domain pattern (host holds the domain)
};

// Parses an origin ("https://shop.example.com:8443"); nullopt for junk, paths,
// user info, "null" or anything other than http/https.
std::optional<origin> parse_origin(std::string_view text);
// Parses an allow-list entry (an origin or scheme://*.domain[:port]).
std::optional<origin> parse_pattern(std::string_view text);
// The canonical text of a pattern (what the settings store).
std::string to_string(const origin& o);

bool origin_matches(const origin& pattern, const origin& actual);
// The allow-list decision: `own` (the server's public origin) is always allowed;
// an empty list allows only it.
bool origin_allowed(std::string_view origin_header, const std::vector<std::string>& patterns,
                    std::string_view own);

}  // namespace switchboard::widget
