#include "switchboard/carriers/phone.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

namespace switchboard::carriers {

namespace {

constexpr std::size_t max_digits = 15;  // E.164 limit, country code included
// E.164 sets no minimum; the shortest numbers in service (e.g. Niue +683 xxxx) have 7
// digits, and anything shorter is almost certainly a typo or a short code.
constexpr std::size_t min_digits = 7;

// Country calling code length from the ITU-T E.164 zone table. The first digit is the
// world zone; zones 1 (NANP) and 7 (Russia/Kazakhstan) are single-digit codes. In the
// other zones a code is two digits if it appears below and three digits otherwise
// (e.g. 2 -> 20 Egypt and 27 South Africa, every other 2xx such as 212, 290, 299 is
// three; 4 -> all 4x except 42x, which holds 420 CZ, 421 SK, 423 LI). Codes are
// prefix-free, so this decides the length without a full list of assigned codes.
constexpr std::array<std::string_view, 44> two_digit_codes = {
    "20", "27",                                            // zone 2 (Africa)
    "30", "31", "32", "33", "34", "36", "39",              // zone 3 (Europe)
    "40", "41", "43", "44", "45", "46", "47", "48", "49",  // zone 4 (Europe)
    "51", "52", "53", "54", "55", "56", "57", "58",        // zone 5 (Americas)
    "60", "61", "62", "63", "64", "65", "66",              // zone 6 (Oceania, SE Asia)
    "81", "82", "84", "86",                                // zone 8 (East Asia)
    "90", "91", "92", "93", "94", "95", "98",              // zone 9 (Asia, Middle East)
};

std::size_t country_code_length(std::string_view digits) {
  if (digits.empty()) return 0;
  if (digits[0] == '1' || digits[0] == '7') return 1;
  if (digits.size() >= 2 && std::find(two_digit_codes.begin(), two_digit_codes.end(),
                                      digits.substr(0, 2)) != two_digit_codes.end())
    return 2;
  return 3;
}

// Default countries whose national format we understand. NANP numbers have no trunk
// prefix; the others dial nationally with a leading 0 that E.164 drops.
struct national_plan {
  std::string_view iso;
  std::string_view calling_code;
  bool nanp;
};
constexpr std::array<national_plan, 9> national_plans = {{
    {"US", "1", true},
    {"CA", "1", true},
    {"GB", "44", false},
    {"IE", "353", false},
    {"DE", "49", false},
    {"FR", "33", false},
    {"NL", "31", false},
    {"AU", "61", false},
    {"NZ", "64", false},
}};

const national_plan* find_plan(std::string_view iso) {
  if (iso.size() != 2) return nullptr;
  std::string upper(iso);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (const auto& p : national_plans)
    if (p.iso == upper) return &p;
  return nullptr;
}

error invalid(std::string message) { return error{"INVALID_FORMAT", std::move(message)}; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

// Quotes a character for an error message without echoing control or non-ASCII bytes.
std::string describe(char c) {
  auto b = static_cast<unsigned char>(c);
  if (b >= 0x21 && b < 0x7F) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", b);
  return buf;
}

std::string count(std::size_t n) { return std::to_string(n) + (n == 1 ? " digit" : " digits"); }

// `ten` is the 10-digit NANP number after the country code 1.
std::optional<error> check_nanp(std::string_view ten) {
  const std::string_view area = ten.substr(0, 3), exchange = ten.substr(3, 3);
  if (area[0] == '0' || area[0] == '1')
    return invalid("NANP area code cannot start with 0 or 1 (got " + std::string(area) + ")");
  if (area[1] == '1' && area[2] == '1')
    return invalid("NANP area code cannot be an N11 service code (got " + std::string(area) + ")");
  if (exchange[0] == '0' || exchange[0] == '1')
    return invalid(
        "NANP exchange code (the 3 digits after the area code) cannot start with 0 or 1 (got " +
        std::string(exchange) + ")");
  return std::nullopt;
}

// `digits` is country code + national number, without '+'.
result<std::string> finish_international(std::string_view digits) {
  if (digits.empty()) return invalid("no digits after the international prefix");
  if (digits[0] == '0') return invalid("country code cannot start with 0");
  if (digits.size() > max_digits)
    return invalid("too long: " + count(digits.size()) + ", E.164 allows at most 15");
  if (digits[0] == '1') {
    if (digits.size() != 11)
      return invalid("a +1 (NANP) number needs 10 digits after the country code, got " +
                     std::to_string(digits.size() - 1));
    if (auto e = check_nanp(digits.substr(1))) return *e;
  }
  if (digits.size() < min_digits)
    return invalid("too short: " + count(digits.size()) +
                   ", a full number with country code has at least 7");
  std::string out = "+";  // not `"+" + std::string(...)`: trips a GCC 12 -Wrestrict false positive
  out += digits;
  return out;
}

std::string_view trim(std::string_view s) {
  const auto ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Splits `s` into space-separated groups of the given sizes; the last group takes the rest.
std::string group(std::string_view s, std::initializer_list<std::size_t> sizes) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t n : sizes) {
    if (pos >= s.size()) break;
    if (!out.empty()) out += ' ';
    out += s.substr(pos, n);
    pos += n;
  }
  if (pos < s.size()) {
    if (!out.empty()) out += ' ';
    out += s.substr(pos);
  }
  return out;
}

// Groups of three from the left; the tail is one group of four when length % 3 == 1, two
// groups of four when length % 3 == 2 (5 digits: 2+3), so no group is shorter than 3
// except in very short numbers: 7 -> 3 4, 8 -> 4 4, 9 -> 3 3 3, 10 -> 3 3 4, 11 -> 3 4 4.
std::string group_generic(std::string_view s) {
  const std::size_t n = s.size();
  if (n <= 4) return std::string(s);
  if (n == 5) return group(s, {2, 3});
  std::vector<std::size_t> sizes;
  std::size_t tail = n % 3 == 1 ? 4 : n % 3 == 2 ? 8 : 0;
  for (std::size_t i = 0; i < (n - tail) / 3; ++i) sizes.push_back(3);
  if (tail == 4) sizes.push_back(4);
  if (tail == 8) sizes.insert(sizes.end(), {4, 4});
  std::string out;
  std::size_t pos = 0;
  for (std::size_t k : sizes) {
    if (!out.empty()) out += ' ';
    out += s.substr(pos, k);
    pos += k;
  }
  return out;
}

// UK 10-digit national numbers, close to Ofcom's written style: 02x is 2-4-4, mobiles
// (07) and most geographic 01 codes are 4-6, the large-city 011x/01x1 and 03/08/09 are 3-3-4.
std::string group_gb(std::string_view nsn) {
  if (nsn.size() != 10) return group_generic(nsn);
  switch (nsn[0]) {
    case '2':
      return group(nsn, {2, 4, 4});
    case '7':
      return group(nsn, {4, 6});
    case '1':
      if (nsn[1] == '1' || nsn[2] == '1') return group(nsn, {3, 3, 4});
      return group(nsn, {4, 6});
    default:
      return group(nsn, {3, 3, 4});
  }
}

bool is_e164_shape(std::string_view s) {
  if (s.size() < 2 || s.size() > max_digits + 1 || s[0] != '+' || s[1] == '0') return false;
  return std::all_of(s.begin() + 1, s.end(), is_digit);
}

}  // namespace

result<std::string> normalize_e164(std::string_view input, std::string_view default_country) {
  std::string_view s = trim(input);
  if (starts_with_ci(s, "tel:")) s = trim(s.substr(4));
  if (s.empty()) return invalid("phone number is empty");

  bool plus = false;
  std::string digits;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (is_digit(c)) {
      digits += c;
      if (digits.size() > 2 * max_digits) return invalid("too long: more than 30 digits");
    } else if (c == '+') {
      if (i != 0) return invalid("'+' is only allowed at the start of the number");
      plus = true;
    } else if (is_letter(c)) {
      return invalid("letters are not allowed in a phone number (found " + describe(c) +
                     "); enter the digits instead");
    } else if (!is_separator(c)) {
      return invalid(
          "unexpected " + describe(c) +
          " in phone number; only digits, a leading +, spaces and - . ( ) / are allowed");
    }
  }
  if (digits.empty()) return invalid("phone number has no digits");

