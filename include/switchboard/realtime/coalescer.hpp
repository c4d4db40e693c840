#pragma once
// Ephemeral events (typing, presence) per sender: at most one forwarded per
// interval and key; what arrives in between is coalesced into the latest
// state, forwarded when the interval is over, so the final "stopped typing"
// is never lost (issue 16 item 9). Pure: time is passed in; the caller owns
// the timer that calls take_due. Not thread-safe (lives on the io thread).
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>

namespace switchboard::realtime {

class coalescer {
 public:
  using clock = std::chrono::steady_clock;
  using action = std::function<void()>;

  explicit coalescer(std::chrono::milliseconds interval, std::size_t max_keys = 100000)
      : interval_(interval), max_keys_(max_keys) {}

  struct decision {
    bool run_now = false;         // forward it now (the caller runs the action)
    bool schedule = false;        // the first deferred one: call take_due(key) at `at`
    clock::time_point at{};
  };
  // Offers the latest state for key. When it may not go now, it replaces the
  // pending one (the older state is dropped: only the newest matters).
  decision offer(const std::string& key, action a, clock::time_point now);
  // At or after the time offer() named: the pending action to run, if any.
  action take_due(const std::string& key, clock::time_point now);

  std::size_t keys() const { return entries_.size(); }

 private:
  struct entry {
    clock::time_point last_sent{};
    action pending;
    bool scheduled = false;
  };
  void prune(clock::time_point now);

  std::chrono::milliseconds interval_;
  std::size_t max_keys_;
  std::unordered_map<std::string, entry> entries_;
  std::size_t offers_since_prune_ = 0;
  clock::time_point last_prune_{};  // a full map is swept at most once an interval
};

}  // namespace switchboard::realtime
