#include "switchboard/carriers/signature.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse_query.hpp>
#include <optional>
#include <random>

namespace sc = switchboard::carriers;
using sc::carrier_kind;
using sc::param_list;

namespace {

// Vector data from ../shared/vectors/carrier-signatures.md.
constexpr const char* tw_key = "12345";
constexpr const char* tw_url = "https://mycompany.com/myapp.php?foo=1&bar=2";
const param_list tw_params = {{"CallSid", "CA1234567890ABCDE"},
                              {"Caller", "+14158675309"},
                              {"Digits", "1234"},
                              {"From", "+14158675309"},
                              {"To", "+18005551212"}};
// The same parameters as a carrier would POST them (unsorted, '+' percent-encoded).
constexpr const char* tw_body =
    "To=%2B18005551212&From=%2B14158675309&Digits=1234&Caller=%2B14158675309"
    "&CallSid=CA1234567890ABCDE";
constexpr const char* json_body = R"({"property": "value", "boolean": true})";
constexpr const char* json_sha = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

constexpr const char* sw_key = "PSKtest1234567890abcdef";
constexpr const char* sw_url = "https://example.ngrok.io/webhook";
constexpr const char* sw_json =
    R"({"event":"call.state","params":{"call_id":"abc-123","state":"answered"}})";

constexpr const char* form_type = "application/x-www-form-urlencoded";

sc::signed_request form_request(std::string url, std::string body, std::string twilio_sig) {
  sc::signed_request r;
  r.url = std::move(url);
  r.content_type = "application/x-www-form-urlencoded; charset=utf-8";
  r.raw_body = std::move(body);
  auto params = sc::parse_form_body(r.raw_body);
  if (params) r.form_params = *params;
  r.twilio_header = std::move(twilio_sig);
  return r;
}

sc::signed_request twilio_vector_request() {
  return form_request(tw_url, tw_body, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

sc::signed_request twilio_json_request() {
  sc::signed_request r;
  r.url = std::string(tw_url) + "&bodySHA256=" + json_sha;
  r.content_type = "application/json";
  r.raw_body = json_body;
  r.twilio_header = "a9nBmqA0ju/hNViExpshrM61xv4=";
  return r;
}

sc::signed_request signalwire_json_request() {
  sc::signed_request r;
  r.url = sw_url;
  r.content_type = "application/json";
  r.raw_body = sw_json;
  r.signalwire_header = "c3c08c1fefaf9ee198a100d5906765a6f394bf0f";
  return r;
}

// Expects a NOT_AUTHORIZED rejection whose message mentions `what`.
void expect_denied(const switchboard::result<void>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << "accepted, expected: " << what;
  EXPECT_EQ(r.err().code, "NOT_AUTHORIZED");
  EXPECT_NE(r.err().message.find(what), std::string::npos) << r.err().message;
}

}  // namespace

// ---- published vectors ----------------------------------------------------------------

TEST(signature, twilio_vector_url_without_port) {
  EXPECT_EQ(sc::twilio_signature(tw_key, tw_url, tw_params), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(signature, twilio_vector_https_with_443) {
  EXPECT_EQ(
      sc::twilio_signature(tw_key, "https://mycompany.com:443/myapp.php?foo=1&bar=2", tw_params),
      "kvajT1Ptam85bY51eRf/AJRuM3w=");
}

TEST(signature, twilio_vector_http_with_custom_port) {
  EXPECT_EQ(
      sc::twilio_signature(tw_key, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", tw_params),
      "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
}

TEST(signature, twilio_vector_http_with_80) {
  EXPECT_EQ(
      sc::twilio_signature(tw_key, "http://mycompany.com:80/myapp.php?foo=1&bar=2", tw_params),
      "0ZXoZLH/DfblKGATFgpif+LLRf4=");
}

TEST(signature, twilio_vector_repeated_keys_deduplicated_then_sorted) {
  param_list p = {{"Sid", "CA123"},
                  {"SidAccount", "AC123"},
                  {"Digits", "5678"},
                  {"Digits", "1234"},
                  {"Digits", "1234"}};
  EXPECT_EQ(sc::twilio_signature(tw_key, tw_url, p), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST(signature, twilio_vector_userinfo_is_signed_as_is) {
  EXPECT_EQ(sc::twilio_signature(tw_key, "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2",
                                 tw_params),
            "CukzLTc1tT5dXEDIHm/tKBanW10=");
}

TEST(signature, twilio_vector_body_sha256) { EXPECT_EQ(sc::body_sha256_hex(json_body), json_sha); }

TEST(signature, twilio_vector_body_sha256_url_no_params) {
  EXPECT_EQ(sc::twilio_signature(tw_key, std::string(tw_url) + "&bodySHA256=" + json_sha, {}),
            "a9nBmqA0ju/hNViExpshrM61xv4=");
}

TEST(signature, signalwire_vector_json_scheme) {
  EXPECT_EQ(sc::signalwire_json_signature(sw_key, sw_url, sw_json),
            "c3c08c1fefaf9ee198a100d5906765a6f394bf0f");
}

TEST(signature, signalwire_vector_form_repeated_keys_in_submission_order) {
  // Expected value computed independently: base64(HMAC-SHA1(key, url + "FromcToaTob")).
  EXPECT_EQ(
      sc::signalwire_form_signature(sw_key, sw_url, {{"To", "a"}, {"From", "c"}, {"To", "b"}}),
      "LQv+LfyRRE9Ih+gZ7KOOgmtd0xQ=");
  // Submission order matters for SignalWire (…TobToa) but not for Twilio, which sorts values.
  EXPECT_EQ(
      sc::signalwire_form_signature(sw_key, sw_url, {{"To", "b"}, {"From", "c"}, {"To", "a"}}),
      "AzIKrB3uoU0LySz0j/X1nYNJpg0=");
  EXPECT_EQ(sc::twilio_signature(sw_key, sw_url, {{"To", "b"}, {"From", "c"}, {"To", "a"}}),
            "LQv+LfyRRE9Ih+gZ7KOOgmtd0xQ=");
}

TEST(signature, signalwire_form_scheme_equals_twilio_without_repeats) {
  EXPECT_EQ(sc::signalwire_form_signature(tw_key, tw_url, tw_params),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(signature, signalwire_form_keeps_duplicate_values) {
  // Twilio drops the duplicate 1234; SignalWire signs it twice.
  param_list p = {{"Sid", "CA123"},
                  {"SidAccount", "AC123"},
                  {"Digits", "5678"},
                  {"Digits", "1234"},
                  {"Digits", "1234"}};
  EXPECT_NE(sc::signalwire_form_signature(tw_key, tw_url, p), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

// ---- helpers ---------------------------------------------------------------------------

TEST(signature, constant_time_equal) {
  EXPECT_TRUE(sc::constant_time_equal("", ""));
  EXPECT_TRUE(sc::constant_time_equal("abc", "abc"));
  EXPECT_FALSE(sc::constant_time_equal("abc", "abd"));
  EXPECT_FALSE(sc::constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(sc::constant_time_equal("abc", ""));
  EXPECT_FALSE(sc::constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(signature, port_variants_add_default_port) {
  EXPECT_EQ(sc::url_port_variants("https://mycompany.com/myapp.php?foo=1&bar=2"),
            (std::vector<std::string>{"https://mycompany.com/myapp.php?foo=1&bar=2",
                                      "https://mycompany.com:443/myapp.php?foo=1&bar=2"}));
  EXPECT_EQ(sc::url_port_variants("http://mycompany.com/x"),
            (std::vector<std::string>{"http://mycompany.com/x", "http://mycompany.com:80/x"}));
}

TEST(signature, port_variants_remove_default_port) {
  EXPECT_EQ(sc::url_port_variants("https://mycompany.com:443/myapp.php?foo=1&bar=2"),
            (std::vector<std::string>{"https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                      "https://mycompany.com/myapp.php?foo=1&bar=2"}));
  EXPECT_EQ(sc::url_port_variants("http://mycompany.com:80/x"),
            (std::vector<std::string>{"http://mycompany.com:80/x", "http://mycompany.com/x"}));
}

TEST(signature, port_variants_keep_other_ports_and_userinfo) {
  EXPECT_EQ(sc::url_port_variants("http://mycompany.com:1234/x"),
            (std::vector<std::string>{"http://mycompany.com:1234/x"}));
  // :443 is not http's default and :80 is not https's.
  EXPECT_EQ(sc::url_port_variants("http://mycompany.com:443/x"),
            (std::vector<std::string>{"http://mycompany.com:443/x"}));
  EXPECT_EQ(sc::url_port_variants("https://mycompany.com:80/x"),
            (std::vector<std::string>{"https://mycompany.com:80/x"}));
  EXPECT_EQ(sc::url_port_variants("https://user:pass@mycompany.com/x?a=1"),
            (std::vector<std::string>{"https://user:pass@mycompany.com/x?a=1",
                                      "https://user:pass@mycompany.com:443/x?a=1"}));
}

TEST(signature, port_variants_unparseable_or_other_scheme_only_as_is) {
  EXPECT_EQ(sc::url_port_variants("not a url"), (std::vector<std::string>{"not a url"}));
  EXPECT_EQ(sc::url_port_variants("wss://h/x"), (std::vector<std::string>{"wss://h/x"}));
  EXPECT_EQ(sc::url_port_variants(""), (std::vector<std::string>{""}));
}

TEST(signature, form_parser_plus_percent_and_order) {
  auto r = sc::parse_form_body("To=%2B18005551212&Body=hello+world%21&Name=caf%C3%A9&a+b=c%2Bd");
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(*r, (param_list{{"To", "+18005551212"},
                            {"Body", "hello world!"},
                            {"Name", "caf\xC3\xA9"},
                            {"a b", "c+d"}}));
}

TEST(signature, form_parser_repeated_keys_keep_submission_order) {
  auto r = sc::parse_form_body("To=b&From=c&To=a&To=b");
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(*r, (param_list{{"To", "b"}, {"From", "c"}, {"To", "a"}, {"To", "b"}}));
}

TEST(signature, form_parser_empty_values_and_segments) {
  auto r = sc::parse_form_body("a=&b&=v&&c=1&");
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(*r, (param_list{{"a", ""}, {"b", ""}, {"", "v"}, {"c", "1"}}));
  auto empty = sc::parse_form_body("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto eq = sc::parse_form_body("k=v=w");
  ASSERT_TRUE(eq);
  EXPECT_EQ(*eq, (param_list{{"k", "v=w"}}));
}

TEST(signature, form_parser_rejects_malformed_input) {
  for (const char* bad : {"a=%zz", "a=%4", "a=%", "a b=1", "a=1#frag", "a=\x01", "a=\xC3\xA9"}) {
    auto r = sc::parse_form_body(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.err().code, "INVALID_INPUT");
  }
}

namespace {

// The reference: Boost.URL's query grammar and decoding, as parse_form_body used them.
std::optional<param_list> boost_url_form(std::string_view body) {
  auto parsed = boost::urls::parse_query(body);
  if (!parsed) return std::nullopt;
  param_list out;
  for (auto p : *parsed) {
    if (p.key.empty() && !p.has_value) continue;
    out.emplace_back(
        p.key.decode(boost::urls::encoding_opts(true)),
        p.has_value ? p.value.decode(boost::urls::encoding_opts(true)) : std::string());
  }
  return out;
}

void expect_same_as_boost_url(const std::string& body) {
  auto mine = sc::parse_form_body(body);
  auto reference = boost_url_form(body);
  ASSERT_EQ(static_cast<bool>(mine), reference.has_value()) << "body: " << body;
  if (reference) {
    EXPECT_EQ(*mine, *reference) << "body: " << body;
  }
}

}  // namespace

TEST(signature, form_parser_agrees_with_boost_url) {
  for (std::string body : {"",
                           "&",
                           "&&",
                           "=",
                           "==",
                           "a",
                           "a=",
                           "=a",
                           "a=b=c",
                           "%",
                           "%4",
                           "%41",
                           "%4g",
                           "a%2",
                           "a%25",
                           "+",
                           "%2B+",
                           "a=%00",
                           "a=1&b",
                           "a=1&&b=2&",
                           "k=%C3%A9",
                           "[",
                           "]",
                           "#",
                           " ",
                           "a=\x7f",
                           "a=\x80",
                           "a=\xff",
                           "q=/?:@!$'()*,;",
                           "a=\"",
                           "a=<",
                           "a=^",
                           "a=`",
                           "a={",
                           "a=|",
                           "a=\\"})
    expect_same_as_boost_url(body);
  // Every byte alone, as a key and as a value.
  for (int c = 0; c < 256; ++c) {
    std::string ch(1, static_cast<char>(c));
    expect_same_as_boost_url(ch);
    expect_same_as_boost_url("k=" + ch);
    expect_same_as_boost_url("%4" + ch);
  }
  // Random bodies over an alphabet dense in the characters that matter.
  const std::string alphabet = "ab=&%+2Fg0 #\x80[/?:";
  std::mt19937 rng(20261122);
  for (int n = 0; n < 200000; ++n) {
    std::string body(rng() % 14, ' ');
    for (auto& ch : body) ch = alphabet[rng() % alphabet.size()];
    expect_same_as_boost_url(body);
    if (HasFailure()) return;
  }
}

// ---- verify_webhook: Twilio ----------------------------------------------------------

TEST(signature, verify_twilio_accepts_vector_form_post) {
  auto req = twilio_vector_request();
  auto r = sc::verify_webhook(carrier_kind::twilio, tw_key, req);
  EXPECT_TRUE(r) << r.err().message;
  // form_params may be left empty: the body is parsed either way.
  req.form_params.clear();
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
}

TEST(signature, verify_twilio_accepts_repeated_keys_vector) {
  auto req = form_request(tw_url, "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234",
                          "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  auto r = sc::verify_webhook(carrier_kind::twilio, tw_key, req);
  EXPECT_TRUE(r) << r.err().message;
}

TEST(signature, verify_twilio_accepts_userinfo_vector) {
  auto req = form_request("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", tw_body,
                          "CukzLTc1tT5dXEDIHm/tKBanW10=");
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
}

TEST(signature, verify_twilio_port_variants_both_ways) {
  // Configured without a port, signed with :443.
  auto a = form_request(tw_url, tw_body, "kvajT1Ptam85bY51eRf/AJRuM3w=");
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, a));
  // Configured with :443, signed without.
  auto b = form_request("https://mycompany.com:443/myapp.php?foo=1&bar=2", tw_body,
                        "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, b));
  // http: configured without a port, signed with :80; and the other way round.
  auto c = form_request("http://mycompany.com/myapp.php?foo=1&bar=2", tw_body,
                        "0ZXoZLH/DfblKGATFgpif+LLRf4=");
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, c));
  auto d = form_request(
      "http://mycompany.com:80/myapp.php?foo=1&bar=2", tw_body,
      sc::twilio_signature(tw_key, "http://mycompany.com/myapp.php?foo=1&bar=2", tw_params));
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, d));
  // A non-default port is not interchangeable with none.
  auto e = form_request("http://mycompany.com/myapp.php?foo=1&bar=2", tw_body,
                        "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, e), "bad X-Twilio-Signature");
  // Nor is https's default port valid for http.
  auto f = form_request("http://mycompany.com/myapp.php?foo=1&bar=2", tw_body,
                        "kvajT1Ptam85bY51eRf/AJRuM3w=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, f), "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_tampered_body) {
  auto req = twilio_vector_request();
  req.raw_body =
      std::string(tw_body).replace(std::string(tw_body).find("Digits=1234"), 11, "Digits=1235");
  req.form_params = *sc::parse_form_body(req.raw_body);
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_tampered_url) {
  auto path = twilio_vector_request();
  path.url = "https://mycompany.com/myapp2.php?foo=1&bar=2";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, path), "bad X-Twilio-Signature");
  auto query = twilio_vector_request();
  query.url = "https://mycompany.com/myapp.php?foo=1&bar=3";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, query), "bad X-Twilio-Signature");
  auto host = twilio_vector_request();
  host.url = "https://evil.example/myapp.php?foo=1&bar=2";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, host), "bad X-Twilio-Signature");
  auto scheme = twilio_vector_request();
  scheme.url = "http://mycompany.com/myapp.php?foo=1&bar=2";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, scheme), "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_tampered_added_removed_parameter) {
  auto changed = form_request(tw_url,
                              "To=%2B18005551213&From=%2B14158675309&Digits=1234"
                              "&Caller=%2B14158675309&CallSid=CA1234567890ABCDE",
                              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, changed),
                "bad X-Twilio-Signature");

  auto added =
      form_request(tw_url, std::string(tw_body) + "&Extra=1", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, added), "bad X-Twilio-Signature");

  auto removed = form_request(tw_url,
                              "To=%2B18005551212&From=%2B14158675309&Caller=%2B14158675309"
                              "&CallSid=CA1234567890ABCDE",
                              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, removed),
                "bad X-Twilio-Signature");

  // An extra value for an existing key is signed too, even under Twilio's de-duplication.
  auto repeated =
      form_request(tw_url, std::string(tw_body) + "&Digits=9", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, repeated),
                "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_form_params_that_differ_from_body) {
  // Handlers act on form_params; a body/params mismatch must not slip through.
  auto req = twilio_vector_request();
  req.form_params[0].second = "+19999999999";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req),
                "form parameters do not match");
  auto extra = twilio_vector_request();
  extra.form_params.emplace_back("Extra", "1");
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, extra),
                "form parameters do not match");
}

TEST(signature, verify_twilio_rejects_wrong_key) {
  expect_denied(sc::verify_webhook(carrier_kind::twilio, "12346", twilio_vector_request()),
                "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_missing_and_empty_header) {
  auto missing = twilio_vector_request();
  missing.twilio_header.reset();
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, missing),
                "missing X-Twilio-Signature");
  auto empty = twilio_vector_request();
  empty.twilio_header = "";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, empty),
                "empty X-Twilio-Signature");
  // The SignalWire header means nothing to a Twilio route.
  auto other = twilio_vector_request();
  other.twilio_header.reset();
  other.signalwire_header = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, other),
                "missing X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_altered_signature) {
  auto req = twilio_vector_request();
  req.twilio_header = "rsoydt4T1cUTdK1PDd93/VVr8B8=";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
  req.twilio_header = "RSOYDt4T1cUTdK1PDd93/VVr8B8";  // truncated
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
}

