// Provisioning requests and answers for Twilio and SignalWire's LaML API, without sockets.
#include "switchboard/carriers/rest.hpp"

#include <gtest/gtest.h>

#include "switchboard/carriers/signature.hpp"

namespace rest = switchboard::carriers::rest;

namespace {

rest::account twilio() { return {"twilio", "ACtest", "secret-token", "https://api.twilio.com/"}; }
rest::account signalwire() {
  return {"signalwire", "PJ-1234", "sw-token", "https://example.signalwire.com"};
}

std::string header(const rest::call& c, const std::string& name) {
  for (auto& [k, v] : c.headers)
    if (k == name) return v;
  return "<missing>";
}

std::string field(const std::string& form, const std::string& name) {
  auto parsed = switchboard::carriers::parse_form_body(form);
  if (parsed)
    for (auto& [k, v] : *parsed)
      if (k == name) return v;
  return "<missing>";
}

}  // namespace

TEST(carrier_rest, account_urls_for_twilio_and_signalwire) {
  EXPECT_EQ(twilio().account_url(), "https://api.twilio.com/2010-04-01/Accounts/ACtest");
  EXPECT_EQ(signalwire().account_url(),
            "https://example.signalwire.com/api/laml/2010-04-01/Accounts/PJ-1234");
}

TEST(carrier_rest, missing_configuration_names_the_keys) {
  rest::account a{"twilio", "", "", "https://api.twilio.com"};
  auto r = a.check();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, "INVALID_INPUT");
  EXPECT_NE(r.err().message.find("carriers.twilio.account_sid"), std::string::npos);
  EXPECT_NE(r.err().message.find("carriers.twilio.auth_token"), std::string::npos);
  rest::account sw{"signalwire", "PJ", "tok", ""};
  ASSERT_FALSE(sw.check());
  EXPECT_NE(sw.check().err().message.find("carriers.signalwire.api_base"), std::string::npos);
  EXPECT_TRUE(twilio().check());
  EXPECT_FALSE((rest::account{"sandbox", "x", "y", "z"}.check()));
}

TEST(carrier_rest, webhooks_point_at_the_public_url) {
  auto w = rest::webhooks_for("https://sb.example.com/", "twilio");
  EXPECT_EQ(w.sms_url, "https://sb.example.com/webhooks/twilio/sms");
  EXPECT_EQ(w.voice_url, "https://sb.example.com/webhooks/twilio/voice");
  EXPECT_EQ(w.status_callback, "https://sb.example.com/webhooks/twilio/voice/status");
}

TEST(carrier_rest, search_is_a_get_with_area_code_and_capabilities) {
  rest::search_query q;
  q.area_code = "415";
  q.limit = 3;
  auto c = rest::search_request(twilio(), q);
  EXPECT_EQ(c.method, "GET");
  EXPECT_EQ(c.url,
            "https://api.twilio.com/2010-04-01/Accounts/ACtest/AvailablePhoneNumbers/US/Local.json"
            "?AreaCode=415&SmsEnabled=true&VoiceEnabled=true&PageSize=3");
  EXPECT_EQ(header(c, "Authorization"),
            "Basic QUN0ZXN0OnNlY3JldC10b2tlbg==");  // ACtest:secret-token
  EXPECT_TRUE(c.body.empty());

  rest::search_query anywhere;
  anywhere.country = "CA";
  anywhere.voice = false;
  auto any = rest::search_request(signalwire(), anywhere);
  EXPECT_EQ(
      any.url,
      "https://example.signalwire.com/api/laml/2010-04-01/Accounts/PJ-1234/AvailablePhoneNumbers/"
      "CA/Local.json?SmsEnabled=true&PageSize=20");
}

