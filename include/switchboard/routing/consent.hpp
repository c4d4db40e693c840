#pragma once
// Texting consent (CTIA guidelines, FCC 2024 revocation rule) as pure decisions:
// which texts are opt-out, opt-in or help keywords, what a keyword changes and
// answers, which free text may revoke consent (a suggestion for an agent, never
// applied on its own), and which carrier errors mean the recipient opted out.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::routing {

enum class keyword { none, opt_out, opt_in, help };

// The whole message, trimmed, in any case: STOP, STOPALL, UNSUBSCRIBE, CANCEL,
// END, QUIT, REVOKE, OPTOUT; START, UNSTOP, YES; HELP, INFO.
keyword classify_keyword(std::string_view body);

struct consent_plan {
  keyword what = keyword::none;
  std::optional<std::string> record;  // "opted_out" | "opted_in": a ledger entry to write
  enum class answer { none, opted_out, opted_in, help } reply = answer::none;
  std::string event;         // the thread's system item ("Opted out by texting STOP"); "" for none
  std::string relay_notice;  // what the line owner's phone gets instead of the keyword ("" for none)
};
// What a text does to the sender's consent on the line, given whether they are
// opted out now: an opt-out or opt-in is recorded and confirmed once, when it
// changes the state; HELP is always answered.
consent_plan plan_consent(std::string_view body, bool opted_out);

// Free text that may revoke consent ("please stop texting me"): flagged to agents.
bool may_revoke_consent(std::string_view body);

// A carrier's error code meaning the recipient opted out (Twilio 21610, which
// SignalWire's LaML API reports the same way).
bool error_means_opted_out(std::string_view error_code);

// Whether a text to a customer, queued earlier, is refused when its turn to go
// comes (issue 18): they opted out since it was queued. The answer to their own
// keyword still goes (the one confirmation CTIA expects after STOP).
bool refused_at_send(bool opted_out, bool answers_keyword);
inline constexpr const char* opted_out_at_send = "OPTED_OUT: the recipient opted out of texts";

// An agent resolving a free-text suggestion ("please stop texting me"): confirm
// records the opt-out the customer asked for, dismiss only clears the notice.
struct suggestion_facts {
  std::string action;       // confirm | dismiss
  std::string suggestion;   // the message's metadata.consent_suggestion ("" for none)
  bool resolved = false;    // it was confirmed or dismissed already
  bool opted_out = false;   // the customer is opted out on the line already
  bool textable = true;     // the customer has a phone that takes texts (a short code has none)
  std::string teammate;     // who confirms, named in the thread's item
  std::string words;        // the customer's message
};
struct suggestion_plan {
  std::string error_code, error;      // refused (INVALID_INPUT, CONFLICT); "" otherwise
  std::string resolved;               // confirmed | dismissed: metadata.consent_suggestion_resolved
  std::optional<std::string> record;  // "opted_out": a ledger entry to write
  std::string event;                  // the thread's system item ("" for none)
};
suggestion_plan plan_suggestion(const suggestion_facts& f);

// "{business}" in a configured answer becomes the workspace's name.
std::string fill_business(std::string_view text, std::string_view business);

}  // namespace switchboard::routing
