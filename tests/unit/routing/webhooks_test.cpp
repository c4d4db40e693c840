// The pure part of outbound webhooks (issue 21): the Standard Webhooks signature,
// secrets, event types, the retry schedule over 3 days and the 5-day disable.
#include <gtest/gtest.h>

#include "switchboard/routing/webhooks.hpp"

namespace r = switchboard::routing;
using namespace std::chrono;

TEST(webhook_signature, matches_the_specifications_example) {
  // The example of the Standard Webhooks specification and its reference libraries' tests.
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  EXPECT_EQ(r::webhook_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Every byte counts: the id, the time and the body.
  EXPECT_NE(r::webhook_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJel", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  EXPECT_NE(r::webhook_signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(webhook_signature, a_rotation_sends_one_signature_per_secret) {
  auto a = r::format_webhook_secret("first key bytes 24 long!");
  auto b = r::format_webhook_secret("second key bytes, 24 lo.");
  auto header = r::webhook_signature_header({a, b}, "msg_1", 1700000000, "{}");
  EXPECT_EQ(header, r::webhook_signature(a, "msg_1", 1700000000, "{}") + " " +
                        r::webhook_signature(b, "msg_1", 1700000000, "{}"));
}

TEST(webhook_secret, is_whsec_and_base64_of_the_key) {
  auto s = r::format_webhook_secret("0123456789abcdefghijklmn");
  EXPECT_EQ(s, "whsec_MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1u");
  EXPECT_EQ(r::webhook_secret_key(s), "0123456789abcdefghijklmn");
  EXPECT_FALSE(r::webhook_secret_key("MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1u"));
  EXPECT_FALSE(r::webhook_secret_key("whsec_"));
  EXPECT_FALSE(r::webhook_secret_key("whsec_not*base64"));
}

TEST(webhook_event_types, are_the_issues_list) {
  EXPECT_EQ(r::webhook_event_types().size(), 13u);
  for (auto t : {"conversation.created", "conversation.updated", "conversation.status_changed",
                 "conversation.assigned", "message.created", "message.updated", "contact.created", "contact.updated",
                 "contact.merged", "contact.erased", "csat.submitted", "call.completed", "voicemail.created"})
    EXPECT_TRUE(r::is_webhook_event_type(t)) << t;
  EXPECT_FALSE(r::is_webhook_event_type("webhook.test"));  // sent on request, never subscribed to
  EXPECT_FALSE(r::is_webhook_event_type("message.deleted"));
}

TEST(webhook_retry, follows_the_schedule_within_a_fifth_either_way) {
  // Middle jitter (0.5) is the schedule itself.
  std::vector<milliseconds> expected = {seconds(5), minutes(5), minutes(30), hours(2), hours(5), hours(10), hours(10)};
  milliseconds elapsed{0};
  for (int attempt = 1; attempt <= static_cast<int>(expected.size()); ++attempt) {
    auto d = r::webhook_retry_delay(attempt, elapsed, 0.5);
    ASSERT_TRUE(d) << attempt;
    EXPECT_EQ(*d, expected[static_cast<std::size_t>(attempt - 1)]) << attempt;
    EXPECT_EQ(*r::webhook_retry_delay(attempt, elapsed, 0.0), expected[static_cast<std::size_t>(attempt - 1)] * 4 / 5);
    EXPECT_EQ(*r::webhook_retry_delay(attempt, elapsed, 1.0), expected[static_cast<std::size_t>(attempt - 1)] * 6 / 5);
    elapsed += *d;
  }
}

TEST(webhook_retry, gives_up_three_days_after_the_first_attempt) {
  milliseconds elapsed{0};
  int attempts = 0;
  while (auto d = r::webhook_retry_delay(attempts + 1, elapsed, 0.5)) {
    elapsed += *d;
    ++attempts;
    ASSERT_LT(attempts, 100);
  }
  EXPECT_LE(elapsed, hours(72));
  EXPECT_GT(elapsed, hours(60));  // the last one within 10 h of the end
  EXPECT_EQ(attempts, 11);        // 6 steps to 17 h 35 min, then every 10 h
  // The scale shrinks all of it alike (tests).
  EXPECT_EQ(*r::webhook_retry_delay(1, milliseconds(0), 0.5, 0.001), milliseconds(5));
  EXPECT_FALSE(r::webhook_retry_delay(2, duration_cast<milliseconds>(hours(72)) / 1000, 0.5, 0.001));
  EXPECT_EQ(r::webhook_disable_after(), hours(120));
}

TEST(webhook_excerpt, keeps_whole_characters) {
  EXPECT_EQ(r::webhook_response_excerpt("ok"), "ok");
  EXPECT_EQ(r::webhook_response_excerpt(std::string(600, 'a')).size(), 512u);
  std::string accented = std::string(511, 'a') + "\xc3\xa9tail";
  EXPECT_EQ(r::webhook_response_excerpt(accented), std::string(511, 'a'));
  EXPECT_EQ(r::webhook_response_excerpt("\xff\xfe"), "");  // not text
}
