#include "switchboard/auth/login_limiter.hpp"

#include <algorithm>

namespace switchboard::auth {

long login_limiter::retry_after(const std::string& key, clock::time_point now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.blocked_until <= now) return 0;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.blocked_until - now);
  return std::max<long>(1, static_cast<long>(left.count()) + 1);
}

void login_limiter::record_failure(const std::string& key, clock::time_point now) {
  prune(now);
  auto& e = entries_[key];
  if (e.failures == 0 || now - e.first_failure > opts_.window) {
    e.failures = 0;
    e.first_failure = now;
  }
  ++e.failures;
  int over = e.failures - opts_.free_attempts;
  if (over >= 0) {
    auto backoff = opts_.base_backoff * (1LL << std::min(over, 20));
    e.blocked_until = now + std::min<std::chrono::seconds>(backoff, opts_.max_backoff);
  }
}

void login_limiter::record_success(const std::string& key) { entries_.erase(key); }

// Bounded memory: forget keys whose window and block are both over.
void login_limiter::prune(clock::time_point now) {
  if (now - last_prune_ < std::chrono::seconds(60) && entries_.size() < 100'000) return;
  last_prune_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now - it->second.first_failure > opts_.window && it->second.blocked_until <= now)
      it = entries_.erase(it);
    else
      ++it;
  }
}

}  // namespace switchboard::auth
