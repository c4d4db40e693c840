#include "switchboard/routing/consent.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace switchboard::routing {

namespace {

std::string upper_trimmed(std::string_view s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

keyword classify_keyword(std::string_view body) {
  static constexpr std::array<std::string_view, 8> opt_out = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                               "END",  "QUIT",    "REVOKE",      "OPTOUT"};
  static constexpr std::array<std::string_view, 3> opt_in = {"START", "UNSTOP", "YES"};
  static constexpr std::array<std::string_view, 2> help = {"HELP", "INFO"};
  if (body.size() > 64) return keyword::none;  // a keyword is the whole message
  auto word = upper_trimmed(body);
  auto in = [&](const auto& list) { return std::find(list.begin(), list.end(), word) != list.end(); };
  if (in(opt_out)) return keyword::opt_out;
  if (in(opt_in)) return keyword::opt_in;
  if (in(help)) return keyword::help;
  return keyword::none;
}

consent_plan plan_consent(std::string_view body, bool opted_out) {
  consent_plan p;
  p.what = classify_keyword(body);
  auto word = upper_trimmed(body);
  switch (p.what) {
    case keyword::none:
      return p;
    case keyword::opt_out:
      p.relay_notice = "(opted out of texts: " + word + ")";
      if (opted_out) return p;  // already: no second entry, no second confirmation
      p.record = "opted_out";
      p.reply = consent_plan::answer::opted_out;
      p.event = "Opted out by texting " + word;
      return p;
    case keyword::opt_in:
      p.relay_notice = "(opted in to texts: " + word + ")";
      if (!opted_out) return p;  // YES or START from someone never opted out is just a reply
      p.record = "opted_in";
      p.reply = consent_plan::answer::opted_in;
      p.event = "Opted in again by texting " + word;
      return p;
    case keyword::help:
      p.relay_notice = "(asked for help: " + word + "; the help text was sent)";
      p.reply = consent_plan::answer::help;
      return p;
  }
  return p;
}

bool may_revoke_consent(std::string_view body) {
  if (classify_keyword(body) != keyword::none) return false;  // a keyword is applied, not suggested
  auto text = lower(body);
  static constexpr std::array<std::string_view, 14> phrases = {
      "stop texting",     "stop messaging",      "stop sending",    "stop contacting", "don't text",
      "dont text",        "do not text",         "no more texts",   "no more messages", "unsubscribe",
      "remove me",        "take me off",         "opt out",         "leave me alone"};
  return std::any_of(phrases.begin(), phrases.end(),
                     [&](std::string_view p) { return text.find(p) != std::string::npos; });
}

bool error_means_opted_out(std::string_view error_code) { return error_code == "21610"; }

bool refused_at_send(bool opted_out, bool answers_keyword) { return opted_out && !answers_keyword; }

suggestion_plan plan_suggestion(const suggestion_facts& f) {
  suggestion_plan p;
  auto refuse = [&](const char* code, std::string why) {
    p.error_code = code;
    p.error = std::move(why);
    return p;
  };
  if (f.action != "confirm" && f.action != "dismiss") return refuse("INVALID_INPUT", "action must be confirm or dismiss");
  if (f.suggestion != "opt_out") return refuse("INVALID_INPUT", "the message has no consent suggestion");
  if (f.resolved) return refuse("CONFLICT", "the suggestion was already confirmed or dismissed");
  if (f.action == "dismiss") {
    p.resolved = "dismissed";
    return p;
  }
  if (!f.textable) return refuse("INVALID_INPUT", "the contact has no phone that takes texts");
  p.resolved = "confirmed";
  if (f.opted_out) return p;  // already out (a STOP since): no second entry, as with a repeated STOP
  p.record = "opted_out";
  // The customer's words, short enough for one line of the thread.
  std::string words = f.words;
  if (words.size() > 60) {
    auto cut = std::size_t{57};
    while (cut > 0 && (static_cast<unsigned char>(words[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    words = words.substr(0, cut) + "…";
  }
  p.event = "Opted out by " + (f.teammate.empty() ? std::string("a teammate") : f.teammate) + " (from the message \"" +
            words + "\")";
  return p;
}

std::string fill_business(std::string_view text, std::string_view business) {
  std::string out(text);
  static constexpr std::string_view mark = "{business}";
  for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at + business.size()))
    out.replace(at, mark.size(), business);
  return out;
}

}  // namespace switchboard::routing
