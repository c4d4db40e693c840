// Login throttling decisions, with time passed in (issue 16 item 7).
#include <gtest/gtest.h>

#include "switchboard/auth/login_limiter.hpp"

namespace sb = switchboard;
using namespace std::chrono_literals;
using limiter = sb::auth::login_limiter;

namespace {
const sb::sys_time t0 = sb::sys_time(std::chrono::hours(24 * 365 * 50));
}

// Issue 16 item 7: attempts are reserved before the check, so a burst of
// concurrent attempts gets only the free ones checked, and nothing more until
// they have settled.
TEST(login_limiter, issue16_item7_concurrent_attempts_are_reserved_before_the_check) {
  limiter l;
  int reserved = 0;
  for (int i = 0; i < 200; ++i)
    if (l.reserve("amy@example.com", "10.0.0.1", t0) == 0) ++reserved;
  EXPECT_EQ(reserved, 5);
  // The right password, last in the burst, from the same or another address: refused.
  EXPECT_GT(l.reserve("amy@example.com", "10.0.0.1", t0), 0);
  EXPECT_GT(l.reserve("amy@example.com", "10.0.0.2", t0), 0);
  // Another account from another address is not affected.
  EXPECT_EQ(l.reserve("bob@example.com", "10.0.0.3", t0), 0);
  l.abandoned("bob@example.com", "10.0.0.3");

  for (int i = 0; i < 5; ++i) l.failed("amy@example.com", "10.0.0.1", t0);
  // Five failures: both the account and the address wait the first backoff.
  EXPECT_EQ(l.reserve("amy@example.com", "10.0.0.2", t0), 1);
  EXPECT_EQ(l.reserve("amy@example.com", "10.0.0.1", t0 + 500ms), 1);
}

TEST(login_limiter, issue16_item7_past_the_free_attempts_one_check_at_a_time) {
  limiter l;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(l.reserve("amy", "a", t0), 0);
    l.failed("amy", "a", t0);
  }
  auto later = t0 + 2s;  // the first backoff (1 s) is over
  ASSERT_EQ(l.reserve("amy", "b", later), 0);
  EXPECT_EQ(l.reserve("amy", "c", later), 1) << "one in flight past the free attempts";
  auto o = l.failed("amy", "b", later);
  EXPECT_EQ(o.account_wait, 2) << "the account's wait doubles: 1 s at the fifth failure, 2 s at the sixth";
  EXPECT_EQ(o.address_wait, 0) << "b itself has failed once";
}

// Issue 16 item 7: one address cannot lock an account for everyone: the
// address's own block grows to 15 minutes, the account's delay stops at 60 s.
TEST(login_limiter, issue16_item7_an_address_is_blocked_while_the_account_is_only_delayed) {
  limiter l;
  auto now = t0;
  long address_wait = 0, account_wait = 0;
  for (int i = 0; i < 20; ++i) {
    now += std::chrono::seconds(address_wait);  // the attacker waits out each block
    ASSERT_EQ(l.reserve("amy", "attacker", now), 0) << i;
    auto o = l.failed("amy", "attacker", now);
    address_wait = o.address_wait;
    account_wait = o.account_wait;
  }
  EXPECT_EQ(address_wait, 900) << "the address's block doubles up to 15 minutes";
  EXPECT_EQ(account_wait, 60) << "the account's delay stops at 60 s";
  now += 61s;
  EXPECT_EQ(l.reserve("amy", "owner", now), 0) << "the owner, elsewhere, gets in after the delay";
  l.succeeded("amy", "owner");
  EXPECT_GT(l.reserve("amy", "attacker", now), 700) << "the attacker's address stays blocked";
  EXPECT_EQ(l.reserve("amy", "owner", now), 0) << "a success forgets the account's failures";
  l.succeeded("amy", "owner");
}

TEST(login_limiter, failures_are_forgotten_after_the_window_and_settled_reservations_are_returned) {
  limiter l;
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(l.reserve("amy", "a", t0), 0);
    l.failed("amy", "a", t0);
  }
  ASSERT_EQ(l.reserve("amy", "a", t0), 0);
  l.abandoned("amy", "a");  // a store error: not a failure
  ASSERT_EQ(l.reserve("amy", "a", t0), 0);
  l.failed("amy", "a", t0);  // the fifth failure
  EXPECT_EQ(l.reserve("amy", "a", t0), 1);
  auto later = t0 + 16min;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(l.reserve("amy", "a", later), 0) << "a fresh window: " << i;
}

TEST(login_limiter, options_set_the_free_attempts_and_caps) {
  limiter l({2, 15min, 1s, 10s, 3s});
  for (int i = 0; i < 8; ++i) {
    auto now = t0 + std::chrono::minutes(i);
    ASSERT_EQ(l.reserve("amy", "a", now), 0) << i;
    auto o = l.failed("amy", "a", now);
    if (i >= 5) {
      EXPECT_EQ(o.address_wait, 10);
      EXPECT_EQ(o.account_wait, 3);
    }
  }
}
