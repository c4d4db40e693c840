#include "switchboard/carriers/rest.hpp"


#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::carriers::rest {
namespace {

using json = nlohmann::json;

std::string display(std::string_view carrier) {
  return carrier == "twilio"       ? "Twilio"
         : carrier == "signalwire" ? "SignalWire"
                                   : std::string(carrier);
}

std::string trimmed(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

call make_call(const account& a, std::string method, std::string url) {
  call c;
  c.method = std::move(method);
  c.url = std::move(url);
  c.headers = {{"Authorization", "Basic " + base64(a.sid + ":" + a.secret)},
               {"Accept", "application/json"}};
  return c;
}

void add_form(call& c, std::string_view name, std::string_view value) {
  if (!c.body.empty()) c.body += '&';
  c.body += std::string(name) + "=" + form_encode(value);
}

std::string webhook_form(const webhooks& w) {
  call c;
  add_form(c, "SmsUrl", w.sms_url);
  add_form(c, "SmsMethod", "POST");
  add_form(c, "VoiceUrl", w.voice_url);
  add_form(c, "VoiceMethod", "POST");
  add_form(c, "StatusCallback", w.status_callback);
  add_form(c, "StatusCallbackMethod", "POST");
  return c.body;
}

void form_post(call& c) {
  c.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// Twilio spells them "SMS"/"MMS"/"voice" in searches and "sms"/"voice" on owned
// numbers; SignalWire "Voice"/"SMS": read them case-insensitively.
std::vector<std::string> capabilities(const json& j) {
  std::vector<std::string> out;
  if (!j.is_object()) return out;
  for (const char* want : {"sms", "mms", "voice", "fax"})
    for (auto& [k, v] : j.items())
      if (lower(k) == want && v.is_boolean() && v.get<bool>()) out.emplace_back(want);
  return out;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool ok(int status) { return status >= 200 && status < 300; }

error unreadable(std::string_view carrier, std::string_view what) {
  return error{"CARRIER_ERROR", display(carrier) + " answered with " + std::string(what)};
}

result<incoming_number> incoming(std::string_view carrier, const json& j) {
  if (!j.is_object() || text(j, "sid").empty())
    return unreadable(carrier, "a phone number without a sid");
  incoming_number n;
  n.sid = text(j, "sid");
  n.number = text(j, "phone_number");
  n.capabilities = capabilities(j.value("capabilities", json::object()));
  n.sms_url = text(j, "sms_url");
  n.voice_url = text(j, "voice_url");
  n.status_callback = text(j, "status_callback");
  return n;
}

}  // namespace

result<void> account::check() const {
  std::vector<std::string> missing;
  bool tw = carrier == "twilio";
  if (carrier != "twilio" && carrier != "signalwire")
    return error{"INVALID_INPUT", "no REST API for carrier " + carrier};
  std::string prefix = tw ? "carriers.twilio." : "carriers.signalwire.";
  if (sid.empty()) missing.push_back(prefix + (tw ? "account_sid" : "project_id"));
  if (secret.empty()) missing.push_back(prefix + (tw ? "auth_token" : "api_token"));
  if (api_base.empty()) missing.push_back(prefix + "api_base");
  if (missing.empty()) return {};
  std::string list;
  for (auto& m : missing) list += (list.empty() ? "" : ", ") + m;
  return error{"INVALID_INPUT", display(carrier) + " is not configured: set " + list};
}

std::string account::account_url() const {
  return trimmed(api_base) + (carrier == "signalwire" ? "/api/laml" : "") +
         "/2010-04-01/Accounts/" + form_encode(sid);
}

webhooks webhooks_for(std::string_view public_url, std::string_view carrier) {
  std::string base = trimmed(public_url) + "/webhooks/" + std::string(carrier);
  return {base + "/sms", base + "/voice", base + "/voice/status"};
}

call search_request(const account& a, const search_query& q) {
  call c = make_call(
      a, "GET",
      a.account_url() + "/AvailablePhoneNumbers/" + form_encode(q.country) + "/Local.json");
  call query;
  if (!q.area_code.empty()) add_form(query, "AreaCode", q.area_code);
  if (q.sms) add_form(query, "SmsEnabled", "true");
  if (q.voice) add_form(query, "VoiceEnabled", "true");
  add_form(query, "PageSize", std::to_string(std::clamp(q.limit, 1, 1000)));
  c.url += "?" + query.body;
  return c;
}

call buy_request(const account& a, std::string_view e164, const webhooks& w) {
  call c = make_call(a, "POST", a.account_url() + "/IncomingPhoneNumbers.json");
  form_post(c);
  add_form(c, "PhoneNumber", e164);
  c.body += "&" + webhook_form(w);
  return c;
}

call update_request(const account& a, std::string_view number_sid, const webhooks& w) {
  call c = make_call(
      a, "POST", a.account_url() + "/IncomingPhoneNumbers/" + form_encode(number_sid) + ".json");
  form_post(c);
  c.body = webhook_form(w);
  return c;
}

call release_request(const account& a, std::string_view number_sid) {
  return make_call(a, "DELETE",
                   a.account_url() + "/IncomingPhoneNumbers/" + form_encode(number_sid) + ".json");
}

call lookup_request(const account& a, std::string_view e164) {
  return make_call(a, "GET",
                   a.account_url() + "/IncomingPhoneNumbers.json?PhoneNumber=" + form_encode(e164));
}

error carrier_error(std::string_view carrier, int status, std::string_view body) {
  std::string code, message;
  auto j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto c = j.find("code");
    if (c != j.end() && c->is_number_integer()) code = std::to_string(c->get<long long>());
    if (c != j.end() && c->is_string()) code = c->get<std::string>();
    message = text(j, "message");
  }
  std::string out = display(carrier) + " error";
  if (!code.empty()) out += " " + code;
  out += ": " + (message.empty() ? std::string("request refused") : message);
  out += " (HTTP " + std::to_string(status) + ")";
  return error{"CARRIER_ERROR", out};
}

result<std::vector<available_number>> parse_search(std::string_view carrier, int status,
                                                   std::string_view body) {
  if (!ok(status)) return carrier_error(carrier, status, body);
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("available_phone_numbers") ||
      !j["available_phone_numbers"].is_array())
    return unreadable(carrier, "no available_phone_numbers list");
  std::vector<available_number> out;
  for (auto& item : j["available_phone_numbers"]) {
    if (!item.is_object() || text(item, "phone_number").empty()) continue;
    available_number n;
    n.number = text(item, "phone_number");
    n.friendly_name = text(item, "friendly_name");
    n.locality = text(item, "locality");
    n.region = text(item, "region");
    n.capabilities = capabilities(item.value("capabilities", json::object()));
    out.push_back(std::move(n));
  }
  return out;
}

result<incoming_number> parse_incoming(std::string_view carrier, int status,
                                       std::string_view body) {
  if (!ok(status)) return carrier_error(carrier, status, body);
  return incoming(carrier, json::parse(body, nullptr, false));
}

result<std::optional<incoming_number>> parse_lookup(std::string_view carrier, int status,
                                                    std::string_view body) {
  if (!ok(status)) return carrier_error(carrier, status, body);
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("incoming_phone_numbers") ||
      !j["incoming_phone_numbers"].is_array())
    return unreadable(carrier, "no incoming_phone_numbers list");
  if (j["incoming_phone_numbers"].empty()) return std::optional<incoming_number>();
  auto n = incoming(carrier, j["incoming_phone_numbers"][0]);
  if (!n) return n.err();
  return std::optional<incoming_number>(std::move(*n));
}

result<void> parse_release(std::string_view carrier, int status, std::string_view body) {
  if (ok(status) || status == 404) return {};
  return carrier_error(carrier, status, body);
}

}  // namespace switchboard::carriers::rest
