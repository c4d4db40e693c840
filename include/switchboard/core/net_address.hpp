#pragma once
// IP addresses and CIDR ranges as plain values (no sockets), and the client address
// of a request behind trusted reverse proxies (http.trusted_proxies).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard {

struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  bool operator==(const ip_address&) const = default;
};

// "192.0.2.1", "2001:db8::1"; an IPv4-mapped IPv6 address ("::ffff:192.0.2.1") is
// read as the IPv4 address it maps, so a dual-stack listener's peers match IPv4 CIDRs.
std::optional<ip_address> parse_ip(std::string_view text);
std::string to_string(const ip_address& a);

struct cidr {
  ip_address base;  // host bits cleared
  unsigned prefix = 0;
};

// "10.0.0.0/8", "2001:db8::/32", or a bare address (a single host).
std::optional<cidr> parse_cidr(std::string_view text);
bool contains(const cidr& range, const ip_address& a);
bool contains_any(const std::vector<cidr>& ranges, const ip_address& a);

// False for what a server-side request must never reach on a user's say-so:
// unspecified, loopback, private (RFC 1918, fc00::/7), shared (100.64.0.0/10),
// link-local (169.254.0.0/16 with the cloud metadata address, fe80::/10),
// benchmarking, documentation, multicast and reserved ranges (outbound webhooks' SSRF guard).
bool is_public_address(const ip_address& a);

// The address a request comes from. `peer` is the TCP peer; `forwarded_for` the values of
// every X-Forwarded-For field, in order. The peer is the client unless it lies in a trusted
// range; then, walking X-Forwarded-For from the right, the first address that is not itself
// trusted is (each trusted proxy appends the address it was connected from; what lies left of
// an untrusted hop is the client's own claim). An entry that is not an address ends the walk:
// the last trusted address is the answer. Entries may carry a port ("192.0.2.1:4711",
// "[2001:db8::1]:443"). The result is normalised (IPv4-mapped addresses as IPv4).
std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for,
                           const std::vector<cidr>& trusted);

}  // namespace switchboard
