#include "switchboard/auth/login_limiter.hpp"

#include <algorithm>

namespace switchboard::auth {

namespace {
// Failures are forgotten after a window without any, counted from the end of
// the wait they caused: an address that retries as soon as its block ends keeps
// escalating, one that stays quiet starts afresh.
sys_time quiet_since(const sys_time& last_failure, const sys_time& blocked_until) {
  return std::max(last_failure, blocked_until);
}

long seconds_until(sys_time until, sys_time now) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
  return std::max<long>(1, static_cast<long>((left + 999) / 1000));
}
}  // namespace

long login_limiter::wait(table& t, const std::string& key, sys_time now) {
  auto it = t.find(key);
  if (it == t.end()) return 0;
  auto& e = it->second;
  if (e.blocked_until > now) return seconds_until(e.blocked_until, now);
  if (e.pending == 0 && e.failures > 0 && now - quiet_since(e.last_failure, e.blocked_until) > opts_.window) e.failures = 0;
  // Past the free attempts, one check at a time: the others would all be
  // checked before the first one's failure could count.
  if (e.pending > 0 && e.failures + e.pending >= opts_.free_attempts) return 1;
  return 0;
}

long login_limiter::reserve(const std::string& account, const std::string& address, sys_time now) {
  prune(now);
  long w = std::max(wait(accounts_, account, now), wait(addresses_, address, now));
  if (w > 0) return w;
  ++accounts_[account].pending;
  ++addresses_[address].pending;
  return 0;
}

long login_limiter::fail(table& t, const std::string& key, std::chrono::seconds cap, sys_time now) {
  auto& e = t[key];
  if (e.pending > 0) --e.pending;
  if (now - quiet_since(e.last_failure, e.blocked_until) > opts_.window) e.failures = 0;
  ++e.failures;
  e.last_failure = now;
  int over = e.failures - opts_.free_attempts;
  if (over < 0) return 0;
  auto backoff = opts_.base_backoff * (1LL << std::min(over, 20));
  e.blocked_until = now + std::min<std::chrono::seconds>(backoff, cap);
  return seconds_until(e.blocked_until, now);
}

login_limiter::outcome login_limiter::failed(const std::string& account, const std::string& address,
                                             sys_time now) {
  return {fail(accounts_, account, opts_.account_max_delay, now),
          fail(addresses_, address, opts_.address_max_block, now)};
}

void login_limiter::release(table& t, const std::string& key) {
  auto it = t.find(key);
  if (it != t.end() && it->second.pending > 0) --it->second.pending;
}

void login_limiter::succeeded(const std::string& account, const std::string& address) {
  // Other attempts may still be in flight on these keys: keep their reservations.
  for (auto* t : {&accounts_, &addresses_}) {
    auto it = t->find(t == &accounts_ ? account : address);
    if (it == t->end()) continue;
    if (it->second.pending > 1) {
      it->second = entry{0, it->second.pending - 1, {}, {}};
    } else {
      t->erase(it);
    }
  }
}

void login_limiter::abandoned(const std::string& account, const std::string& address) {
  release(accounts_, account);
  release(addresses_, address);
}

// Bounded memory: forget keys with nothing in flight whose window and wait are over.
void login_limiter::prune(sys_time now) {
  if (now - last_prune_ < std::chrono::seconds(60) && size() < 100'000) return;
  last_prune_ = now;
  for (auto* t : {&accounts_, &addresses_})
    for (auto it = t->begin(); it != t->end();) {
      auto& e = it->second;
      if (e.pending == 0 && now - quiet_since(e.last_failure, e.blocked_until) > opts_.window)
        it = t->erase(it);
      else
        ++it;
    }
}

}  // namespace switchboard::auth
