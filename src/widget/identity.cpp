#include "switchboard/widget/identity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace switchboard::widget {

std::optional<identity_mode> parse_identity_mode(std::string_view s) {
  if (s == "off") return identity_mode::off;
  if (s == "optional") return identity_mode::optional;
  if (s == "required") return identity_mode::required;
  return std::nullopt;
}

std::string_view to_string(identity_mode m) {
  switch (m) {
    case identity_mode::off: return "off";
    case identity_mode::optional: return "optional";
    case identity_mode::required: return "required";
  }
  return "off";
}

std::string hmac_sha256_hex(std::string_view secret, std::string_view message) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), md, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

identity_secrets rotate(const identity_secrets& s, std::string fresh, sys_time now,
                        std::chrono::seconds grace) {
  identity_secrets out;
  out.current = std::move(fresh);
  if (!s.current.empty() && grace.count() > 0) {
    out.previous = s.current;
    out.previous_until = now + grace;
  }
  return out;
}

bool hash_matches(const identity_secrets& s, std::string_view external_id, std::string_view user_hash,
                  sys_time now) {
  // Hex digests compare case-insensitively: lower-case the claim first.
  std::string claim(user_hash);
  for (auto& c : claim)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  bool ok = false;
  // Both secrets are always checked, so timing does not tell which one matched.
  if (!s.current.empty()) ok |= constant_time_equal(hmac_sha256_hex(s.current, external_id), claim);
  if (!s.previous.empty() && s.previous_until && now < *s.previous_until)
    ok |= constant_time_equal(hmac_sha256_hex(s.previous, external_id), claim);
  return ok;
}

identity_verdict verify_identity(identity_mode mode, const identity_secrets& s, const identity_claim& c,
                                 sys_time now) {
  if (!c.has_user) return identity_verdict::anonymous;
  bool has_hash = c.user_hash && !c.user_hash->empty();
  bool has_id = c.external_id && !c.external_id->empty();
  switch (mode) {
    case identity_mode::off:
      return identity_verdict::unverified;
    case identity_mode::optional:
      if (!has_hash) return identity_verdict::unverified;
      if (!has_id) return identity_verdict::refused;
      return hash_matches(s, *c.external_id, *c.user_hash, now) ? identity_verdict::verified
                                                                  : identity_verdict::refused;
    case identity_mode::required:
      if (!has_hash || !has_id) return identity_verdict::refused;
      return hash_matches(s, *c.external_id, *c.user_hash, now) ? identity_verdict::verified
                                                                  : identity_verdict::refused;
  }
  return identity_verdict::refused;
}

}  // namespace switchboard::widget
