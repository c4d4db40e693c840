#include "switchboard/routing/answer_bot.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace switchboard::routing {

namespace {

// Lower-case ASCII words of the text (other bytes separate).
std::string normalized(std::string_view text) {
  std::string out;
  bool space = true;
  for (unsigned char ch : text) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<unsigned char>(ch - 'A' + 'a');
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      out += static_cast<char>(ch);
      space = false;
    } else if (ch == '\'') {
      continue;  // "didn't" is "didnt"
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool has_word(const std::string& words, std::string_view w) {
  std::size_t at = 0;
  while ((at = words.find(w, at)) != std::string::npos) {
    bool starts = at == 0 || words[at - 1] == ' ';
    bool ends = at + w.size() == words.size() || words[at + w.size()] == ' ';
    if (starts && ends) return true;
    at += w.size();
  }
  return false;
}

}  // namespace

bot_reply classify_bot_reply(std::string_view text) {
  auto t = normalized(text);
  auto words = static_cast<std::size_t>(std::count(t.begin(), t.end(), ' ') + (t.empty() ? 0 : 1));
  // A person asked for: a short message naming one ("agent please"), or a request
  // to talk to one in any message; "how do I add an agent?" is a question.
  static constexpr std::array<std::string_view, 12> human = {
      "human",       "agent",        "person",       "representative", "operator", "real person",
      "someone",     "somebody",     "staff",        "support team",   "a rep",    "live chat"};
  static constexpr std::array<std::string_view, 12> asking = {
      "talk to",  "talk with",  "speak to", "speak with", "chat with", "connect me",
      "get me",   "transfer me", "i want a", "i need a",  "want to talk", "let me talk"};
  bool asks = words <= 4;
  for (auto a : asking) asks = asks || has_word(t, a);
  for (auto w : human)
    if (asks && has_word(t, w)) return bot_reply::human;
  static constexpr std::array<std::string_view, 14> no = {
      "no",          "nope",         "nah",          "not really",     "n",        "didnt help",
      "did not help", "doesnt help", "not helpful",  "that didnt",     "wrong",    "not what i",
      "no it didnt", "not quite"};
  static constexpr std::array<std::string_view, 14> yes = {
      "yes",         "yep",          "yeah",         "y",              "yup",      "thanks",
      "thank you",   "thx",          "that helped",  "it helped",      "perfect",  "great",
      "solved",      "ok thanks"};
  // A short reply only: a longer message is a new question that may contain "no".
  if (words == 0 || words > 6) return bot_reply::other;
  for (auto w : no)
    if (t == w || t.rfind(std::string(w) + " ", 0) == 0 || (w.find(' ') != std::string_view::npos && has_word(t, w)))
      return bot_reply::no;
  for (auto w : yes)
    if (t == w || t.rfind(std::string(w) + " ", 0) == 0) return bot_reply::yes;
  return bot_reply::other;
}

bot_plan plan_bot(const bot_facts& f) {
  using action = bot_plan::action;
  if (!f.enabled || !f.channel_on || f.human_replied || f.handed_off) return {};
  // In the hours it is set to leave to the team, the team has everything as today.
  if (f.answer_outside_hours_only && f.in_business_hours) return {};
  auto reply = classify_bot_reply(f.text);
  if (reply == bot_reply::human) return {action::handoff, "asked_for_human"};
  if (f.awaiting_feedback) {
    if (reply == bot_reply::yes) return {action::resolve, "resolved"};
    if (reply == bot_reply::no) return {action::handoff, "not_helpful"};
  }
  // "Thanks" or "no" out of the blue (after a resolution, say): nothing to answer.
  if (reply != bot_reply::other) return {};
  // Nothing found for a greeting ("hi", "hello there"): wait for the question
  // rather than hand over.
  if (!f.has_source && f.short_message) return {};
  if (!f.has_source) return {action::handoff, "no_source"};
  if (f.confidence < f.threshold) return {action::handoff, "low_confidence"};
  return {action::answer, "confident"};
}

bot_plan plan_after_llm(const llm_outcome& o) {
  using action = bot_plan::action;
  if (!o.answered) return {action::handoff, "llm_unavailable"};
  if (o.declined) return {action::handoff, "llm_declined"};
  if (!o.cites) return {action::handoff, "llm_uncited"};
  return {action::answer, "llm_answer"};
}

}  // namespace switchboard::routing
