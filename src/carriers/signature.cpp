#include "switchboard/carriers/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>
#include <climits>
#include <memory>

#include "switchboard/core/random.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::carriers {

namespace {

constexpr std::string_view twilio_header_name = "X-Twilio-Signature";
constexpr std::string_view signalwire_header_name = "X-SignalWire-Signature";

// An HMAC-SHA1 keyed once per thread and key. OpenSSL 3's one-shot HMAC() fetches the
// algorithms (a locked lookup) and builds a context on every call; webhooks are signed
// with one or two keys, so each thread keeps one keyed context and re-initialises it.
class hmac_sha1 {
 public:
  explicit hmac_sha1(std::string_view key) {
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    thread_local std::vector<std::pair<std::string, std::unique_ptr<EVP_MAC_CTX, ctx_free>>> cache;
    for (auto& [k, c] : cache)
      if (k == key) ctx_ = c.get();
    if (!ctx_ && mac) {
      std::unique_ptr<EVP_MAC_CTX, ctx_free> c(EVP_MAC_CTX_new(mac));
      char digest[] = "SHA1";
      OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                             OSSL_PARAM_construct_end()};
      static const unsigned char no_key = 0;  // a non-null pointer even for 0 bytes
      const auto* k = key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
      if (c && EVP_MAC_init(c.get(), k, key.size(), params)) {
        if (cache.size() >= 8) cache.erase(cache.begin());  // keys come from configuration: few
        ctx_ = c.get();
        cache.emplace_back(std::string(key), std::move(c));
        return;  // freshly keyed
      }
    }
    // A NULL key re-initialises with the key already set.
    if (ctx_ && !EVP_MAC_init(ctx_, nullptr, 0, nullptr)) ctx_ = nullptr;
  }
  void update(std::string_view data) {
    if (ctx_ &&
        !EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()))
      ctx_ = nullptr;
  }
  // Raw MAC bytes; empty on failure, which can never equal a non-empty header.
  std::string final() {
    unsigned char md[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (!ctx_ || !EVP_MAC_final(ctx_, md, &len, sizeof md)) return {};
    return std::string(reinterpret_cast<const char*>(md), len);
  }

 private:
  struct ctx_free {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  };
  EVP_MAC_CTX* ctx_ = nullptr;
};

// HMAC-SHA1(key, url + k1 v1 k2 v2 ...) over params already in signing order.
std::string sign_params(std::string_view key, std::string_view url,
                        const std::vector<const std::pair<std::string, std::string>*>& ordered) {
  // One update over the joined text: OpenSSL's per-update layers cost as much as
  // hashing a short value.
  thread_local std::string text;
  text.assign(url);
  for (const auto* p : ordered) {
    text += p->first;
    text += p->second;
  }
  hmac_sha1 h(key);
  h.update(text);
  if (text.capacity() > 65536) std::string().swap(text);  // keep no huge buffer
  return h.final();
}

bool is_form_content(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  auto first = media.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  media = media.substr(first, media.find_last_not_of(" \t") - first + 1);
  constexpr std::string_view form = "application/x-www-form-urlencoded";
  return std::equal(media.begin(), media.end(), form.begin(), form.end(),
                    [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; });
}

// The `bodySHA256` query parameter, if the URL parses and carries one. The URL is signed,
// so its presence cannot be forged; the first occurrence wins, as in twilio-python.
std::optional<std::string> body_sha256_param(std::string_view url) {
  if (url.find("bodySHA256") == std::string_view::npos) return std::nullopt;  // the usual case
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  for (auto p : parsed->params(boost::urls::encoding_opts(true)))
    if (p.key == "bodySHA256") return p.has_value ? p.value : std::string();
  return std::nullopt;
}

error deny(std::string message) { return error{"NOT_AUTHORIZED", std::move(message)}; }

// What the body contributes to a form-scheme signature, after checking that the caller's
// decoded form_params are exactly what raw_body says (handlers act on form_params, so
// they must never differ from the bytes that were signed).
struct body_content {
  bool is_form = false;
  param_list params;  // decoded raw_body for form requests; empty otherwise
};

result<body_content> body_content_of(const signed_request& req) {
  body_content out;
  out.is_form = is_form_content(req.content_type);
  if (!out.is_form) {
    if (!req.form_params.empty()) return deny("form parameters supplied for a non-form body");
    return out;
  }
  auto parsed = parse_form_body(req.raw_body);
  if (!parsed) return deny("malformed form body");
  if (!req.form_params.empty() && req.form_params != *parsed)
    return deny("form parameters do not match the request body");
  out.params = std::move(*parsed);
  return out;
}

