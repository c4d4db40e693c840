#include "switchboard/realtime/coalescer.hpp"

#include <utility>

namespace switchboard::realtime {

coalescer::decision coalescer::offer(const std::string& key, action a, clock::time_point now) {
  // A full map is swept at most once an interval, not on every offer: a flood of
  // new keys must not make each offer walk the whole map.
  if (++offers_since_prune_ >= 1024 || (entries_.size() >= max_keys_ && now - last_prune_ >= interval_))
    prune(now);
  // Memory stays bounded: past max_keys busy keys a new key is dropped (it is
  // only a typing indicator).
  if (entries_.size() >= max_keys_ && !entries_.count(key)) return {};
  auto [it, fresh] = entries_.try_emplace(key);
  auto& e = it->second;
  decision d;
  if (fresh || (!e.scheduled && now - e.last_sent >= interval_)) {
    e.last_sent = now;
    e.pending = nullptr;
    d.run_now = true;
    return d;
  }
  e.pending = std::move(a);
  d.at = e.last_sent + interval_;
  if (!e.scheduled) {
    e.scheduled = true;
    d.schedule = true;
  }
  return d;
}

coalescer::action coalescer::take_due(const std::string& key, clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  auto& e = it->second;
  e.scheduled = false;
  if (!e.pending) return nullptr;
  e.last_sent = now;
  return std::exchange(e.pending, nullptr);
}

void coalescer::prune(clock::time_point now) {
  offers_since_prune_ = 0;
  last_prune_ = now;
  // Keys quiet for a whole interval, with nothing pending, carry no state.
  std::erase_if(entries_, [&](const auto& kv) {
    return !kv.second.scheduled && now - kv.second.last_sent >= interval_;
  });
}

}  // namespace switchboard::realtime
