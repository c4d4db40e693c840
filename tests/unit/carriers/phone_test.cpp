#include "switchboard/carriers/phone.hpp"

#include <gtest/gtest.h>

#include <string>

using switchboard::carriers::country_code;
using switchboard::carriers::format_display;
using switchboard::carriers::normalize_e164;

TEST(phone, normalizes_good_inputs) {
  struct c {
    const char* input;
    const char* country;
    const char* want;
  };
  const c cases[] = {
      // International with '+'.
      {"+1 (415) 555-0123", "US", "+14155550123"},
      {"+14155550123", "US", "+14155550123"},
      {"+44 20 7946 0958", "US", "+442079460958"},
      {"+49 30 123456", "US", "+4930123456"},
      {"+353 1 234 5678", "US", "+35312345678"},
      {"+7 912 345-67-89", "US", "+79123456789"},
      {"+683 4002", "US", "+6834002"},  // Niue: shortest in service
      {"+86 139 1234 5678", "US", "+8613912345678"},
      {"  +1.415.555.0123  ", "US", "+14155550123"},  // outer whitespace, dots
      {"+1/415/555/0123", "US", "+14155550123"},
      {"tel:+1-415-555-0123", "US", "+14155550123"},
      {"TEL:+442079460958", "US", "+442079460958"},
      {"+491234567890123", "US", "+491234567890123"},  // 15 digits, the E.164 maximum
      // International 00 prefix, whatever the default country.
      {"004420 7946 0958", "US", "+442079460958"},
      {"00 33 1 23 45 67 89", "GB", "+33123456789"},
      {"0014155550123", "DE", "+14155550123"},
      // NANP international prefix 011, only when dialling from NANP.
      {"011 44 20 7946 0958", "US", "+442079460958"},
      {"011 49 30 123456", "CA", "+4930123456"},
      // NANP national.
      {"(415) 555-0123", "US", "+14155550123"},
      {"415-555-0123", "US", "+14155550123"},
      {"1 415 555 0123", "US", "+14155550123"},
      {"1-800-555-0199", "US", "+18005550199"},
      {"(604) 555-0134", "CA", "+16045550134"},
      {"4155550123", "us", "+14155550123"},  // country is case-insensitive
      {"tel:415-555-0123", "US", "+14155550123"},
      // Trunk-prefix countries.
      {"020 7946 0958", "GB", "+442079460958"},
      {"07911 123456", "gb", "+447911123456"},
      {"030 123456", "DE", "+4930123456"},
      {"01 23 45 67 89", "FR", "+33123456789"},
      {"(02) 9876 5432", "AU", "+61298765432"},
      {"01 234 5678", "IE", "+35312345678"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(std::string(tc.input) + " / " + tc.country);
    auto r = normalize_e164(tc.input, tc.country);
    ASSERT_TRUE(r.ok()) << r.err().message;
    EXPECT_EQ(*r, tc.want);
  }
}

TEST(phone, default_country_is_us) {
  auto r = normalize_e164("(415) 555-0123");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "+14155550123");
}