// Fails with "missing"/"empty" unless the header holds something to compare.
result<void> require_header(const std::optional<std::string>& header, std::string_view name) {
  if (!header) return deny("missing " + std::string(name) + " header");
  if (header->empty()) return deny("empty " + std::string(name) + " header");
  return {};
}

template <class Sign>
bool any_variant_matches(std::string_view url, std::string_view header, Sign&& sign) {
  // The URL as configured first: carriers sign what they called, which is normally it.
  // Which variant matched is no secret (the URL is public), so stopping early leaks nothing.
  auto matches = [&](std::string_view u) {
    auto expected = sign(u);
    return !expected.empty() && constant_time_equal(expected, header);
  };
  if (matches(url)) return true;
  auto variants = url_port_variants(url);
  for (std::size_t i = 1; i < variants.size(); ++i)
    if (matches(variants[i])) return true;
  return false;
}

// Twilio's scheme; also the sandbox's and SignalWire's X-Twilio-Signature fallback.
result<void> verify_twilio(std::string_view key, const signed_request& req, param_list* form_out) {
  if (auto h = require_header(req.twilio_header, twilio_header_name); !h) return h;
  const std::string& header = *req.twilio_header;
  auto content = body_content_of(req);
  if (!content) return content.err();
  body_content& body = *content;
  if (auto hash = body_sha256_param(req.url)) {
    // JSON (or other raw) bodies: the URL alone is signed, the body is bound by its hash.
    if (!any_variant_matches(req.url, header,
                             [&](std::string_view u) { return twilio_signature(key, u, {}); }))
      return deny("bad X-Twilio-Signature signature");
    if (!constant_time_equal(body_sha256_hex(req.raw_body), *hash))
      return deny("body hash mismatch (bodySHA256)");
    if (form_out) *form_out = std::move(body.params);  // empty unless the body is a form
    return {};
  }
  // Without bodySHA256 only form parameters are signed; any other body would be unverified.
  if (!body.is_form && !req.raw_body.empty())
    return deny("request body is not covered by the signature (no bodySHA256)");
  if (!any_variant_matches(req.url, header, [&](std::string_view u) {
        return twilio_signature(key, u, body.params);
      }))
    return deny("bad X-Twilio-Signature signature");
  if (form_out) *form_out = std::move(body.params);
  return {};
}

result<void> verify_signalwire(std::string_view key, const signed_request& req,
                               param_list* form_out) {
  if (!req.signalwire_header) return verify_twilio(key, req, form_out);
  if (auto h = require_header(req.signalwire_header, signalwire_header_name); !h) return h;
  const std::string& header = *req.signalwire_header;
  auto content = body_content_of(req);
  if (!content) return content.err();
  body_content& body = *content;
  bool ok = false;
  if (body.is_form) {
    ok = any_variant_matches(req.url, header, [&](std::string_view u) {
      return signalwire_form_signature(key, u, body.params);
    });
  } else {
    ok = any_variant_matches(req.url, header, [&](std::string_view u) {
      return signalwire_json_signature(key, u, req.raw_body);
    });
    // A bodiless request (e.g. a cXML GET) signs HMAC(url) under both schemes; only the
    // encoding differs, so accepting the base64 form costs nothing.
    if (!ok && req.raw_body.empty())
      ok = any_variant_matches(req.url, header, [&](std::string_view u) {
        return signalwire_form_signature(key, u, {});
      });
  }
  if (!ok) return deny("bad X-SignalWire-Signature signature");
  if (form_out) *form_out = std::move(body.params);
  return {};
}

}  // namespace

std::string twilio_signature(std::string_view key, std::string_view url, const param_list& params) {
  // twilio-python/node sort the keys and, for a repeated key, sign its distinct values in
  // sorted order (the published vector: Digits=5678,1234,1234 signs Digits1234Digits5678).
  // Sorting whole pairs and dropping exact duplicates is the same thing.
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });
  sorted.erase(std::unique(sorted.begin(), sorted.end(),
                           [](const auto* a, const auto* b) { return *a == *b; }),
               sorted.end());
  return base64(sign_params(key, url, sorted));
}

std::string signalwire_form_signature(std::string_view key, std::string_view url,
                                      const param_list& params) {
  // Stable sort by key only: repeated keys keep submission order and duplicates (To=a&To=b
  // signs as ToaTob), per the SignalWire vector.
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->first < b->first; });
  return base64(sign_params(key, url, sorted));
}

std::string signalwire_json_signature(std::string_view key, std::string_view url,
                                      std::string_view raw_body) {
  hmac_sha1 h(key);
  h.update(url);
  h.update(raw_body);
  auto mac = h.final();
  return mac.empty() ? std::string() : to_hex(mac);
}

