#include "switchboard/kb/retrieval.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace switchboard::kb {

namespace {

// English function words: they say nothing about which article answers.
const std::unordered_set<std::string_view>& function_words() {
  static const std::unordered_set<std::string_view> words = {
      "a",      "about", "after", "again", "all",   "also",  "am",    "an",    "and",   "any",   "are",
      "as",     "at",    "be",    "been",  "but",   "by",    "can",   "could", "did",   "do",    "does",
      "doing",  "dont",  "for",   "from",  "get",   "got",   "had",   "has",   "have",  "having", "he",
      "her",    "here",  "hi",    "hello", "him",   "his",   "how",   "i",     "if",    "im",    "in",
      "into",   "is",    "it",    "its",   "just",  "me",    "might", "my",    "need",  "no",    "not",
      "of",     "on",    "or",    "our",   "please", "s",    "she",   "should", "so",   "some",  "t",
      "than",   "thanks", "that", "the",   "their", "them",  "then",  "there", "these", "they",  "this",
      "those",  "to",    "too",   "up",    "us",    "very",  "want",  "was",   "we",    "were",  "what",
      "whats",  "when",  "where", "which", "while", "who",   "why",   "will",  "with",  "would", "you",
      "your",   "yours", "ok",    "okay",  "thx",   "pls",   "u",     "ur",    "hey",   "way",
      "theres", "isnt",  "cant",  "wont",  "doesnt", "dosnt", "ive",  "id",    "ill",   "yes",
      "anything", "something", "know", "tell", "like", "still", "now", "one", "thing", "stuff", "guy"};
  return words;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  for (unsigned char ch : text) {
    if (ch >= 'A' && ch <= 'Z') w += static_cast<char>(ch - 'A' + 'a');
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80) w += static_cast<char>(ch);
    else if (ch == '\'') continue;  // "don't" is "dont"
    else if (!w.empty()) out.push_back(std::move(w)), w.clear();
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

// A term matches a word that starts with it or that it starts with, from 4
// letters on (a crude stem: "cancel" ~ "cancelling", "routers" ~ "router").
bool matches(const std::string& term, const std::string& word) {
  if (term == word) return true;
  const auto& shorter = term.size() < word.size() ? term : word;
  const auto& longer = term.size() < word.size() ? word : term;
  return shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0;
}

}  // namespace

std::vector<std::string> question_terms(std::string_view question) {
  auto words = words_of(question);
  std::vector<std::string> out, all;
  std::set<std::string> seen;
  for (auto& w : words) {
    if (!seen.insert(w).second) continue;
    all.push_back(w);
    if (!function_words().count(w)) out.push_back(w);
  }
  if (out.empty()) out = all;
  if (out.size() > 16) out.resize(16);
  return out;
}

std::vector<scored_passage> rank_passages(std::string_view markdown, const std::vector<std::string>& terms) {
  std::vector<scored_passage> out;
  for (auto& p : passages(markdown)) {
    auto words = words_of(p.heading + " " + p.text);
    std::size_t found = 0;
    for (auto& t : terms)
      if (std::any_of(words.begin(), words.end(), [&](const std::string& w) { return matches(t, w); })) ++found;
    double coverage = terms.empty() ? 0 : static_cast<double>(found) / static_cast<double>(terms.size());
    out.push_back({std::move(p), coverage});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const scored_passage& a, const scored_passage& b) { return a.coverage > b.coverage; });
  return out;
}

double confidence(double coverage, double best_score, double runner_up) {
  // The margin: 1 when the best article stands alone, 0 when the next one ties it.
  double margin = best_score <= 0 ? 0 : runner_up <= 0 ? 1 : std::clamp(1 - runner_up / best_score, 0.0, 1.0);
  return std::clamp(0.7 * coverage + 0.3 * margin, 0.0, 1.0);
}

}  // namespace switchboard::kb