TEST(carrier_rest, buy_posts_the_number_and_webhooks_as_a_form) {
  auto w = rest::webhooks_for("https://sb.example.com", "twilio");
  auto c = rest::buy_request(twilio(), "+14155550101", w);
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.url, "https://api.twilio.com/2010-04-01/Accounts/ACtest/IncomingPhoneNumbers.json");
  EXPECT_EQ(header(c, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(field(c.body, "PhoneNumber"), "+14155550101");
  EXPECT_NE(c.body.find("PhoneNumber=%2B14155550101"), std::string::npos) << "the + is encoded";
  EXPECT_EQ(field(c.body, "SmsUrl"), "https://sb.example.com/webhooks/twilio/sms");
  EXPECT_EQ(field(c.body, "SmsMethod"), "POST");
  EXPECT_EQ(field(c.body, "VoiceUrl"), "https://sb.example.com/webhooks/twilio/voice");
  EXPECT_EQ(field(c.body, "VoiceMethod"), "POST");
  EXPECT_EQ(field(c.body, "StatusCallback"), "https://sb.example.com/webhooks/twilio/voice/status");
  EXPECT_EQ(field(c.body, "StatusCallbackMethod"), "POST");
}

TEST(carrier_rest, update_release_and_lookup_address_one_number) {
  auto w = rest::webhooks_for("https://sb.example.com", "signalwire");
  auto u = rest::update_request(signalwire(), "PN123", w);
  EXPECT_EQ(u.method, "POST");
  EXPECT_EQ(
      u.url,
      "https://example.signalwire.com/api/laml/2010-04-01/Accounts/PJ-1234/IncomingPhoneNumbers/"
      "PN123.json");
  EXPECT_EQ(field(u.body, "SmsUrl"), "https://sb.example.com/webhooks/signalwire/sms");
  EXPECT_EQ(field(u.body, "PhoneNumber"), "<missing>");
  EXPECT_EQ(header(u, "Authorization"), "Basic UEotMTIzNDpzdy10b2tlbg==");  // PJ-1234:sw-token

  auto r = rest::release_request(twilio(), "PN/../x");
  EXPECT_EQ(r.method, "DELETE");
  EXPECT_EQ(
      r.url,
      "https://api.twilio.com/2010-04-01/Accounts/ACtest/IncomingPhoneNumbers/PN%2F..%2Fx.json")
      << "a sid cannot escape its path segment";

  auto l = rest::lookup_request(twilio(), "+14155550101");
  EXPECT_EQ(l.method, "GET");
  EXPECT_EQ(
      l.url,
      "https://api.twilio.com/2010-04-01/Accounts/ACtest/IncomingPhoneNumbers.json?PhoneNumber=%"
      "2B14155550101");
}

TEST(carrier_rest, search_answers_are_read_with_capabilities_in_any_case) {
  auto r = rest::parse_search("twilio", 200, R"({"available_phone_numbers":[
      {"phone_number":"+14155550101","friendly_name":"(415) 555-0101","locality":"San Francisco",
       "region":"CA","capabilities":{"voice":true,"SMS":true,"MMS":false}},
      {"phone_number":"+14155550102","capabilities":{"Voice":true,"SMS":false}},
      {"friendly_name":"no number: skipped"}],"uri":"/x"})");
  ASSERT_TRUE(r) << r.err().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].number, "+14155550101");
  EXPECT_EQ((*r)[0].locality, "San Francisco");
  EXPECT_EQ((*r)[0].region, "CA");
  EXPECT_EQ((*r)[0].capabilities, (std::vector<std::string>{"sms", "voice"}));
  EXPECT_EQ((*r)[1].capabilities, (std::vector<std::string>{"voice"}));

  auto empty = rest::parse_search("twilio", 200, R"({"available_phone_numbers":[]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto junk = rest::parse_search("twilio", 200, "<html>");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.err().code, "CARRIER_ERROR");
}

TEST(carrier_rest, refusals_carry_the_carriers_code_and_message) {
  auto r = rest::parse_search(
      "twilio", 400,
      R"({"code":21452,"message":"No phone numbers found in area code","more_info":"https://www.twilio.com/docs/errors/21452","status":400})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().code, "CARRIER_ERROR");
  EXPECT_EQ(r.err().message, "Twilio error 21452: No phone numbers found in area code (HTTP 400)");

  auto sw = rest::parse_incoming("signalwire", 422,
                                 R"({"code":"invalid_parameter","message":"bad number"})");
  ASSERT_FALSE(sw);
  EXPECT_EQ(sw.err().message, "SignalWire error invalid_parameter: bad number (HTTP 422)");

  auto plain = rest::parse_incoming("twilio", 503, "Service Unavailable");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.err().message, "Twilio error: request refused (HTTP 503)");
}

TEST(carrier_rest, bought_numbers_need_a_sid) {
  auto ok = rest::parse_incoming("twilio", 201, R"({"sid":"PN1","phone_number":"+14155550101",
      "capabilities":{"voice":true,"sms":true,"mms":true},"sms_url":"https://x/sms","status_callback":null})");
  ASSERT_TRUE(ok) << ok.err().message;
  EXPECT_EQ(ok->sid, "PN1");
  EXPECT_EQ(ok->number, "+14155550101");
  EXPECT_EQ(ok->capabilities, (std::vector<std::string>{"sms", "mms", "voice"}));
  EXPECT_EQ(ok->sms_url, "https://x/sms");
  EXPECT_EQ(ok->status_callback, "");
  auto no_sid = rest::parse_incoming("twilio", 201, R"({"phone_number":"+14155550101"})");
  ASSERT_FALSE(no_sid);
  EXPECT_EQ(no_sid.err().code, "CARRIER_ERROR");
}

TEST(carrier_rest, lookups_and_releases) {
  auto none = rest::parse_lookup("twilio", 200, R"({"incoming_phone_numbers":[]})");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto one = rest::parse_lookup(
      "twilio", 200, R"({"incoming_phone_numbers":[{"sid":"PN9","phone_number":"+1"}]})");
  ASSERT_TRUE(one);
  ASSERT_TRUE(*one);
  EXPECT_EQ((*one)->sid, "PN9");
  EXPECT_FALSE(rest::parse_lookup("twilio", 200, "{}"));
  EXPECT_FALSE(rest::parse_lookup("twilio", 401, R"({"code":20003,"message":"Authenticate"})"));

  EXPECT_TRUE(rest::parse_release("twilio", 204, ""));
  EXPECT_TRUE(rest::parse_release("twilio", 404, R"({"code":20404})"))
      << "already gone is released";
  auto refused = rest::parse_release("twilio", 401, R"({"code":20003,"message":"Authenticate"})");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.err().message.find("20003"), std::string::npos);
}
