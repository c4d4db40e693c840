#include "switchboard/widget/rate_limit.hpp"

#include <algorithm>

namespace switchboard::widget {

long rate_limiter::hit(const std::string& key, sys_time now) {
  prune(now);
  auto& e = entries_[key];
  if (e.count == 0 || now - e.start >= window_ || now < e.start) {
    e.start = now;
    e.count = 0;
  }
  if (e.count >= limit_) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(e.start + window_ - now);
    return std::max<long>(1, static_cast<long>(left.count()) + 1);
  }
  ++e.count;
  return 0;
}

// Bounded memory: forget keys whose window is over.
void rate_limiter::prune(sys_time now) {
  if (now - last_prune_ < std::chrono::seconds(60) && entries_.size() < 100'000) return;
  last_prune_ = now;
  for (auto it = entries_.begin(); it != entries_.end();)
    if (now - it->second.start >= window_)
      it = entries_.erase(it);
    else
      ++it;
}

}  // namespace switchboard::widget