std::string body_sha256_hex(std::string_view raw_body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(raw_body.data(), raw_body.size(), md, &len, EVP_sha256(), nullptr)) return {};
  return to_hex(std::string(reinterpret_cast<const char*>(md), len));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Signature lengths are public, so leaking a length mismatch reveals nothing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string> url_port_variants(std::string_view url) {
  std::vector<std::string> out{std::string(url)};
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return out;
  std::string_view default_port;
  if (parsed->scheme_id() == boost::urls::scheme::https)
    default_port = "443";
  else if (parsed->scheme_id() == boost::urls::scheme::http)
    default_port = "80";
  else
    return out;
  if (!parsed->has_authority()) return out;
  // Only the default port is interchangeable with none: a carrier that called :8443 signed :8443.
  auto port = parsed->port();
  if (port.empty()) {  // no port, or a bare ':' which means the default too
    boost::urls::url with(*parsed);
    with.set_port(default_port);
    out.emplace_back(with.buffer());
  }
  if (parsed->has_port() && (port.empty() || port == default_port)) {
    boost::urls::url without(*parsed);
    without.remove_port();
    out.emplace_back(without.buffer());
  }
  return out;
}

namespace {

// RFC 3986 query characters other than '%' (which needs two hex digits) and '+'
// (a space): unreserved, sub-delims, ':', '@', '/', '?'. With those two, the set
// Boost.URL's query rule accepts.
constexpr std::array<bool, 256> plain_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("-._~!$&'()*,;=:@/?")) t[c] = true;
  return t;
}();

constexpr std::array<signed char, 256> hex_values = [] {
  std::array<signed char, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<signed char>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<signed char>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<signed char>(c - 'A' + 10);
  return t;
}();

// Checks one key or value and stores it decoded ('+' is a space); false if malformed.
bool decode_form_part(std::string_view in, std::string& out) {
  const char* p = in.data();
  const char* end = p + in.size();
  const char* q = p;
  while (q != end && plain_chars[static_cast<unsigned char>(*q)]) ++q;
  if (q == end) {  // the usual case: copied as it is
    out.assign(p, end);
    return true;
  }
  out.resize(in.size());  // decoding never lengthens
  char* o = std::copy(p, q, out.data());
  for (; q != end; ++q) {
    auto c = static_cast<unsigned char>(*q);
    if (c == '%') {
      if (end - q < 3) return false;
      int hi = hex_values[static_cast<unsigned char>(q[1])];
      int lo = hex_values[static_cast<unsigned char>(q[2])];
      if (hi < 0 || lo < 0) return false;
      *o++ = static_cast<char>(hi * 16 + lo);
      q += 2;
    } else if (c == '+') {
      *o++ = ' ';
    } else if (plain_chars[c]) {
      *o++ = static_cast<char>(c);
    } else {
      return false;
    }
  }
  out.resize(static_cast<std::size_t>(o - out.data()));
  return true;
}

}  // namespace

// Hand-written rather than Boost.URL's parse_query: that validated the body, then
// walked it again pair by pair, a quarter of the io thread's work per webhook. The
// unit test signature.form_parser_agrees_with_boost_url checks this one against
// Boost.URL on every edge case and on random bodies.
result<param_list> parse_form_body(std::string_view body) {
  const error malformed{"INVALID_INPUT", "malformed application/x-www-form-urlencoded body"};
  param_list out;
  out.reserve(static_cast<std::size_t>(std::count(body.begin(), body.end(), '&')) + 1);
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    auto segment = body.substr(pos, amp - pos);
    pos = amp + 1;
    // Empty segments ("a=1&&b=2", a trailing '&') carry nothing and no carrier signs them.
    if (segment.empty()) continue;
    auto eq = segment.find('=');
    auto& [key, value] = out.emplace_back();
    if (!decode_form_part(segment.substr(0, eq), key)) return malformed;
    if (eq != std::string_view::npos && !decode_form_part(segment.substr(eq + 1), value))
      return malformed;
  }
  return out;
}

result<void> verify_webhook(carrier_kind kind, std::string_view key, const signed_request& req,
                            param_list* form_out) {
  // With an empty key anyone can compute a valid HMAC, so an unconfigured carrier fails closed.
  if (key.empty()) return deny("no signing key configured");
  switch (kind) {
    case carrier_kind::twilio:
    case carrier_kind::sandbox:
      return verify_twilio(key, req, form_out);
    case carrier_kind::signalwire:
      return verify_signalwire(key, req, form_out);
  }
  return deny("unknown carrier");
}

std::string form_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace switchboard::carriers
