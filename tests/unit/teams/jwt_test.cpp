// Bot Framework JWT verification as a pure function: a token signed with a key
// made here, checked against a JWKS holding that key's public half.
#include "switchboard/teams/jwt.hpp"

#include <gtest/gtest.h>

#include "support/fake_bot_framework.hpp"

namespace t = switchboard::teams;
using json = nlohmann::json;

namespace {

const std::string app_id = "11111111-2222-3333-4444-555555555555";
const std::string service_url = "https://smba.trafficmanager.net/amer/";

const sbtest::rsa_key& key() {
  static sbtest::rsa_key k;
  return k;
}
const sbtest::rsa_key& other_key() {
  static sbtest::rsa_key k;
  return k;
}

struct teams_jwt : ::testing::Test {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  json jwks = {{"keys", json::array({key().jwk("key-1")})}};
  json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "key-1"}};
  json claims = sbtest::bot_claims(app_id, service_url, now);

  t::jwt_expectations expect() const {
    t::jwt_expectations e;
    e.audience = app_id;
    e.channel_id = "msteams";
    e.service_url = service_url;
    e.now = now;
    return e;
  }
  t::jwt_verdict verify(const std::string& token) const {
    return t::verify_jwt(token, jwks, expect());
  }
  std::string token() const { return key().sign(header, claims); }
};

}  // namespace

TEST_F(teams_jwt, a_valid_token_is_accepted_with_its_claims) {
  auto v = verify(token());
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.kid, "key-1");
  EXPECT_EQ(v.claims["serviceurl"], service_url);
}

TEST_F(teams_jwt, an_audience_list_containing_the_app_id_is_accepted) {
  claims["aud"] = json::array({"someone-else", app_id});
  EXPECT_TRUE(verify(token()).ok);
}

TEST_F(teams_jwt, wrong_audience_is_refused) {
  claims["aud"] = "another-bot";
  auto v = verify(token());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "wrong audience");
}

TEST_F(teams_jwt, no_configured_app_id_refuses_everything) {
  auto e = expect();
  e.audience.clear();
  claims["aud"] = "";
  EXPECT_FALSE(t::verify_jwt(token(), jwks, e).ok);
}

TEST_F(teams_jwt, wrong_issuer_is_refused) {
  claims["iss"] = "https://sts.windows.net/evil/";
  auto v = verify(token());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "wrong issuer");
}

TEST_F(teams_jwt, expiry_allows_five_minutes_of_skew_and_no_more) {
  auto t0 = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  claims["exp"] = t0 - 240;  // expired 4 minutes ago: within the skew
  EXPECT_TRUE(verify(token()).ok);
  claims["exp"] = t0 - 360;  // 6 minutes ago
  auto v = verify(token());
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.reason, "expired");
  claims.erase("exp");
  EXPECT_FALSE(verify(token()).ok) << "exp is required";
}

TEST_F(teams_jwt, not_before_allows_five_minutes_of_skew_and_no_more) {
  auto t0 = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  claims["nbf"] = t0 + 240;
  EXPECT_TRUE(verify(token()).ok);
  claims["nbf"] = t0 + 360;
  EXPECT_FALSE(verify(token()).ok);
}

TEST_F(teams_jwt, an_unknown_kid_says_so_so_the_caller_can_refresh) {
  header["kid"] = "key-2";
  auto v = verify(token());
  EXPECT_FALSE(v.ok);
  EXPECT_TRUE(v.unknown_kid);
  EXPECT_EQ(t::jwt_kid(token()), "key-2");
}

TEST_F(teams_jwt, a_bad_signature_is_refused) {
  // Signed by another key under the trusted kid.
  auto forged = other_key().sign(header, claims);
  auto v = verify(forged);
  EXPECT_FALSE(v.ok);
  EXPECT_FALSE(v.unknown_kid);
  EXPECT_EQ(v.reason, "bad signature");
  // A genuine signature over different claims.
  auto genuine = token();
  auto dot1 = genuine.find('.'), dot2 = genuine.rfind('.');
  claims["aud"] = app_id;
  claims["serviceurl"] = "https://attacker.example/";
  auto swapped =
      genuine.substr(0, dot1 + 1) + t::base64url_encode(claims.dump()) + genuine.substr(dot2);
  EXPECT_EQ(verify(swapped).reason, "bad signature");
}

TEST_F(teams_jwt, only_rs256_is_accepted) {
  header["alg"] = "none";
  auto unsigned_token =
      t::base64url_encode(header.dump()) + "." + t::base64url_encode(claims.dump()) + ".";
  EXPECT_FALSE(verify(unsigned_token).ok);
  header["alg"] = "HS256";
  EXPECT_EQ(verify(token()).reason, "alg must be RS256");
}

TEST_F(teams_jwt, service_url_must_match_the_activity) {
  auto e = expect();
  e.service_url = "https://smba.trafficmanager.net/emea/";
  auto v = t::verify_jwt(token(), jwks, e);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("serviceurl"), std::string::npos);
  claims.erase("serviceurl");
  EXPECT_FALSE(verify(token()).ok) << "the claim is required";
}

TEST_F(teams_jwt, the_key_must_endorse_the_activity_channel) {
  jwks = {{"keys", json::array({key().jwk("key-1", {"webchat"})})}};
  auto v = verify(token());
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("endorse"), std::string::npos);
}

TEST_F(teams_jwt, malformed_tokens_are_refused_not_thrown) {
  for (std::string bad :
       {"", "abc", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA"})
    EXPECT_FALSE(verify(bad).ok) << bad;
  EXPECT_FALSE(t::verify_jwt(token(), json("not a key set"), expect()).ok);
  jwks = {{"keys", json::array({{{"kid", "key-1"}, {"kty", "RSA"}, {"n", "***"}, {"e", "AQAB"}}})}};
  EXPECT_FALSE(verify(token()).ok);
}

TEST(teams_base64url, round_trips_and_rejects_other_alphabets) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\xff\xfe\x00\x01", 4)})
    EXPECT_EQ(t::base64url_decode(t::base64url_encode(s)), s);
  EXPECT_EQ(t::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(t::base64url_decode("Zm9vYg=="), "foob");
  EXPECT_FALSE(t::base64url_decode("Zm9v+g"));
  EXPECT_FALSE(t::base64url_decode("Z"));
}
