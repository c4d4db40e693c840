#pragma once
// CSAT surveys (issue 21), the pure part: which survey a resolution sends, how
// long an SMS survey's answer is taken, and what in a customer's text is an answer.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace switchboard::routing {

// The workspace setting "csat": per channel, on or off. widget: chat
// conversations; sms: SMS conversations; link: every other channel (voice, email,
// Teams), where the conversation shows a /survey/{token} link to share.
struct csat_settings {
  bool widget = true;
  bool sms = false;
  bool link = true;
};
nlohmann::json to_json(const csat_settings& s);
// The stored JSON text (nullopt or unreadable: the defaults).
csat_settings parse_csat_settings(const std::optional<std::string>& stored);
// A PATCH body over `base`: absent fields stay; a field that is not a boolean
// gives nullopt and names it in `bad_field`.
std::optional<csat_settings> patch_csat_settings(csat_settings base, const nlohmann::json& body,
                                                 std::string& bad_field);

enum class csat_send { none, widget, sms, link };

// What a conversation's change sends: a survey only when it becomes resolved
// (`was_resolved` false, `now_resolved` true), by its channel's setting, never a
// text to someone opted out (nor an SMS survey without a line or phone).
struct csat_facts {
  std::string channel;  // the conversation's: chat, sms, voice, email, teams, …
  bool was_resolved = false, now_resolved = false;
  bool opted_out = false;       // of texts (sms only)
  bool sms_reachable = true;    // a line and a phone to text
};
csat_send plan_csat(const csat_facts& f, const csat_settings& s);
const char* csat_channel_name(csat_send s);  // "widget" | "sms" | "link" | ""

// An SMS survey's answer is taken this long after it was sent; a link's or the
// widget's for longer.
inline constexpr std::chrono::hours csat_sms_window{24};
inline constexpr std::chrono::hours csat_link_window{24 * 30};

inline constexpr std::string_view csat_sms_question = "How did we do? Reply 1–5";
inline constexpr std::size_t csat_comment_max = 1000;

// A customer's text as a rating: a bare digit 1..5, spaces and punctuation around
// it allowed ("5", " 4 ", "5!", "3."); anything else is none.
std::optional<int> parse_csat_answer(std::string_view text);

}  // namespace switchboard::routing
