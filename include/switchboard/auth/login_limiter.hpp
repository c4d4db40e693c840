#pragma once
// Login throttling: after `free_attempts` failures for one key (an email, or a
// client address) within `window`, further attempts are refused until a backoff
// that doubles with each further failure (capped) has passed. Pure; time is passed in.
#include <chrono>
#include <string>
#include <unordered_map>

namespace switchboard::auth {

class login_limiter {
 public:
  using clock = std::chrono::steady_clock;
  struct options {
    int free_attempts = 5;
    std::chrono::seconds window{15 * 60};
    std::chrono::seconds base_backoff{1};
    std::chrono::seconds max_backoff{15 * 60};
  };
  login_limiter() : login_limiter(options{}) {}
  explicit login_limiter(options o) : opts_(o) {}

  // Seconds to wait before another attempt is allowed; 0 = allowed now.
  long retry_after(const std::string& key, clock::time_point now) const;
  void record_failure(const std::string& key, clock::time_point now);
  void record_success(const std::string& key);
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    int failures = 0;
    clock::time_point first_failure;
    clock::time_point blocked_until;
  };
  void prune(clock::time_point now);
  options opts_;
  std::unordered_map<std::string, entry> entries_;
  clock::time_point last_prune_{};
};

}  // namespace switchboard::auth
