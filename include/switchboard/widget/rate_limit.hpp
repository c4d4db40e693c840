#pragma once
// Fixed-window request counting per key (a visitor, a client address): at most
// `limit` hits per `window`; past it, the seconds until the window ends. Pure;
// time is passed in.
#include <chrono>
#include <string>
#include <unordered_map>

#include "switchboard/core/clock.hpp"

namespace switchboard::widget {

class rate_limiter {
 public:
  rate_limiter(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  // Counts one hit; 0 = allowed, else the Retry-After in seconds (>= 1).
  long hit(const std::string& key, sys_time now);
  void set_limit(int limit) { limit_ = limit; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    sys_time start;
    int count = 0;
  };
  void prune(sys_time now);
  int limit_;
  std::chrono::seconds window_;
  std::unordered_map<std::string, entry> entries_;
  sys_time last_prune_{};
};

}  // namespace switchboard::widget
