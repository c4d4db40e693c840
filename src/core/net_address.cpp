#include "switchboard/core/net_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace switchboard {

std::optional<ip_address> parse_ip(std::string_view text) {
  // inet_pton needs a terminated string; addresses are short.
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  ip_address a;
  if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), mapped, 12) == 0) {
    ip_address v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
  }
  a.v6 = true;
  return a;
}

std::string to_string(const ip_address& a) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf)) return {};
  return buf;
}

std::optional<cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  auto addr = parse_ip(text.substr(0, slash));
  if (!addr) return std::nullopt;
  unsigned bits = addr->v6 ? 128 : 32;
  unsigned prefix = bits;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (ec != std::errc() || end != digits.data() + digits.size() || prefix > bits)
      return std::nullopt;
  }
  cidr c{*addr, prefix};
  for (unsigned i = 0; i < 16; ++i) {
    unsigned first_bit = i * 8;
    if (first_bit >= prefix)
      c.base.bytes[i] = 0;
    else if (prefix - first_bit < 8)
      c.base.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (prefix - first_bit)));
  }
  return c;
}

bool contains(const cidr& range, const ip_address& a) {
  if (range.base.v6 != a.v6) return false;
  unsigned full = range.prefix / 8, rest = range.prefix % 8;
  if (std::memcmp(range.base.bytes.data(), a.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == range.base.bytes[full];
}

bool contains_any(const std::vector<cidr>& ranges, const ip_address& a) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const cidr& c) { return contains(c, a); });
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One X-Forwarded-For entry: an address, possibly with a port.
std::optional<ip_address> parse_forwarded_entry(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_ip(s.substr(1, close - 1));
  }
  if (auto colon = s.find(':'); colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos)
    s = s.substr(0, colon);  // IPv4 with a port
  return parse_ip(s);
}

}  // namespace

std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const std::vector<cidr>& trusted) {
  auto peer_ip = parse_ip(peer);
  if (!peer_ip) return std::string(peer);
  ip_address client = *peer_ip;
  if (trusted.empty() || !contains_any(trusted, client)) return to_string(client);
  // Entries right to left, across fields (the last field's last entry is the nearest hop).
  // A long list is only walked as far as trusted hops go.
  for (auto field = forwarded_for.rbegin(); field != forwarded_for.rend(); ++field) {
    std::string_view rest = *field;
    while (!rest.empty()) {
      auto comma = rest.rfind(',');
      std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
      if (trim(entry).empty()) continue;
      auto ip = parse_forwarded_entry(entry);
      if (!ip) return to_string(client);
      client = *ip;
      if (!contains_any(trusted, client)) return to_string(client);
    }
  }
  return to_string(client);  // every hop trusted: the left-most one
}

bool is_public_address(const ip_address& a) {
  static const std::vector<cidr> blocked = [] {
    std::vector<cidr> out;
    for (const char* text :
         {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
          "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
          "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "::/96", "64:ff9b::/96",
          "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10",
          "ff00::/8"})
      if (auto c = parse_cidr(text)) out.push_back(*c);
    return out;
  }();
  return !contains_any(blocked, a);
}

}  // namespace switchboard
