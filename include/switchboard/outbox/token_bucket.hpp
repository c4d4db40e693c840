#pragma once
// Per-key token buckets (one per sending number): carriers throttle or filter
// numbers that send faster than their class allows. Pure; time is passed in.
#include <chrono>
#include <string>
#include <unordered_map>

namespace switchboard::outbox {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;
  // `rate` tokens per second, up to `burst` saved.
  token_bucket(double rate, double burst) : rate_(rate), burst_(burst) {}
  // Takes a token for `key` if one is there (returns 0); otherwise returns how
  // long to wait, and the caller takes again after waiting.
  clock::duration take(const std::string& key, clock::time_point now);

 private:
  struct state {
    double tokens;
    clock::time_point at;
  };
  double rate_, burst_;
  std::unordered_map<std::string, state> buckets_;
};

}  // namespace switchboard::outbox
