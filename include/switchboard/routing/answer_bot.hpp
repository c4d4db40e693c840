#pragma once
// The answer bot (issue 20) as pure decisions: what a customer's reply to "Did
// that answer your question?" means, and what the bot does with a customer's
// message — nothing (off, or a person has the conversation), answer from the
// knowledge base, close the conversation it resolved, or hand it to the team. It
// never answers without a source, and a low confidence hands over without asking
// a language model.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::routing {

enum class bot_reply { yes, no, human, other };

// "yes", "yep", "that helped", "thanks!" → yes; "no", "nope", "not really" → no;
// "human", "agent", "representative" in a message of up to 4 words, or with a
// request ("talk to", "speak with", "connect me", …) in any message → human;
// anything else is a new question. Case, punctuation and emoji around are ignored.
bot_reply classify_bot_reply(std::string_view text);

struct bot_facts {
  bool enabled = false;          // answer_bot.enabled
  bool channel_on = false;       // the conversation's channel is one the bot answers on
  bool human_replied = false;    // a teammate has written in the conversation
  bool handed_off = false;       // the bot already handed this conversation over
  bool awaiting_feedback = false;  // the bot's last message asked whether it answered
  bool in_business_hours = true;
  bool answer_outside_hours_only = false;  // answer_bot.business_hours: "outside" (else "always")
  std::string text;              // the customer's message
  bool short_message = false;    // three words or fewer (a greeting, an acknowledgement)
  // The retrieval of `text` (when it is a question): whether an article passage was
  // found, and how sure the match is (0..1).
  bool has_source = false;
  double confidence = 0;
  double threshold = 0.5;        // answer_bot.threshold
};

struct bot_plan {
  enum class action { none, answer, resolve, handoff } what = action::none;
  std::string reason;  // for the thread and the counters: "resolved", "asked_for_human", "not_helpful", "low_confidence", "no_source"
};

bot_plan plan_bot(const bot_facts& f);

// After asking the language model (answer_bot.llm.*): its answer is used only when
// it came, cites a passage, and does not decline; else the conversation goes to the team.
struct llm_outcome {
  bool answered = false;  // a completion came back in time
  bool declined = false;  // the model said it cannot answer from the passages
  bool cites = false;     // the answer cites a passage it was given
};
bot_plan plan_after_llm(const llm_outcome& o);

}  // namespace switchboard::routing
