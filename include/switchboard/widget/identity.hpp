#pragma once
// Identity verification: the host site signs its user's external id with
// HMAC-SHA256(secret, external_id) (hex) and the widget passes it as user_hash.
// Per workspace: off (never trusted), optional (trusted when the hash matches,
// refused when a wrong hash is given), required (a user without a valid hash is
// refused; anonymous visitors stay allowed). A rotated-out secret stays valid
// until its grace window ends.
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/core/clock.hpp"

namespace switchboard::widget {

enum class identity_mode { off, optional, required };
std::optional<identity_mode> parse_identity_mode(std::string_view s);
std::string_view to_string(identity_mode m);

std::string hmac_sha256_hex(std::string_view secret, std::string_view message);
// Constant time for equal lengths (the length of a hex digest is no secret).
bool constant_time_equal(std::string_view a, std::string_view b);

struct identity_secrets {
  std::string current;                  // empty: none set yet
  std::string previous;                 // empty: none
  std::optional<sys_time> previous_until;  // the previous one is accepted before this
};

// The secrets after a rotation to `fresh`: the old current becomes the previous
// one, valid until now + grace.
identity_secrets rotate(const identity_secrets& s, std::string fresh, sys_time now,
                        std::chrono::seconds grace);

// Whether `user_hash` signs `external_id` under the current or the (unexpired) previous secret.
bool hash_matches(const identity_secrets& s, std::string_view external_id, std::string_view user_hash,
                  sys_time now);

enum class identity_verdict {
  anonymous,   // no user given
  unverified,  // a user, not trusted: no merge by external id or email
  verified,    // the hash matched: merge by external id / email
  refused,     // a wrong hash, or required mode without a valid one
};
struct identity_claim {
  std::optional<std::string> external_id, user_hash;
  bool has_user = false;  // a user object was given at all
};
identity_verdict verify_identity(identity_mode mode, const identity_secrets& s, const identity_claim& c,
                                 sys_time now);

}  // namespace switchboard::widget
