// Typo tolerance's pure parts (store/article_search.hpp): the edit distance, the
// choice of corrections, the vocabulary of an article, and term_groups with a
// fake vocabulary and index.
#include <gtest/gtest.h>

#include "switchboard/store/article_search.hpp"

namespace kb = switchboard::store::kb;

namespace {

TEST(article_search, edit_distance_counts_insertions_deletions_substitutions_and_swaps) {
  EXPECT_EQ(kb::edit_distance("password", "password", 2), 0);
  EXPECT_EQ(kb::edit_distance("pasword", "password", 2), 1);   // insertion
  EXPECT_EQ(kb::edit_distance("refnd", "refund", 1), 1);
  EXPECT_EQ(kb::edit_distance("shiping", "shipping", 1), 1);
  EXPECT_EQ(kb::edit_distance("recieve", "receive", 1), 1);    // a swap is one edit
  EXPECT_EQ(kb::edit_distance("routre", "router", 1), 1);
  EXPECT_EQ(kb::edit_distance("billing", "bolling", 1), 1);   // substitution
  EXPECT_EQ(kb::edit_distance("internet", "intranet", 2), 2);
  // Over the bound: bound + 1, and early (lengths too far apart).
  EXPECT_EQ(kb::edit_distance("cancel", "parcel", 1), 2);
  EXPECT_EQ(kb::edit_distance("ab", "abcdef", 2), 3);
  EXPECT_EQ(kb::edit_distance("", "abc", 3), 3);
}

TEST(article_search, edits_allowed_grow_from_eight_letters) {
  EXPECT_EQ(kb::max_edits(4), 1);
  EXPECT_EQ(kb::max_edits(7), 1);
  EXPECT_EQ(kb::max_edits(8), 2);
  EXPECT_TRUE(kb::correctable("refnd"));
  EXPECT_FALSE(kb::correctable("wfi"));     // under four letters
  EXPECT_FALSE(kb::correctable("wifi6"));   // digits
  EXPECT_FALSE(kb::correctable("caf\xc3\xa9"));  // non-ASCII
}

TEST(article_search, a_word_being_typed_is_compared_with_prefixes) {
  auto p = kb::distance_to_prefix("paswo", "password", 1);
  EXPECT_EQ(p.edits, 1);
  EXPECT_EQ(p.length, 6u);  // "passwo"
  EXPECT_EQ(kb::distance_to_prefix("passw", "password", 1).edits, 0);
  EXPECT_EQ(kb::distance_to_prefix("xyzw", "password", 1).edits, 2);
}

TEST(article_search, corrections_are_the_closest_words_most_common_first) {
  std::vector<kb::vocabulary_term> v = {{"password", 12}, {"passport", 3}, {"passwords", 2}, {"shipping", 40},
                                        {"shipment", 9},  {"refund", 7},   {"rerun", 1}};
  EXPECT_EQ(kb::corrections("pasword", false, v), std::vector<std::string>{"password"});
  EXPECT_EQ(kb::corrections("shiping", false, v), std::vector<std::string>{"shipping"});
  EXPECT_EQ(kb::corrections("refnd", false, v), std::vector<std::string>{"refund"});
  // Eight letters: two edits allowed; the closer word wins over a more common one.
  EXPECT_EQ(kb::corrections("passwrds", false, v), std::vector<std::string>{"passwords"});
  // Ties: most common first.
  std::vector<kb::vocabulary_term> tie = {{"cart", 2}, {"card", 9}, {"care", 9}};
  EXPECT_EQ(kb::corrections("carx", false, tie), (std::vector<std::string>{"card", "care", "cart"}));
  // A word of the vocabulary, or too far from every word, is left alone.
  EXPECT_TRUE(kb::corrections("refund", false, v).empty());
  EXPECT_TRUE(kb::corrections("modem", false, v).empty());
  EXPECT_TRUE(kb::corrections("rfd", false, v).empty());  // too short to correct
  // A word being typed becomes the matching prefixes (still prefixes).
  EXPECT_EQ(kb::corrections("paswo", true, v), std::vector<std::string>{"passwo"});
  EXPECT_EQ(kb::corrections("shipi", true, v), (std::vector<std::string>{"shippi", "shipm"}));
}

TEST(article_search, candidates_share_the_first_letter_and_a_length_within_reach) {
  auto r = kb::candidates_for("pasword", false);
  EXPECT_EQ(r.from, "p");
  EXPECT_EQ(r.to, "q");
  EXPECT_EQ(r.min_length, 6u);
  EXPECT_EQ(r.max_length, 8u);
  auto typed = kb::candidates_for("passwrds", true);
  EXPECT_EQ(typed.min_length, 6u);
  EXPECT_EQ(typed.max_length, kb::max_term_bytes);
  EXPECT_EQ(kb::prefix_end("passw"), "passx");
}

TEST(article_search, vocabulary_words_are_ascii_words_of_three_letters_or_more) {
  auto w = kb::vocabulary_words("Reset your Wi-Fi password", "Open the router's page: 192.168.0.1, caf\xc3\xa9 wifi6 on.");
  EXPECT_EQ(w, (std::vector<std::string>{"open", "page", "password", "reset", "router", "the", "your"}));
  auto before = kb::vocabulary_words("Refund", "a refund takes days");
  auto after = kb::vocabulary_words("Refunds", "a refund takes weeks");
  EXPECT_EQ(kb::words_missing_from(after, before), (std::vector<std::string>{"refunds", "weeks"}));
  EXPECT_EQ(kb::words_missing_from(before, after), (std::vector<std::string>{"days"}));
}

TEST(article_search, term_groups_correct_unknown_words_of_short_queries_only) {
  std::vector<kb::vocabulary_term> v = {{"password", 12}, {"passport", 3}, {"reset", 5}, {"router", 4}};
  std::vector<std::string> asked;
  auto known = [&](const std::string& term, bool prefix) {
    asked.push_back(term + (prefix ? "*" : ""));
    for (auto& t : v)
      if (prefix ? t.term.rfind(term, 0) == 0 : t.term == term) return true;
    return term == "resets";  // the index's stem
  };
  auto candidates = [&](const kb::candidate_range& r) {
    std::vector<kb::vocabulary_term> out;
    for (auto& t : v)
      if (t.term >= r.from && t.term < r.to && t.term.size() >= r.min_length && t.term.size() <= r.max_length)
        out.push_back(t);
    return out;
  };
  using groups = std::vector<std::vector<std::string>>;
  EXPECT_EQ(kb::term_groups({"pasword", "reset"}, false, true, known, candidates),
            (groups{{"password"}, {"reset"}}));
  EXPECT_EQ(asked, (std::vector<std::string>{"pasword", "reset"}));
  // Known words (by the vocabulary or the index) and short ones are not asked about or changed.
  asked.clear();
  EXPECT_EQ(kb::term_groups({"resets", "wfi", "rotuer"}, false, true, known, candidates),
            (groups{{"resets"}, {"wfi"}, {"router"}}));
  EXPECT_EQ(asked, (std::vector<std::string>{"resets", "rotuer"}));
  // The word being typed: prefixes.
  EXPECT_EQ(kb::term_groups({"reset", "paswo"}, true, true, known, candidates), (groups{{"reset"}, {"passwo"}}));
  // Not asked for, or a long query: as typed.
  EXPECT_EQ(kb::term_groups({"pasword"}, false, false, known, candidates), (groups{{"pasword"}}));
  EXPECT_EQ(kb::term_groups({"how", "do", "reset", "my", "pasword"}, false, true, known, candidates),
            (groups{{"how"}, {"do"}, {"reset"}, {"my"}, {"pasword"}}));
  // Nothing close: as typed (it finds nothing, as before).
  EXPECT_EQ(kb::term_groups({"zebra"}, false, true, known, candidates), (groups{{"zebra"}}));
}

}  // namespace
