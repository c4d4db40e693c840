#include "switchboard/core/validate.hpp"

#include <cctype>

namespace switchboard {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<std::string> normalize_e164(std::string_view input) {
  std::string t = trim(input);
  if (t.empty() || t.front() != '+') return std::nullopt;
  std::string out = "+";
  for (std::size_t i = 1; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9')
      out.push_back(c);
    else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')
      continue;
    else
      return std::nullopt;
  }
  // E.164: country code cannot start with 0; 8 to 15 digits in all.
  if (out.size() < 9 || out.size() > 16 || out[1] == '0') return std::nullopt;
  return out;
}

std::optional<std::string> normalize_email(std::string_view input) {
  std::string t = trim(input);
  if (t.empty() || t.size() > 254) return std::nullopt;
  auto at = t.find('@');
  if (at == std::string::npos || at == 0 || t.find('@', at + 1) != std::string::npos)
    return std::nullopt;
  auto domain = std::string_view(t).substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return std::nullopt;
  for (char& c : t) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return t;
}

}  // namespace switchboard