TEST(signature, verify_rejects_empty_key) {
  // Anyone can compute an HMAC under an empty key.
  auto req = twilio_vector_request();
  req.twilio_header = sc::twilio_signature("", tw_url, tw_params);
  expect_denied(sc::verify_webhook(carrier_kind::twilio, "", req), "no signing key");
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, "", req), "no signing key");
  expect_denied(sc::verify_webhook(carrier_kind::sandbox, "", req), "no signing key");
}

TEST(signature, verify_twilio_rejects_malformed_form_body) {
  auto req = form_request(tw_url, "a=%zz", sc::twilio_signature(tw_key, tw_url, {}));
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "malformed form body");
}

TEST(signature, verify_twilio_get_signs_url_only) {
  sc::signed_request req;
  req.url = "https://mycompany.com/voice?CallSid=CA1&From=%2B1555";
  req.twilio_header = sc::twilio_signature(tw_key, req.url, {});
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
  req.url = "https://mycompany.com/voice?CallSid=CA2&From=%2B1555";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
}

// ---- verify_webhook: Twilio JSON bodies (bodySHA256) -----------------------------------

TEST(signature, verify_twilio_json_body_sha256_vector) {
  auto r = sc::verify_webhook(carrier_kind::twilio, tw_key, twilio_json_request());
  EXPECT_TRUE(r) << r.err().message;
  // Port variant: configured with :443, signed without.
  auto req = twilio_json_request();
  req.url = std::string("https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=") + json_sha;
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
}

