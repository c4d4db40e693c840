#pragma once
// Phone-number provisioning through Twilio's REST API and SignalWire's LaML twin
// of it (same resources under /api/laml on the space host): the requests and the
// reading of the answers, without sockets. carriers/rest_client.hpp sends them.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::carriers::rest {

// One carrier account's REST credentials.
struct account {
  std::string carrier;   // "twilio" or "signalwire"
  std::string sid;       // Twilio Account SID / SignalWire Project ID
  std::string secret;    // Twilio auth token / SignalWire API token
  std::string api_base;  // https://api.twilio.com / https://example.signalwire.com

  // INVALID_INPUT naming the configuration keys that are missing.
  result<void> check() const;
  // .../2010-04-01/Accounts/{sid}
  std::string account_url() const;
};

// A REST call to make: method, absolute URL, headers (Basic auth), form body.
struct call {
  std::string method, url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Where the carrier sends a number's traffic (CONTRACT.md webhook paths).
struct webhooks {
  std::string sms_url;          // {public_url}/webhooks/{carrier}/sms
  std::string voice_url;        // {public_url}/webhooks/{carrier}/voice
  std::string status_callback;  // {public_url}/webhooks/{carrier}/voice/status (call status;
                                // SMS status callbacks are set per message)
};
webhooks webhooks_for(std::string_view public_url, std::string_view carrier);

struct search_query {
  std::string country = "US";  // ISO 3166-1 alpha-2
  std::string area_code;       // empty: anywhere in the country
  bool sms = true, voice = true;
  int limit = 20;
};

struct available_number {
  std::string number;  // E.164
  std::string friendly_name, locality, region;
  std::vector<std::string> capabilities;  // lower case: sms, mms, voice, fax
};

struct incoming_number {
  std::string sid, number;
  std::vector<std::string> capabilities;
  std::string sms_url, voice_url, status_callback;
};

// GET AvailablePhoneNumbers/{Country}/Local.json?AreaCode=&SmsEnabled=&VoiceEnabled=&PageSize=
call search_request(const account& a, const search_query& q);
// POST IncomingPhoneNumbers.json: PhoneNumber and the webhooks (POST methods).
call buy_request(const account& a, std::string_view e164, const webhooks& w);
// POST IncomingPhoneNumbers/{sid}.json: re-point the webhooks.
call update_request(const account& a, std::string_view number_sid, const webhooks& w);
// DELETE IncomingPhoneNumbers/{sid}.json
call release_request(const account& a, std::string_view number_sid);
// GET IncomingPhoneNumbers.json?PhoneNumber=: the account's number, for its sid.
call lookup_request(const account& a, std::string_view e164);

// Answers. A non-2xx answer is CARRIER_ERROR with the carrier's code and message,
// e.g. "twilio error 21452: No phone numbers found (HTTP 400)"; a 2xx that cannot
// be read is CARRIER_ERROR too.
result<std::vector<available_number>> parse_search(std::string_view carrier, int status,
                                                   std::string_view body);
result<incoming_number> parse_incoming(std::string_view carrier, int status, std::string_view body);
// nullopt when the account has no such number.
result<std::optional<incoming_number>> parse_lookup(std::string_view carrier, int status,
                                                    std::string_view body);
// 204 (or any 2xx) is released; 404 means the carrier no longer has it, which
// is what releasing wants, so it is success too.
result<void> parse_release(std::string_view carrier, int status, std::string_view body);

error carrier_error(std::string_view carrier, int status, std::string_view body);

}  // namespace switchboard::carriers::rest
