// The widget's pure pieces: session tokens, identity verification, origin
// matching, rate limiting (issue 6).
#include <gtest/gtest.h>

#include "switchboard/widget/identity.hpp"
#include "switchboard/widget/origin.hpp"
#include "switchboard/widget/rate_limit.hpp"
#include "switchboard/widget/token.hpp"

namespace w = switchboard::widget;
using namespace std::chrono_literals;

namespace {
const switchboard::sys_time t0 = switchboard::sys_time{} + 1'000'000h;
}

TEST(widget_token, issue_has_prefix_hex_and_only_the_hash_is_kept) {
  auto t = w::issue_token(t0, 24h);
  EXPECT_TRUE(t.token.starts_with("wst_"));
  EXPECT_EQ(t.token.size(), 4u + 64u);
  EXPECT_TRUE(w::looks_like_token(t.token));
  EXPECT_EQ(t.hash, w::hash_token(t.token));
  EXPECT_EQ(t.hash.size(), 64u);
  EXPECT_EQ(t.hash.find(t.token.substr(4)), std::string::npos);
  EXPECT_NE(w::issue_token(t0, 24h).token, t.token);
  EXPECT_EQ(t.expires_at - t.issued_at, 24h);
  EXPECT_FALSE(w::looks_like_token("wst_xyz"));
  EXPECT_FALSE(w::looks_like_token("sbs_" + t.token.substr(4)));
}

TEST(widget_token, lifetime_is_clamped_to_one_hour_and_seven_days) {
  EXPECT_EQ(w::clamp_ttl(0h), 1h);
  EXPECT_EQ(w::clamp_ttl(24h), 24h);
  EXPECT_EQ(w::clamp_ttl(10000h), 168h);
  EXPECT_EQ(w::issue_token(t0, 1000h).expires_at, t0 + 168h);
}

TEST(widget_token, verify_expiry_and_revocation) {
  auto t = w::issue_token(t0, 24h);
  EXPECT_EQ(w::check_token(t.expires_at, false, t0 + 1h), w::token_state::valid);
  EXPECT_EQ(w::check_token(t.expires_at, false, t0 + 24h), w::token_state::expired);
  EXPECT_EQ(w::check_token(t.expires_at, true, t0 + 1h), w::token_state::revoked);
}

TEST(widget_token, refreshed_when_under_a_quarter_remains) {
  auto t = w::issue_token(t0, 24h);
  EXPECT_FALSE(w::needs_refresh(t.issued_at, t.expires_at, t0 + 17h));
  EXPECT_FALSE(w::needs_refresh(t.issued_at, t.expires_at, t0 + 18h));  // exactly 25% left
  EXPECT_TRUE(w::needs_refresh(t.issued_at, t.expires_at, t0 + 18h + 1s));
  EXPECT_FALSE(w::needs_refresh(t.issued_at, t.expires_at, t0 + 25h));  // expired: no refresh
}

