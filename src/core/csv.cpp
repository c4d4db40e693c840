#include "switchboard/core/csv.hpp"

namespace switchboard {

std::string csv_cell(std::string_view text, bool always_quote) {
  bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@');
  bool quote = always_quote || text.find_first_of(",\"\r\n") != std::string_view::npos;
  std::string out;
  out.reserve(text.size() + 4);
  if (quote) out += '"';
  if (formula) out += '\'';
  for (char ch : text) {
    if (ch == '"') out += '"';
    out += ch;
  }
  if (quote) out += '"';
  return out;
}

}  // namespace switchboard