TEST(signature, verify_twilio_json_rejects_tampered_body) {
  auto req = twilio_json_request();
  req.raw_body = R"({"property": "value", "boolean": false})";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "body hash mismatch");
  req.raw_body = "";
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "body hash mismatch");
}

TEST(signature, verify_twilio_json_rejects_tampered_body_sha256_parameter) {
  // Replacing the hash to match a forged body breaks the URL signature.
  std::string forged = R"({"property": "forged"})";
  auto req = twilio_json_request();
  req.raw_body = forged;
  req.url = std::string(tw_url) + "&bodySHA256=" + sc::body_sha256_hex(forged);
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
}

TEST(signature, verify_twilio_json_rejects_tampered_url_and_missing_header) {
  auto req = twilio_json_request();
  req.url = std::string("https://mycompany.com/myapp.php?foo=2&bar=2&bodySHA256=") + json_sha;
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "bad X-Twilio-Signature");
  auto missing = twilio_json_request();
  missing.twilio_header.reset();
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, missing),
                "missing X-Twilio-Signature");
}

TEST(signature, verify_twilio_rejects_json_body_without_body_sha256) {
  // Signed over the URL alone, the body would be unauthenticated.
  sc::signed_request req;
  req.url = tw_url;
  req.content_type = "application/json";
  req.raw_body = json_body;
  req.twilio_header = sc::twilio_signature(tw_key, tw_url, {});
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "not covered");
  // Nor can form_params ride along on a non-form body.
  req.raw_body.clear();
  req.form_params = {{"To", "+1"}};
  expect_denied(sc::verify_webhook(carrier_kind::twilio, tw_key, req), "non-form body");
}

