#pragma once
// Texts on a teammate's virtual number, as pure decisions. A customer's text is
// forwarded to the teammate's phone with a selector ("@3 Dana: …"); a text from
// the teammate's own phone is the teammate speaking: "?" lists conversations,
// "@N text" answers conversation N, "call N" calls that customer, plain text
// goes to the sticky (most recent) conversation while it is fresh, and anything
// unclear gets a short help text.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {

struct teammate_text {
  enum class kind { list, reply_to, call, plain, empty };
  kind what = kind::empty;
  int selector = 0;  // reply_to, call
  std::string text;  // reply_to, plain
};
teammate_text parse_teammate_text(std::string_view body);

struct listed_conversation {
  int selector = 0;
  std::int64_t conversation_id = 0;
  std::string who;  // name or phone
};

struct phone_context {
  // The teammate's active conversations on this line, most recent first, with selectors.
  std::vector<listed_conversation> active;
  std::optional<std::int64_t> selected;  // the conversation behind teammate_text::selector, if any
  std::optional<std::int64_t> sticky;    // the conversation plain text goes to
  std::optional<std::chrono::system_clock::time_point> sticky_at;
  std::chrono::system_clock::time_point now{};
  std::chrono::seconds sticky_idle{std::chrono::hours(24)};
};

struct phone_decision {
  enum class action { reply, call, tell };
  action what = action::tell;
  std::optional<std::int64_t> conversation_id;  // reply, call
  std::string text;                              // reply: what the customer gets
  std::string to_teammate;                       // tell (and call): what the teammate's phone gets
};
phone_decision decide_teammate_text(const teammate_text& t, const phone_context& c);

// "@3 Dana Smith: Is my order ready?"
std::string format_forward(int selector, std::string_view who, std::string_view body);
// The numbered list "?" answers with.
std::string format_list(const std::vector<listed_conversation>& active);
std::string help_text();

// Who is texting (or calling) a business number, from what the store knows.
struct inbound_facts {
  bool number_known = false;          // `To` is an active line of ours
  bool from_is_our_line = false;      // `From` is an active line of ours (any workspace)
  bool from_is_owner_phone = false;   // `From` is the line owner's own phone
  bool from_is_teammate_phone = false;  // `From` is some teammate's own phone
};
enum class inbound_kind {
  unknown_number,  // answer empty, log as undeliverable
  loop,            // one of our lines: refuse, log
  owner,           // the teammate speaking (commands) or calling out
  other_teammate,  // a teammate's phone on somebody else's line: refuse, log
  customer,
};
inbound_kind classify_inbound(const inbound_facts& f);

// A shared line outside its hours answers once per conversation and closed period:
// reply when closed, and the last reply (if any) was before the closed period began.
bool after_hours_reply_due(std::optional<std::chrono::system_clock::time_point> closed_since,
                           std::optional<std::chrono::system_clock::time_point> last_reply);

// SMS bodies are cut to this many characters (10 segments) with an ellipsis.
std::string clip_sms(std::string_view body, std::size_t max_chars = 1530);

}  // namespace switchboard::routing
