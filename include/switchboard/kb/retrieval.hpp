#pragma once
// Finding the article that answers a customer's question (issue 20): the words
// worth searching for, and the passage of an article that answers best. Pure:
// the store ranks articles (full text, title weighted), these pick the words and
// the passage and say how sure they are.
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/kb/markdown.hpp"

namespace switchboard::kb {

// The question's content words: lower-cased runs of letters and digits (non-ASCII
// bytes count as letters), without English function words ("how", "do", "i",
// "my", "the", …), each once, in order; at most 16. A question of function words
// only keeps them (better than nothing to search for).
std::vector<std::string> question_terms(std::string_view question);

// A passage and how well it covers the question's terms (0..1): the share of the
// distinct terms found in the heading or text (a term matches a word it is a prefix
// of, or that is its prefix, from 4 letters on: "cancel" ~ "cancellation").
struct scored_passage {
  passage p;
  double coverage = 0;
};
// The passages of `markdown` best first (ties: document order); empty when it has none.
std::vector<scored_passage> rank_passages(std::string_view markdown, const std::vector<std::string>& terms);

// How sure the answer is, 0..1, from the best article's passage coverage and how
// far its search score stands above the next article's (`runner_up` 0 when alone).
double confidence(double coverage, double best_score, double runner_up);

}  // namespace switchboard::kb