// ---- verify_webhook: SignalWire --------------------------------------------------------

TEST(signature, verify_signalwire_json_scheme_vector) {
  auto r = sc::verify_webhook(carrier_kind::signalwire, sw_key, signalwire_json_request());
  EXPECT_TRUE(r) << r.err().message;
  // Port variant: signed with :443 (expected value computed independently).
  auto req = signalwire_json_request();
  req.signalwire_header = "a211a564b90f7436c15b0aa20f9decd1c9471120";
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::signalwire, sw_key, req));
}

TEST(signature, verify_signalwire_json_rejects_tampering) {
  auto body = signalwire_json_request();
  body.raw_body = R"({"event":"call.state","params":{"call_id":"abc-123","state":"ended"}})";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, body),
                "bad X-SignalWire-Signature");
  auto url = signalwire_json_request();
  url.url = "https://example.ngrok.io/webhook2";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, url),
                "bad X-SignalWire-Signature");
  auto query = signalwire_json_request();
  query.url = "https://example.ngrok.io/webhook?x=1";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, query),
                "bad X-SignalWire-Signature");
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, "PSKtest1234567890abcdeg",
                                   signalwire_json_request()),
                "bad X-SignalWire-Signature");
  auto empty = signalwire_json_request();
  empty.signalwire_header = "";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, empty),
                "empty X-SignalWire-Signature");
}