TEST(phone, rejects_bad_inputs_with_clear_messages) {
  struct c {
    const char* input;
    const char* country;
    const char* message;
  };
  const c cases[] = {
      {"", "US", "phone number is empty"},
      {"   ", "US", "phone number is empty"},
      {"tel:", "US", "phone number is empty"},
      {"()- .", "US", "phone number has no digits"},
      {"1-800-FLOWERS", "US",
       "letters are not allowed in a phone number (found 'F'); enter the digits instead"},
      {"+1 415 555 0123 ext 4", "US",
       "letters are not allowed in a phone number (found 'e'); enter the digits instead"},
      {"415#555#0123", "US",
       "unexpected '#' in phone number; only digits, a leading +, spaces and - . ( ) / are "
       "allowed"},
      {"415_555_0123", "US",
       "unexpected '_' in phone number; only digits, a leading +, spaces and - . ( ) / are "
       "allowed"},
      {"415\t555 0123", "US",
       "unexpected byte 0x09 in phone number; only digits, a leading +, spaces and - . ( ) / are "
       "allowed"},
      {"\xEF\xBC\x94\xEF\xBC\x91\xEF\xBC\x95", "US",  // full-width digits
       "unexpected byte 0xEF in phone number; only digits, a leading +, spaces and - . ( ) / are "
       "allowed"},
      {"1+4155550123", "US", "'+' is only allowed at the start of the number"},
      {"++14155550123", "US", "'+' is only allowed at the start of the number"},
      // Length.
      {"+44 20", "US", "too short: 4 digits, a full number with country code has at least 7"},
      {"+49 301", "US", "too short: 5 digits, a full number with country code has at least 7"},
      {"+1234567890123456", "US", "too long: 16 digits, E.164 allows at most 15"},
      {"0044 1234 5678 9012 34", "US", "too long: 16 digits, E.164 allows at most 15"},
      {"+", "US", "phone number has no digits"},
      {"00", "US", "no digits after the international prefix"},
      // Country code.
      {"+044 20 7946 0958", "US", "country code cannot start with 0"},
      {"+0 415 555 0123", "US", "country code cannot start with 0"},
      {"000 44 20 7946", "US", "country code cannot start with 0"},
      // NANP rules, national and international.
      {"415-555-012", "US", "US numbers need 10 digits, or 11 starting with 1; got 9"},
      {"2 415 555 0123", "US", "US numbers need 10 digits, or 11 starting with 1; got 11"},
      {"(604) 555-01345", "CA", "CA numbers need 10 digits, or 11 starting with 1; got 11"},
      {"+1 415 555 012", "US", "a +1 (NANP) number needs 10 digits after the country code, got 9"},
      {"(015) 555-0123", "US", "NANP area code cannot start with 0 or 1 (got 015)"},
      {"+1 115 555 0123", "US", "NANP area code cannot start with 0 or 1 (got 115)"},
      {"1 (911) 555-0123", "US", "NANP area code cannot be an N11 service code (got 911)"},
      {"(415) 055-0123", "US",
       "NANP exchange code (the 3 digits after the area code) cannot start with 0 or 1 (got 055)"},
      {"+1 415 155 0123", "US",
       "NANP exchange code (the 3 digits after the area code) cannot start with 0 or 1 (got 155)"},
      // National numbers need a known country and, outside NANP, the trunk 0.
      {"20 7946 0958", "GB",
       "a national GB number starts with 0; otherwise include the country code (+44)"},
      {"030 123456", "XX",
       "can't read a national number for country 'XX'; include the country code, e.g. +44 20 7946 "
       "0958"},
      {"030 123456", "",
       "can't read a national number for country ''; include the country code, e.g. +44 20 7946 "
       "0958"},
      {"0", "GB", "too short: 2 digits, a full number with country code has at least 7"},
      {"011 44 20 7946 0958", "GB",  // 011 is NANP-only; in GB it reads as a national number
       "too long: 16 digits, E.164 allows at most 15"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(std::string(tc.input) + " / " + tc.country);
    auto r = normalize_e164(tc.input, tc.country);
    ASSERT_FALSE(r.ok()) << "got " << r.value();
    EXPECT_EQ(r.err().code, "INVALID_FORMAT");
    EXPECT_EQ(r.err().message, tc.message);
  }
}

TEST(phone, country_code_from_itu_zones) {
  struct c {
    const char* e164;
    const char* want;
  };
  const c cases[] = {
      {"+14155550123", "1"},    {"+79123456789", "7"},    {"+201001234567", "20"},
      {"+27211234567", "27"},   {"+212612345678", "212"}, {"+2901234", "290"},
      {"+33123456789", "33"},   {"+35312345678", "353"},  {"+380441234567", "380"},
      {"+420212345678", "420"}, {"+442079460958", "44"},  {"+4930123456", "49"},
      {"+5215512345678", "52"}, {"+59171234567", "591"},  {"+61298765432", "61"},
      {"+6834002", "683"},      {"+81312345678", "81"},   {"+85221234567", "852"},
      {"+8613912345678", "86"}, {"+886212345678", "886"}, {"+919812345678", "91"},
      {"+97142345678", "971"},  {"+982112345678", "98"},  {"+998712345678", "998"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.e164);
    auto cc = country_code(tc.e164);
    ASSERT_TRUE(cc.has_value());
    EXPECT_EQ(*cc, tc.want);
  }
  for (const char* bad : {"", "+", "14155550123", "+0441234567", "+1", "+44", "+353", "+44 20",
                          "+1234567890123456", "+1415555012a"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(country_code(bad).has_value());
  }
}

TEST(phone, display_formatting) {
  struct c {
    const char* e164;
    const char* want;
  };
  const c cases[] = {
      {"+14155550123", "+1 415-555-0123"},
      {"+16045550134", "+1 604-555-0134"},
      {"+442079460958", "+44 20 7946 0958"},    // London
      {"+447911123456", "+44 7911 123456"},     // mobile
      {"+441214960000", "+44 121 496 0000"},    // Birmingham (01x1)
      {"+441134960000", "+44 113 496 0000"},    // Leeds (011x)
      {"+441632960123", "+44 1632 960123"},     // other 01 area
      {"+443001234567", "+44 300 123 4567"},    // non-geographic
      {"+4930123456", "+49 3012 3456"},         // 8 digits: 4 4
      {"+4930123456789", "+49 301 2345 6789"},  // 11 digits: 3 4 4
      {"+33123456789", "+33 123 456 789"},
      {"+61298765432", "+61 298 765 432"},
      {"+79123456789", "+7 912 345 6789"},
      {"+35312345678", "+353 1234 5678"},
      {"+6834002", "+683 4002"},
      {"+2901234", "+290 1234"},
      {"+8613912345678", "+86 139 1234 5678"},
      {"+97142345678", "+971 4234 5678"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.e164);
    EXPECT_EQ(format_display(tc.e164), tc.want);
  }
}

TEST(phone, display_passes_non_e164_through) {
  for (const char* s : {"", "hello", "4155550123", "+0441234", "+44"})
    EXPECT_EQ(format_display(s), s);
  EXPECT_EQ(format_display("+1415555012"), "+1 415 555 012");  // not 10 digits: generic groups
}

TEST(phone, normalized_numbers_round_trip_through_display) {
  for (const char* in :
       {"+1 (415) 555-0123", "+44 20 7946 0958", "004420 7946 0958", "+86 139 1234 5678"}) {
    SCOPED_TRACE(in);
    auto e164 = normalize_e164(in);
    ASSERT_TRUE(e164.ok());
    auto again = normalize_e164(format_display(*e164));
    ASSERT_TRUE(again.ok()) << again.err().message;
    EXPECT_EQ(*again, *e164);
  }
}

// issue 16 item 20: every value workspace.default_country accepts (core/config.cpp)
// reads its national format, with the separators people type.
TEST(phone, issue16_item20_every_configurable_default_country_reads_national_numbers) {
  const std::pair<const char*, const char*> samples[][2] = {
      {{"US", "(415) 555-0177"}, {"US", "+14155550177"}}, {{"US", "415.555.0177"}, {"", "+14155550177"}},
      {{"US", "415 555 0177"}, {"", "+14155550177"}},     {{"US", "1-415-555-0177"}, {"", "+14155550177"}},
      {{"CA", "(604) 555-0177"}, {"", "+16045550177"}},   {{"GB", "020 7946 0958"}, {"", "+442079460958"}},
      {{"IE", "(01) 234 5678"}, {"", "+35312345678"}},    {{"DE", "030 123456"}, {"", "+4930123456"}},
      {{"FR", "01 23 45 67 89"}, {"", "+33123456789"}},   {{"NL", "020-123-4567"}, {"", "+31201234567"}},
      {{"AU", "(02) 9876 5432"}, {"", "+61298765432"}},   {{"NZ", "09.123.4567"}, {"", "+6491234567"}},
  };
  for (auto& s : samples) {
    auto n = normalize_e164(s[0].second, s[0].first);
    ASSERT_TRUE(n) << s[0].first << " " << s[0].second << ": " << n.err().message;
    EXPECT_EQ(*n, s[1].second) << s[0].second;
  }
  // International input ignores the default country.
  EXPECT_EQ(*normalize_e164("+1 (415) 555-0177", "GB"), "+14155550177");
  EXPECT_EQ(*normalize_e164("00 44 20 7946 0958", "US"), "+442079460958");
}
