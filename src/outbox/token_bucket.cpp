#include "switchboard/outbox/token_bucket.hpp"

#include <algorithm>

namespace switchboard::outbox {

token_bucket::clock::duration token_bucket::take(const std::string& key, clock::time_point now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(key, state{burst_, now}).first;
  auto& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.at).count();
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
  b.at = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return clock::duration::zero();
  }
  double wait = (1.0 - b.tokens) / rate_;
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(wait));
}

}  // namespace switchboard::outbox