TEST(signature, verify_signalwire_form_scheme) {
  auto req = form_request(sw_url, "To=a&From=c&To=b", "");
  req.twilio_header.reset();
  req.signalwire_header = "LQv+LfyRRE9Ih+gZ7KOOgmtd0xQ=";
  auto r = sc::verify_webhook(carrier_kind::signalwire, sw_key, req);
  EXPECT_TRUE(r) << r.err().message;
  // Same parameters, other submission order: a different signed string for SignalWire.
  auto swapped = form_request(sw_url, "To=b&From=c&To=a", "");
  swapped.twilio_header.reset();
  swapped.signalwire_header = "LQv+LfyRRE9Ih+gZ7KOOgmtd0xQ=";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, swapped),
                "bad X-SignalWire-Signature");
  swapped.signalwire_header = "AzIKrB3uoU0LySz0j/X1nYNJpg0=";
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::signalwire, sw_key, swapped));
  // Tampered parameter.
  auto tampered = form_request(sw_url, "To=a&From=d&To=b", "");
  tampered.twilio_header.reset();
  tampered.signalwire_header = "LQv+LfyRRE9Ih+gZ7KOOgmtd0xQ=";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, tampered),
                "bad X-SignalWire-Signature");
}

TEST(signature, verify_signalwire_bodiless_request_accepts_either_encoding) {
  sc::signed_request req;
  req.url = sw_url;
  req.signalwire_header = "TaQ3plsysOJtvcfl8qc+3/yxXEk=";  // base64(HMAC(key, url))
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::signalwire, sw_key, req));
  req.signalwire_header = "4da437a65b32b0e26dbdc7e5f2a73edffcb15c49";  // hex of the same MAC
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::signalwire, sw_key, req));
}

