// Addresses, CIDR ranges and the client address behind trusted proxies (issue 16, the
// http.trusted_proxies part of item 7; login throttling keys on this address).
#include "switchboard/core/net_address.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;

TEST(net_address, parses_and_prints_addresses) {
  EXPECT_EQ(sb::to_string(*sb::parse_ip("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(sb::to_string(*sb::parse_ip("2001:DB8:0:0::1")), "2001:db8::1");
  // IPv4-mapped IPv6 is the IPv4 address (a dual-stack listener's peers).
  auto mapped = sb::parse_ip("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_FALSE(mapped->v6);
  EXPECT_EQ(sb::to_string(*mapped), "192.0.2.1");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "example.com", "1.2.3.4:80", "::g"})
    EXPECT_FALSE(sb::parse_ip(bad)) << bad;
}

TEST(net_address, cidr_ranges_v4_and_v6) {
  auto net = sb::parse_cidr("10.1.2.3/8");  // host bits are cleared
  ASSERT_TRUE(net);
  EXPECT_EQ(sb::to_string(net->base), "10.0.0.0");
  EXPECT_TRUE(sb::contains(*net, *sb::parse_ip("10.255.0.1")));
  EXPECT_FALSE(sb::contains(*net, *sb::parse_ip("11.0.0.1")));
  auto odd = sb::parse_cidr("192.168.0.0/23");
  EXPECT_TRUE(sb::contains(*odd, *sb::parse_ip("192.168.1.200")));
  EXPECT_FALSE(sb::contains(*odd, *sb::parse_ip("192.168.2.1")));
  auto v6 = sb::parse_cidr("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(sb::contains(*v6, *sb::parse_ip("2001:db8:ffff::1")));
  EXPECT_FALSE(sb::contains(*v6, *sb::parse_ip("2001:db9::1")));
  EXPECT_FALSE(sb::contains(*v6, *sb::parse_ip("10.0.0.1")));  // families never mix
  auto host = sb::parse_cidr("::1");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->prefix, 128u);
  EXPECT_TRUE(sb::contains(*sb::parse_cidr("0.0.0.0/0"), *sb::parse_ip("203.0.113.1")));
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "/8", "a/8"})
    EXPECT_FALSE(sb::parse_cidr(bad)) << bad;
}

TEST(net_address, client_address_behind_trusted_proxies) {
  std::vector<sb::cidr> trusted = {*sb::parse_cidr("10.0.0.0/8"), *sb::parse_cidr("fd00::/8")};
  using list = std::vector<std::string_view>;
  // An untrusted peer is the client, whatever it claims.
  EXPECT_EQ(sb::client_address("203.0.113.5", {"198.51.100.1"}, trusted), "203.0.113.5");
  EXPECT_EQ(sb::client_address("::ffff:203.0.113.5", {}, trusted), "203.0.113.5");
  // No trusted proxies: never read.
  EXPECT_EQ(sb::client_address("10.0.0.1", {"198.51.100.1"}, {}), "10.0.0.1");
  // Trusted peer: the right-most address that is not a trusted proxy.
  EXPECT_EQ(sb::client_address("10.0.0.1", {"198.51.100.1"}, trusted), "198.51.100.1");
  EXPECT_EQ(sb::client_address("10.0.0.1", {"6.6.6.6, 198.51.100.1, 10.2.3.4"}, trusted), "198.51.100.1");
  EXPECT_EQ(sb::client_address("fd00::1", list{"6.6.6.6", "2001:db8::7 , fd12::3"}, trusted), "2001:db8::7");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(sb::client_address("10.0.0.1", {"198.51.100.1:4711"}, trusted), "198.51.100.1");
  EXPECT_EQ(sb::client_address("10.0.0.1", {"[2001:db8::9]:443"}, trusted), "2001:db8::9");
  // Garbage ends the walk at the last trusted hop; all trusted: the left-most.
  EXPECT_EQ(sb::client_address("10.0.0.1", {"unknown, 10.0.0.2"}, trusted), "10.0.0.2");
  EXPECT_EQ(sb::client_address("10.0.0.1", {"10.9.9.9, 10.0.0.2"}, trusted), "10.9.9.9");
  EXPECT_EQ(sb::client_address("10.0.0.1", {}, trusted), "10.0.0.1");
  EXPECT_EQ(sb::client_address("10.0.0.1", {" , "}, trusted), "10.0.0.1");
}

TEST(net_address, public_addresses_exclude_what_a_webhook_must_never_reach) {
  auto is_public = [](const char* text) {
    auto a = sb::parse_ip(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a && sb::is_public_address(*a);
  };
  for (const char* blocked : {"127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                              "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254", "198.18.0.1",
                              "224.0.0.1", "255.255.255.255", "192.0.2.5", "::1", "::", "fc00::1", "fd00:ec2::254",
                              "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2001:db8::1"})
    EXPECT_FALSE(is_public(blocked)) << blocked;
  for (const char* open : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "151.101.1.69", "2606:4700::1111",
                           "2a00:1450:4001:80b::200e"})
    EXPECT_TRUE(is_public(open)) << open;
}