TEST(widget_identity, hmac_is_sha256_hex_of_the_external_id) {
  // RFC 4231 test case 2.
  EXPECT_EQ(w::hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(w::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(w::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(w::constant_time_equal("abc", "abcd"));
}

TEST(widget_identity, the_three_modes) {
  w::identity_secrets s{"secret-1", "", std::nullopt};
  auto good = w::hmac_sha256_hex("secret-1", "user-42");
  w::identity_claim anon;
  w::identity_claim unsigned_user{"user-42", std::nullopt, true};
  w::identity_claim signed_user{"user-42", good, true};
  w::identity_claim wrong{"user-42", w::hmac_sha256_hex("other", "user-42"), true};
  w::identity_claim other_user{"user-43", good, true};
  using v = w::identity_verdict;
  using m = w::identity_mode;

  EXPECT_EQ(w::verify_identity(m::off, s, anon, t0), v::anonymous);
  EXPECT_EQ(w::verify_identity(m::off, s, signed_user, t0), v::unverified);  // never trusted
  EXPECT_EQ(w::verify_identity(m::off, s, wrong, t0), v::unverified);

  EXPECT_EQ(w::verify_identity(m::optional, s, anon, t0), v::anonymous);
  EXPECT_EQ(w::verify_identity(m::optional, s, unsigned_user, t0), v::unverified);
  EXPECT_EQ(w::verify_identity(m::optional, s, signed_user, t0), v::verified);
  EXPECT_EQ(w::verify_identity(m::optional, s, wrong, t0), v::refused);
  EXPECT_EQ(w::verify_identity(m::optional, s, other_user, t0), v::refused);

  EXPECT_EQ(w::verify_identity(m::required, s, anon, t0), v::anonymous);
  EXPECT_EQ(w::verify_identity(m::required, s, unsigned_user, t0), v::refused);
  EXPECT_EQ(w::verify_identity(m::required, s, signed_user, t0), v::verified);
  EXPECT_EQ(w::verify_identity(m::required, s, wrong, t0), v::refused);

  // Upper-case hex is the same digest.
  std::string upper = good;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(w::verify_identity(m::required, s, {"user-42", upper, true}, t0), v::verified);
  // No secret configured: nothing verifies.
  EXPECT_EQ(w::verify_identity(m::required, w::identity_secrets{}, signed_user, t0), v::refused);
  EXPECT_EQ(w::parse_identity_mode("required"), m::required);
  EXPECT_FALSE(w::parse_identity_mode("sometimes"));
}

TEST(widget_identity, rotation_keeps_the_previous_secret_for_the_grace_window) {
  w::identity_secrets s{"old-secret", "", std::nullopt};
  auto rotated = w::rotate(s, "new-secret", t0, 24h);
  EXPECT_EQ(rotated.current, "new-secret");
  EXPECT_EQ(rotated.previous, "old-secret");
  auto old_hash = w::hmac_sha256_hex("old-secret", "u1");
  auto new_hash = w::hmac_sha256_hex("new-secret", "u1");
  EXPECT_TRUE(w::hash_matches(rotated, "u1", new_hash, t0 + 1h));
  EXPECT_TRUE(w::hash_matches(rotated, "u1", old_hash, t0 + 23h));
  EXPECT_FALSE(w::hash_matches(rotated, "u1", old_hash, t0 + 24h));  // grace over
  EXPECT_TRUE(w::hash_matches(rotated, "u1", new_hash, t0 + 48h));
  // Rotating again forgets the oldest secret at once.
  auto twice = w::rotate(rotated, "third-secret", t0 + 2h, 24h);
  EXPECT_FALSE(w::hash_matches(twice, "u1", old_hash, t0 + 3h));
  EXPECT_TRUE(w::hash_matches(twice, "u1", new_hash, t0 + 3h));
  // No grace: the old one stops at once.
  EXPECT_FALSE(w::hash_matches(w::rotate(s, "x", t0, 0s), "u1", old_hash, t0));
}

TEST(widget_origin, exact_matches_need_scheme_host_and_port) {
  std::vector<std::string> list = {"https://shop.example.com", "http://localhost:3000"};
  auto own = "https://support.example.org";
  EXPECT_TRUE(w::origin_allowed("https://shop.example.com", list, own));
  EXPECT_TRUE(w::origin_allowed("https://shop.example.com:443", list, own));
  EXPECT_TRUE(w::origin_allowed("https://SHOP.example.com", list, own));
  EXPECT_FALSE(w::origin_allowed("https://shop.example.com:8443", list, own));  // port
  EXPECT_FALSE(w::origin_allowed("http://shop.example.com", list, own));        // scheme
  EXPECT_TRUE(w::origin_allowed("http://localhost:3000", list, own));
  EXPECT_FALSE(w::origin_allowed("http://localhost:3001", list, own));
  EXPECT_FALSE(w::origin_allowed("https://www.shop.example.com", list, own));
  EXPECT_FALSE(w::origin_allowed("null", list, own));
  EXPECT_FALSE(w::origin_allowed("", list, own));
  EXPECT_FALSE(w::origin_allowed("https://shop.example.com.evil.net", list, own));
}

TEST(widget_origin, wildcard_covers_subdomains_and_the_bare_domain_only) {
  std::vector<std::string> list = {"https://*.example.com"};
  auto own = "http://127.0.0.1:8080";
  EXPECT_TRUE(w::origin_allowed("https://example.com", list, own));
  EXPECT_TRUE(w::origin_allowed("https://www.example.com", list, own));
  EXPECT_TRUE(w::origin_allowed("https://a.b.example.com", list, own));
  EXPECT_FALSE(w::origin_allowed("https://evilexample.com", list, own));
  EXPECT_FALSE(w::origin_allowed("https://evildomain.com", {"https://*.domain.com"}, own));
  EXPECT_FALSE(w::origin_allowed("https://example.com.evil.net", list, own));
  EXPECT_FALSE(w::origin_allowed("http://www.example.com", list, own));
  EXPECT_FALSE(w::origin_allowed("https://www.example.com:8443", list, own));
}

TEST(widget_origin, no_star_and_an_empty_list_allows_only_the_own_origin) {
  EXPECT_FALSE(w::parse_pattern("*"));
  EXPECT_FALSE(w::parse_pattern("https://*"));
  EXPECT_FALSE(w::parse_pattern("https://*.com"));
  EXPECT_FALSE(w::parse_pattern("example.com"));
  EXPECT_FALSE(w::parse_pattern("ftp://example.com"));
  EXPECT_FALSE(w::parse_pattern("https://example.com/path"));
  EXPECT_FALSE(w::parse_origin("https://*.example.com"));  // a real Origin is never a pattern
  EXPECT_FALSE(w::origin_allowed("https://anything.com", {"*"}, "http://127.0.0.1:8080"));
  EXPECT_TRUE(w::origin_allowed("http://127.0.0.1:8080", {}, "http://127.0.0.1:8080"));
  EXPECT_FALSE(w::origin_allowed("http://127.0.0.1:8081", {}, "http://127.0.0.1:8080"));
  EXPECT_FALSE(w::origin_allowed("https://shop.example.com", {}, "http://127.0.0.1:8080"));
  EXPECT_EQ(w::to_string(*w::parse_pattern("HTTPS://*.Example.com:443/")), "https://*.example.com");
  EXPECT_EQ(w::to_string(*w::parse_pattern("http://localhost:3000")), "http://localhost:3000");
}

TEST(widget_rate_limit, refuses_past_the_limit_until_the_window_ends) {
  w::rate_limiter lim(3, 60s);
  EXPECT_EQ(lim.hit("v1", t0), 0);
  EXPECT_EQ(lim.hit("v1", t0 + 1s), 0);
  EXPECT_EQ(lim.hit("v1", t0 + 2s), 0);
  auto wait = lim.hit("v1", t0 + 10s);
  EXPECT_GE(wait, 50);
  EXPECT_LE(wait, 51);
  EXPECT_EQ(lim.hit("v2", t0 + 10s), 0);  // per key
  EXPECT_EQ(lim.hit("v1", t0 + 60s), 0);  // a new window
}