TEST(signature, verify_signalwire_falls_back_to_twilio_header) {
  // No X-SignalWire-Signature: X-Twilio-Signature under the Twilio algorithm with the key.
  auto form = twilio_vector_request();
  auto r = sc::verify_webhook(carrier_kind::signalwire, tw_key, form);
  EXPECT_TRUE(r) << r.err().message;
  auto json = twilio_json_request();
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::signalwire, tw_key, json));
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, "other-key", form),
                "bad X-Twilio-Signature");
  auto tampered = twilio_vector_request();
  tampered.raw_body += "&Extra=1";
  tampered.form_params.clear();
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, tw_key, tampered),
                "bad X-Twilio-Signature");
}

TEST(signature, verify_signalwire_missing_both_headers) {
  auto req = signalwire_json_request();
  req.signalwire_header.reset();
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, sw_key, req),
                "missing X-Twilio-Signature");
}

TEST(signature, verify_signalwire_header_present_means_no_fallback) {
  // A present-but-wrong SignalWire header is not rescued by a valid Twilio one.
  auto req = twilio_vector_request();
  req.signalwire_header = "c3c08c1fefaf9ee198a100d5906765a6f394bf0f";
  expect_denied(sc::verify_webhook(carrier_kind::signalwire, tw_key, req),
                "bad X-SignalWire-Signature");
}

// ---- verify_webhook: sandbox -----------------------------------------------------------

TEST(signature, verify_sandbox_uses_twilio_scheme_with_its_own_key) {
  auto req = twilio_vector_request();
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::sandbox, tw_key, req));
  expect_denied(sc::verify_webhook(carrier_kind::sandbox, "sandbox-key", req),
                "bad X-Twilio-Signature");
  auto own = twilio_vector_request();
  own.twilio_header = sc::twilio_signature("sandbox-key", tw_url, tw_params);
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::sandbox, "sandbox-key", own));
  own.twilio_header.reset();
  expect_denied(sc::verify_webhook(carrier_kind::sandbox, "sandbox-key", own),
                "missing X-Twilio-Signature");
}

TEST(signature, verify_content_type_is_case_and_parameter_insensitive) {
  auto req = twilio_vector_request();
  req.content_type = " Application/X-WWW-Form-URLEncoded ;charset=UTF-8";
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
  req.content_type = form_type;
  EXPECT_TRUE(sc::verify_webhook(carrier_kind::twilio, tw_key, req));
}
