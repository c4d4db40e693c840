#pragma once
// Carrier webhook signature checks (Twilio, SignalWire, sandbox). Pure functions:
// no sockets, no I/O. Untrusted input never throws; failures come back as error values.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::carriers {

using param_list = std::vector<std::pair<std::string, std::string>>;

// base64(HMAC-SHA1(key, url + k1 v1 k2 v2 ...)) with Twilio SDK semantics: keys sorted
// byte-wise, and a repeated key's values de-duplicated then sorted.
std::string twilio_signature(std::string_view key, std::string_view url, const param_list& params);

// SignalWire's form (cXML) scheme: the same as Twilio's, except a repeated key's values
// are kept in submission order and not de-duplicated.
std::string signalwire_form_signature(std::string_view key, std::string_view url,
                                      const param_list& params);

// SignalWire's JSON scheme: lowercase hex(HMAC-SHA1(key, url + raw_body)).
std::string signalwire_json_signature(std::string_view key, std::string_view url,
                                      std::string_view raw_body);

// Lowercase hex SHA-256, the value Twilio puts in the `bodySHA256` query parameter.
std::string body_sha256_hex(std::string_view raw_body);

// Constant time for equal lengths (CRYPTO_memcmp); different lengths are simply unequal.
bool constant_time_equal(std::string_view a, std::string_view b);

// The URLs a carrier may have signed for `url`: the URL as is, plus the variant with the
// scheme's default port (:443 https, :80 http) added when absent or removed when present.
// Userinfo and everything else is kept byte for byte. Unparseable URLs yield only themselves.
std::vector<std::string> url_port_variants(std::string_view url);

// Decodes an application/x-www-form-urlencoded body ('+' is a space) into pairs in
// submission order. Malformed input (bad percent escapes, illegal characters) is an
// INVALID_INPUT error.
result<param_list> parse_form_body(std::string_view body);
// application/x-www-form-urlencoded value: unreserved characters kept, the rest %XX.
std::string form_encode(std::string_view value);

enum class carrier_kind { twilio, signalwire, sandbox };

struct signed_request {
  std::string url;           // configured public_url + path + query, as received
  std::string content_type;  // Content-Type header value, may carry parameters
  std::string raw_body;
  param_list form_params;    // decoded, in submission order; empty or exactly raw_body's
  std::optional<std::string> twilio_header;      // X-Twilio-Signature
  std::optional<std::string> signalwire_header;  // X-SignalWire-Signature
};

// Succeeds only when the request carries a valid signature under `key` for `kind`.
// Every failure is error{"NOT_AUTHORIZED", what failed}. On success a form body's
// decoded parameters (the ones that were signed) go to *form_out, if given, so the
// caller does not parse the body a second time.
result<void> verify_webhook(carrier_kind kind, std::string_view key, const signed_request& req,
                            param_list* form_out = nullptr);

}  // namespace switchboard::carriers