  const national_plan* plan = find_plan(default_country);
  std::string_view d = digits;
  if (plus) return finish_international(d);
  if (d.starts_with("00")) return finish_international(d.substr(2));
  if (plan && plan->nanp && d.starts_with("011")) return finish_international(d.substr(3));

  if (!plan)
    return invalid("can't read a national number for country '" + std::string(default_country) +
                   "'; include the country code, e.g. +44 20 7946 0958");
  if (plan->nanp) {
    std::string_view ten;
    if (d.size() == 10)
      ten = d;
    else if (d.size() == 11 && d[0] == '1')
      ten = d.substr(1);
    else
      return invalid(std::string(plan->iso) +
                     " numbers need 10 digits, or 11 starting with 1; got " +
                     std::to_string(d.size()));
    if (auto e = check_nanp(ten)) return *e;
    return "+1" + std::string(ten);
  }
  if (d[0] != '0')
    return invalid("a national " + std::string(plan->iso) +
                   " number starts with 0; otherwise include the country code (+" +
                   std::string(plan->calling_code) + ")");
  return finish_international(std::string(plan->calling_code) + std::string(d.substr(1)));
}

std::optional<std::string> country_code(std::string_view e164) {
  if (!is_e164_shape(e164)) return std::nullopt;
  const std::string_view digits = e164.substr(1);
  const std::size_t len = country_code_length(digits);
  if (digits.size() <= len) return std::nullopt;  // a bare country code is not a number
  return std::string(digits.substr(0, len));
}

std::string format_display(std::string_view e164) {
  auto cc = country_code(e164);
  if (!cc) return std::string(e164);
  const std::string_view nsn = e164.substr(1 + cc->size());
  if (*cc == "1" && nsn.size() == 10)
    return "+1 " + std::string(nsn.substr(0, 3)) + "-" + std::string(nsn.substr(3, 3)) + "-" +
           std::string(nsn.substr(6));
  if (*cc == "44") return "+44 " + group_gb(nsn);
  return "+" + *cc + " " + group_generic(nsn);
}

}  // namespace switchboard::carriers
