#pragma once
// One CSV cell (RFC 4180) for every export: contacts, consent, report conversations.
#include <string>
#include <string_view>

namespace switchboard {

// Quotes when the text holds a comma, quote or line break (or always, when asked),
// doubling inner quotes. A leading = + - @ would run as a formula in a spreadsheet
// (CSV injection), so such a cell starts with a ' instead.
std::string csv_cell(std::string_view text, bool always_quote = false);

}  // namespace switchboard
