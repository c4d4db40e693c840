#include "switchboard/outbox/retry.hpp"

#include <gtest/gtest.h>

using namespace switchboard::outbox;
using namespace std::chrono_literals;

TEST(outbox_retry, success_reads_sid_and_status) {
  auto o = classify_message_response(201, R"({"sid":"SM123","status":"queued"})");
  EXPECT_EQ(o.what, outcome::kind::delivered);
  EXPECT_EQ(o.carrier_sid, "SM123");
  EXPECT_EQ(o.status, "queued");
  EXPECT_EQ(classify_message_response(200, R"({"sid":"SM1","status":"sent"})").status, "sent");
  EXPECT_EQ(classify_message_response(201, "not json").what, outcome::kind::failed);
}

TEST(outbox_retry, server_errors_and_429_retry_other_4xx_fail_with_the_carrier_code) {
  EXPECT_EQ(classify_message_response(500, "").what, outcome::kind::retry);
  EXPECT_EQ(classify_message_response(503, "oops").what, outcome::kind::retry);
  EXPECT_EQ(classify_message_response(429, R"({"code":20429,"message":"Too Many Requests"})").what, outcome::kind::retry);
  auto bad = classify_message_response(400, R"({"code":21211,"message":"The 'To' number is not a valid phone number.","status":400})");
  EXPECT_EQ(bad.what, outcome::kind::failed);
  EXPECT_EQ(bad.error, "21211: The 'To' number is not a valid phone number.");
  EXPECT_EQ(classify_message_response(401, "").error, "HTTP 401");
}

TEST(outbox_retry, backoff_doubles_with_jitter_and_a_cap) {
  EXPECT_EQ(backoff(1, 1000ms, 60000ms, 0.5), 1000ms);
  EXPECT_EQ(backoff(2, 1000ms, 60000ms, 0.5), 2000ms);
  EXPECT_EQ(backoff(4, 1000ms, 60000ms, 0.5), 8000ms);
  EXPECT_EQ(backoff(20, 1000ms, 60000ms, 0.5), 60000ms);
  EXPECT_EQ(backoff(1, 1000ms, 60000ms, 0.0), 800ms);
  EXPECT_EQ(backoff(1, 1000ms, 60000ms, 0.999999).count(), 1199);
}

#include "switchboard/outbox/token_bucket.hpp"

TEST(token_bucket, paces_each_number_on_its_own) {
  token_bucket b(1.0, 1.0);
  auto t0 = token_bucket::clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(b.take("+1555", t0), token_bucket::clock::duration::zero());
  auto wait = b.take("+1555", t0);
  EXPECT_NEAR(std::chrono::duration<double>(wait).count(), 1.0, 1e-6);
  EXPECT_EQ(b.take("+1666", t0), token_bucket::clock::duration::zero()) << "another number has its own bucket";
  EXPECT_NEAR(std::chrono::duration<double>(b.take("+1555", t0 + 500ms)).count(), 0.5, 1e-6);
  EXPECT_EQ(b.take("+1555", t0 + 1000ms), token_bucket::clock::duration::zero());
  // Idle time refills up to the burst only.
  token_bucket burst(2.0, 3.0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(burst.take("n", t0 + 10s), token_bucket::clock::duration::zero());
  EXPECT_GT(burst.take("n", t0 + 10s), token_bucket::clock::duration::zero());
}
