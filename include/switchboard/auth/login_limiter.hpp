#pragma once
// Login throttling, per account (the email) and per client address. Pure; time
// is passed in.
//
// An attempt is reserved before the password is checked and settled after, so
// concurrent attempts cannot all be checked: once a key's free attempts are
// spent (failures plus attempts in flight), it allows one check at a time, and
// after each further failure waits a backoff that doubles. The caps differ on
// purpose: an address is blocked for up to `address_max_block` (a hard block),
// while an account is only delayed, by up to `account_max_delay`, so one
// address failing on someone's account cannot lock that person out for long.
#include <chrono>
#include <string>
#include <unordered_map>

#include "switchboard/core/clock.hpp"

namespace switchboard::auth {

class login_limiter {
 public:
  struct options {
    int free_attempts = 5;                                // failures per key before any wait
    std::chrono::seconds window{15 * 60};                 // failures are forgotten after this long without one
    std::chrono::seconds base_backoff{1};                 // the first wait; doubles per failure
    std::chrono::seconds address_max_block{15 * 60};      // cap of an address's wait
    std::chrono::seconds account_max_delay{60};           // cap of an account's wait
  };
  // What a settled failure did: the waits now in force (0 = none).
  struct outcome {
    long account_wait = 0, address_wait = 0;
  };

  login_limiter() : login_limiter(options{}) {}
  explicit login_limiter(options o) : opts_(o) {}
  void set_options(options o) { opts_ = o; }
  const options& opts() const { return opts_; }

  // Reserves one check for (account, address): 0 = reserved (settle it with
  // failed/succeeded/abandoned), else the seconds to wait (>= 1), nothing reserved.
  long reserve(const std::string& account, const std::string& address, sys_time now);
  outcome failed(const std::string& account, const std::string& address, sys_time now);
  void succeeded(const std::string& account, const std::string& address);
  // The check did not happen (e.g. a store error): the reservation is returned.
  void abandoned(const std::string& account, const std::string& address);

  std::size_t size() const { return accounts_.size() + addresses_.size(); }

 private:
  struct entry {
    int failures = 0;  // since the last quiet window
    int pending = 0;   // reserved, not yet settled
    sys_time last_failure{};
    sys_time blocked_until{};
  };
  using table = std::unordered_map<std::string, entry>;
  long wait(table& t, const std::string& key, sys_time now);
  long fail(table& t, const std::string& key, std::chrono::seconds cap, sys_time now);
  static void release(table& t, const std::string& key);
  void prune(sys_time now);

  options opts_;
  table accounts_, addresses_;
  sys_time last_prune_{};
};

}  // namespace switchboard::auth
