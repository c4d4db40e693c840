#pragma once
// The terms of an article query (issue 20), the same on every backend: each word
// split into runs of ASCII letters and digits and of non-ASCII bytes (UTF-8
// letters), ASCII lower-cased; anything else separates. Bounded: at most
// max_terms terms of at most max_term_bytes bytes each.
#include <string>
#include <vector>

namespace switchboard::store::kb {

inline constexpr std::size_t max_terms = 16;
inline constexpr std::size_t max_term_bytes = 64;

inline std::vector<std::string> search_terms(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  auto flush = [&](std::string& term) {
    if (!term.empty() && out.size() < max_terms) out.push_back(term.substr(0, max_term_bytes));
    term.clear();
  };
  for (auto& w : words) {
    std::string term;
    for (unsigned char ch : w) {
      if (ch >= 'A' && ch <= 'Z') term += static_cast<char>(ch - 'A' + 'a');
      else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80) term += static_cast<char>(ch);
      else flush(term);
    }
    flush(term);
  }
  return out;
}

}  // namespace switchboard::store::kb
