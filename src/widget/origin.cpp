#include "switchboard/widget/origin.hpp"

#include <algorithm>
#include <charconv>

namespace switchboard::widget {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool valid_host(std::string_view h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.' || h.front() == '-') return false;
  if (h.front() == '[') return h.back() == ']' && h.size() > 2;  // IPv6 literal
  return std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

std::optional<origin> parse(std::string_view text, bool allow_wildcard) {
  origin o;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  o.scheme = lower(text.substr(0, sep));
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  auto rest = text.substr(sep + 3);
  if (!rest.empty() && rest.back() == '/' && allow_wildcard) rest.remove_suffix(1);  // a pasted trailing slash
  if (rest.empty() || rest.find_first_of("/?#@\\ ") != std::string_view::npos) return std::nullopt;
  std::string_view host = rest;
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    auto p = rest.substr(colon + 1);
    int port = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || port < 1 || port > 65535)
      return std::nullopt;
    o.port = port;
  } else {
    o.port = o.scheme == "https" ? 443 : 80;
  }
  o.host = lower(host);
  if (o.host.size() > 2 && o.host.substr(0, 2) == "*.") {
    if (!allow_wildcard) return std::nullopt;
    o.wildcard = true;
    o.host.erase(0, 2);
    // "*.com" would cover a whole top-level domain: a pattern needs two labels.
    if (o.host.find('.') == std::string::npos) return std::nullopt;
  }
  if (!valid_host(o.host)) return std::nullopt;
  return o;
}

}  // namespace

std::optional<origin> parse_origin(std::string_view text) { return parse(text, false); }
std::optional<origin> parse_pattern(std::string_view text) { return parse(text, true); }

std::string to_string(const origin& o) {
  std::string out = o.scheme + "://" + (o.wildcard ? "*." : "") + o.host;
  bool default_port = (o.scheme == "https" && o.port == 443) || (o.scheme == "http" && o.port == 80);
  if (!default_port) out += ":" + std::to_string(o.port);
  return out;
}

bool origin_matches(const origin& pattern, const origin& actual) {
  if (pattern.scheme != actual.scheme || pattern.port != actual.port) return false;
  if (!pattern.wildcard) return pattern.host == actual.host;
  if (actual.host == pattern.host) return true;
  // A subdomain ends with ".domain": "evildomain.com" does not end with ".domain.com".
  auto& h = actual.host;
  return h.size() > pattern.host.size() + 1 &&
         h.compare(h.size() - pattern.host.size(), pattern.host.size(), pattern.host) == 0 &&
         h[h.size() - pattern.host.size() - 1] == '.';
}

bool origin_allowed(std::string_view origin_header, const std::vector<std::string>& patterns,
                    std::string_view own) {
  auto actual = parse_origin(origin_header);
  if (!actual) return false;
  if (auto o = parse_origin(own); o && origin_matches(*o, *actual)) return true;
  for (auto& p : patterns) {
    auto pat = parse_pattern(p);
    if (pat && origin_matches(*pat, *actual)) return true;
  }
  return false;
}

}  // namespace switchboard::widget
