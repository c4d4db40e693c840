#pragma once
// The terms of an article query (issue 20), the same on every backend: each word
// split into runs of ASCII letters and digits and of non-ASCII bytes (UTF-8
// letters), ASCII lower-cased; anything else separates. Bounded: at most
// max_terms terms of at most max_term_bytes bytes each.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <utility>
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

// Typo tolerance (issue 20). A query word of at least min_fix_letters ASCII
// letters that matches nothing in the workspace's articles is replaced by the
// closest words of their vocabulary (the articles' words as written, unstemmed:
// "shiping" is one edit from "shipping" but three from its stem "ship"). Pure:
// the store reads the vocabulary and the index; these choose.
namespace switchboard::store::kb {

inline constexpr std::size_t min_fix_letters = 4;
inline constexpr std::size_t min_vocabulary_letters = 3;
inline constexpr std::size_t max_corrections = 3;  // equally close words, most common first
// Short queries only: a longer one (a question) has words enough to match without.
inline constexpr std::size_t max_fixed_query_terms = 4;

// Edits allowed between a word and its correction: 1, or 2 from 8 letters on.
inline int max_edits(std::size_t letters) { return letters >= 8 ? 2 : 1; }

inline bool ascii_word(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Only ASCII words are corrected: an edit there is one byte.
inline bool correctable(std::string_view term) { return term.size() >= min_fix_letters && ascii_word(term); }

// Optimal string alignment distance (Levenshtein plus the swap of two
// neighbouring letters as one edit: "recieve"), or bound + 1 once it is over.
inline int edit_distance(std::string_view a, std::string_view b, int bound) {
  const auto n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > static_cast<std::size_t>(bound)) return bound + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > bound) return bound + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], bound + 1);
}

// A word being typed against a term: the distance to the term's closest prefix
// and that prefix's length, the longest of the closest ("paswo" is one edit from
// "passwo", of "password"; "shipi" from "ship", "shipp" and "shippi": "shippi").
struct prefix_distance {
  int edits;
  std::size_t length;
};
inline prefix_distance distance_to_prefix(std::string_view typed, std::string_view term, int bound) {
  prefix_distance best{bound + 1, 0};
  const std::size_t lo = typed.size() > static_cast<std::size_t>(bound) ? typed.size() - bound : 0;
  for (std::size_t k = lo; k <= std::min(term.size(), typed.size() + bound); ++k) {
    int d = edit_distance(typed, term.substr(0, k), bound);
    if (d <= best.edits) best = {d, k};
  }
  return best;
}

// A vocabulary word and how many of the workspace's articles have it.
struct vocabulary_term {
  std::string term;
  std::int64_t articles = 0;
};

// The replacements of an unmatched word: the candidates at the smallest distance
// within max_edits, most common first (then alphabetical), at most
// max_corrections; for a word being typed, those words' matching prefixes. Empty
// when none is close enough or the word itself is a candidate (it is no typo).
inline std::vector<std::string> corrections(std::string_view word, bool prefix,
                                            const std::vector<vocabulary_term>& candidates) {
  if (!correctable(word)) return {};
  const int bound = max_edits(word.size());
  int best = bound + 1;
  std::vector<std::pair<const vocabulary_term*, std::string>> found;
  for (auto& c : candidates) {
    if (!ascii_word(c.term)) continue;
    int d;
    std::string replacement;
    if (prefix) {
      auto p = distance_to_prefix(word, c.term, bound);
      d = p.edits;
      replacement = c.term.substr(0, p.length);
    } else {
      d = edit_distance(word, c.term, bound);
      replacement = c.term;
    }
    if (d == 0) return {};
    if (d > best || d > bound) continue;
    if (d < best) best = d, found.clear();
    found.emplace_back(&c, std::move(replacement));
  }
  std::stable_sort(found.begin(), found.end(), [](auto& x, auto& y) {
    if (x.first->articles != y.first->articles) return x.first->articles > y.first->articles;
    return x.first->term < y.first->term;
  });
  std::vector<std::string> out;
  for (auto& f : found) {
    if (std::find(out.begin(), out.end(), f.second) != out.end()) continue;  // prefixes of two words
    out.push_back(std::move(f.second));
    if (out.size() == max_corrections) break;
  }
  return out;
}

// Candidates worth reading for a word: the vocabulary's words with the same
// first letter (a typo there is rare, and the range is one index scan), of a
// length that can be within max_edits ([min_length, max_length]; no upper
// bound for a word being typed).
struct candidate_range {
  std::string from, to;  // from <= term < to
  std::size_t min_length = 0, max_length = 0;
};
inline candidate_range candidates_for(std::string_view word, bool prefix) {
  candidate_range r;
  const auto bound = static_cast<std::size_t>(max_edits(word.size()));
  r.from = std::string(word.substr(0, 1));
  r.to = std::string(1, static_cast<char>(word[0] + 1));
  r.min_length = word.size() > bound ? word.size() - bound : 1;
  r.max_length = prefix ? max_term_bytes : word.size() + bound;
  return r;
}

// The vocabulary words of an article: its title's and visible text's search
// terms made only of ASCII letters, at least min_vocabulary_letters, each once, sorted.
inline std::vector<std::string> vocabulary_words(std::string_view title, std::string_view text) {
  std::set<std::string> words;
  std::string term;
  auto flush = [&] {
    if (term.size() >= min_vocabulary_letters && term.size() <= max_term_bytes && ascii_word(term)) words.insert(term);
    term.clear();
  };
  for (auto part : {title, text}) {
    for (unsigned char ch : part) {
      if (ch >= 'A' && ch <= 'Z') term += static_cast<char>(ch - 'A' + 'a');
      else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80) term += static_cast<char>(ch);
      else flush();
    }
    flush();
  }
  return {words.begin(), words.end()};
}

// The words one text has and the other has not (sorted inputs): what an edit
// adds to the vocabulary's counts and takes from them.
inline std::vector<std::string> words_missing_from(const std::vector<std::string>& have,
                                                   const std::vector<std::string>& other) {
  std::vector<std::string> out;
  std::set_difference(have.begin(), have.end(), other.begin(), other.end(), std::back_inserter(out));
  return out;
}

// The end of the range of words starting with an ASCII word: the word with its
// last letter the next one ("passw" -> "passx").
inline std::string prefix_end(std::string_view word) {
  std::string out(word);
  if (!out.empty()) out.back() = static_cast<char>(out.back() + 1);
  return out;
}

// A query's terms as groups, each one term or its corrections (any of which
// matches): with fix and at most max_fixed_query_terms terms, a correctable term that is not known — known(term,
// prefix): in the vocabulary or matched by the index, a prefix for the word
// being typed — becomes its corrections among candidates(range), when any.
template <class Known, class Candidates>
std::vector<std::vector<std::string>> term_groups(const std::vector<std::string>& terms, bool prefix_last, bool fix,
                                                  Known&& known, Candidates&& candidates) {
  std::vector<std::vector<std::string>> out;
  fix = fix && terms.size() <= max_fixed_query_terms;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const bool prefix = prefix_last && i + 1 == terms.size();
    std::vector<std::string> group;
    if (fix && correctable(terms[i]) && !known(terms[i], prefix))
      group = corrections(terms[i], prefix, candidates(candidates_for(terms[i], prefix)));
    if (group.empty()) group = {terms[i]};
    out.push_back(std::move(group));
  }
  return out;
}

}  // namespace switchboard::store::kb
