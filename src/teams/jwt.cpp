#include "switchboard/teams/jwt.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <vector>

namespace switchboard::teams {
namespace {

using json = nlohmann::json;

template <class T, void (*F)(T*)>
struct deleter {
  void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BIGNUM, BN_free>>;
using bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using params_ptr = std::unique_ptr<OSSL_PARAM, deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using pctx_ptr = std::unique_ptr<EVP_PKEY_CTX, deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using mdctx_ptr = std::unique_ptr<EVP_MD_CTX, deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

// An RSA public key from a JWK's modulus and exponent (base64url, big-endian).
pkey_ptr rsa_from_jwk(const json& jwk) {
  if (!jwk.is_object() || jwk.value("kty", "") != "RSA") return nullptr;
  auto n_text = jwk.value("n", ""), e_text = jwk.value("e", "");
  auto n = base64url_decode(n_text), e = base64url_decode(e_text);
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  bn_ptr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                        static_cast<int>(n->size()), nullptr));
  bn_ptr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                        static_cast<int>(e->size()), nullptr));
  bld_ptr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld) return nullptr;
  if (!OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return nullptr;
  params_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
  pctx_ptr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return nullptr;
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) return nullptr;
  return pkey_ptr(raw);
}

bool rs256_valid(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
  mdctx_ptr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(
             md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

jwt_verdict refuse(std::string why, std::string kid = {}) {
  jwt_verdict v;
  v.reason = std::move(why);
  v.kid = std::move(kid);
  return v;
}

struct parts {
  std::string_view header, payload, signature, signed_part;
};

std::optional<parts> split(std::string_view token) {
  auto a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  auto b = token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos)
    return std::nullopt;
  return parts{token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1),
               token.substr(0, b)};
}

std::optional<json> decode_json(std::string_view part) {
  auto raw = base64url_decode(part);
  if (!raw) return std::nullopt;
  auto j = json::parse(*raw, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

std::optional<std::int64_t> numeric_date(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  return it->is_number_float() ? static_cast<std::int64_t>(it->get<double>())
                               : it->get<std::int64_t>();
}

}  // namespace

std::optional<std::string> jwt_kid(std::string_view token) {
  auto p = split(token);
  if (!p) return std::nullopt;
  auto header = decode_json(p->header);
  if (!header || !(*header)["kid"].is_string()) return std::nullopt;
  return (*header)["kid"].get<std::string>();
}

jwt_verdict verify_jwt(std::string_view token, const json& jwks, const jwt_expectations& e) {
  if (e.audience.empty()) return refuse("the bot has no app id configured (teams.app_id)");
  auto p = split(token);
  if (!p) return refuse("not a JWT (three dot-separated parts)");
  auto header = decode_json(p->header);
  if (!header) return refuse("the JWT header is not base64url JSON");
  // Only RS256: "none" or HMAC with a public key as secret must never pass.
  if (header->value("alg", "") != "RS256") return refuse("alg must be RS256");
  if (!(*header)["kid"].is_string()) return refuse("the JWT header has no kid");
  auto kid = (*header)["kid"].get<std::string>();

  const json* jwk = nullptr;
  if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array())
    for (auto& k : jwks["keys"])
      if (k.is_object() && k.value("kid", "") == kid) jwk = &k;
  if (!jwk) {
    auto v = refuse("unknown signing key " + kid, kid);
    v.unknown_kid = true;
    return v;
  }
  auto key = rsa_from_jwk(*jwk);
  if (!key) return refuse("signing key " + kid + " is not a usable RSA key", kid);
  if (EVP_PKEY_get_bits(key.get()) < 2048)
    return refuse("signing key " + kid + " is shorter than 2048 bits", kid);
  auto signature = base64url_decode(p->signature);
  if (!signature || !rs256_valid(key.get(), p->signed_part, *signature))
    return refuse("bad signature", kid);

  auto claims = decode_json(p->payload);
  if (!claims) return refuse("the JWT payload is not base64url JSON", kid);
  if (claims->value("iss", "") != e.issuer) return refuse("wrong issuer", kid);
  auto aud = claims->find("aud");
  bool aud_ok = false;
  if (aud != claims->end() && aud->is_string()) aud_ok = aud->get<std::string>() == e.audience;
  if (aud != claims->end() && aud->is_array())
    for (auto& a : *aud) aud_ok = aud_ok || (a.is_string() && a.get<std::string>() == e.audience);
  if (!aud_ok) return refuse("wrong audience", kid);

  auto now = std::chrono::duration_cast<std::chrono::seconds>(e.now.time_since_epoch()).count();
  auto skew = e.skew.count();
  auto exp = numeric_date(*claims, "exp");
  if (!exp) return refuse("no exp claim", kid);
  if (now > *exp + skew) return refuse("expired", kid);
  if (auto nbf = numeric_date(*claims, "nbf"); nbf && now < *nbf - skew)
    return refuse("not valid yet (nbf)", kid);

  // The key may only sign for the channels it endorses.
  bool endorsed = false;
  if (!e.channel_id.empty())
    if (auto it = jwk->find("endorsements"); it != jwk->end() && it->is_array())
      for (auto& c : *it)
        endorsed = endorsed || (c.is_string() && c.get<std::string>() == e.channel_id);
  if (!endorsed) return refuse("the key does not endorse channel '" + e.channel_id + "'", kid);

  auto service_url = claims->find("serviceurl");
  if (e.service_url.empty() || service_url == claims->end() || !service_url->is_string() ||
      service_url->get<std::string>() != e.service_url)
    return refuse("the serviceurl claim does not match the activity's serviceUrl", kid);

  jwt_verdict ok;
  ok.ok = true;
  ok.kid = kid;
  ok.claims = std::move(*claims);
  return ok;
}

}  // namespace switchboard::teams
