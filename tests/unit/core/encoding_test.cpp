// core/encoding: the one base64, base64url and UTF-8 code (RFC 4648 test vectors).
#include "switchboard/core/encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sb = switchboard;

TEST(encoding, base64_matches_rfc4648) {
  EXPECT_EQ(sb::base64(""), "");
  EXPECT_EQ(sb::base64("f"), "Zg==");
  EXPECT_EQ(sb::base64("fo"), "Zm8=");
  EXPECT_EQ(sb::base64("foo"), "Zm9v");
  EXPECT_EQ(sb::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(sb::base64("ACtest:twilio-test-token"), "QUN0ZXN0OnR3aWxpby10ZXN0LXRva2Vu");
  EXPECT_EQ(sb::base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(encoding, base64url_round_trips_and_refuses_other_alphabets) {
  EXPECT_EQ(sb::base64url_encode(std::string("\xff\xfe\x00", 3)), "__4A");
  EXPECT_EQ(sb::base64url_encode("foob"), "Zm9vYg");
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "hello world", std::string("\0\x01\x80\xff", 4)})
    EXPECT_EQ(sb::base64url_decode(sb::base64url_encode(s)), s);
  EXPECT_EQ(sb::base64url_decode("Zm9vYg=="), "foob") << "trailing padding is tolerated";
  EXPECT_FALSE(sb::base64url_decode("//4A")) << "standard alphabet is not base64url";
  EXPECT_FALSE(sb::base64url_decode("Zm9vY")) << "a length of 4n+1 cannot be";
  EXPECT_FALSE(sb::base64url_decode("Zm=9v"));
}

TEST(encoding, utf8_checks_and_counts_code_points) {
  EXPECT_TRUE(sb::valid_utf8("plain ascii, long enough for the 8-byte path"));
  EXPECT_TRUE(sb::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(sb::valid_utf8("\xc0\xaf")) << "overlong";
  EXPECT_FALSE(sb::valid_utf8("\xed\xa0\x80")) << "surrogate";
  EXPECT_FALSE(sb::valid_utf8("\xf4\x90\x80\x80")) << "past U+10FFFF";
  EXPECT_FALSE(sb::valid_utf8("abc\xe2\x82")) << "cut short";
  EXPECT_EQ(sb::utf8_length("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), 8u);
  EXPECT_EQ(sb::utf8_length(""), 0u);
}
