#pragma once
// Phone number normalisation to E.164 ("+14155550123") without libphonenumber: Debian's
// package pulls Boost 1.74 headers that clash with our Boost 1.81. Deliberately small: it
// checks shape, E.164 length and the NANP rules, not each country's numbering plan, so a
// well-formed but unassigned foreign number passes.
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/core/result.hpp"

namespace switchboard::carriers {

// Accepts:
//   "+1 (415) 555-0123", "tel:+44-20-7946-0958"   international with '+'
//   "00 44 20 7946 0958"                          international with the 00 prefix
//   "011 44 20 7946 0958"                         the NANP international prefix, when
//                                                 default_country is US or CA
//   "(415) 555-0123", "1 415 555 0123"            national, for default_country
// Separators: space - . ( ) /, and a leading "tel:". Letters (vanity numbers) and anything
// else are rejected. Rules: at most 15 digits, at least 7; the country code can't start
// with 0; +1 numbers must be 10 digits whose area code and exchange start with 2-9 (and
// the area code is not an N11 service code).
// National numbers are understood for US and CA (NANP), and for GB, IE, DE, FR, NL, AU,
// NZ, where they must start with the trunk prefix 0 (e.g. "020 7946 0958" for GB).
// Errors have code "INVALID_FORMAT" and a message fit to show the user.
result<std::string> normalize_e164(std::string_view input, std::string_view default_country = "US");

// "+1 415-555-0123" for NANP; "+44 20 7946 0958" for GB (approximating its national
// groups); otherwise "+CC" and the national number in groups of three with a final group
// of four (e.g. "+49 301 234 5678"). Returns the input unchanged when it is not E.164.
std::string format_display(std::string_view e164);

// The country calling code ("1", "44", "353") of an E.164 number; nullopt when the input
// is not '+' followed by digits that could form an E.164 number.
std::optional<std::string> country_code(std::string_view e164);

}  // namespace switchboard::carriers
