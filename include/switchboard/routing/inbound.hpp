#pragma once
// What happens to a customer's text or call on a business number, as pure
// decisions (facts in, plan out): which conversation it lands in, who a new
// conversation goes to, whether the line answers after hours, whether the line's
// owner gets it on their own phone, and how a delivery status may move. The
// services (src/services/) read the facts, ask these, and write what they say.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/routing/hours.hpp"

namespace switchboard::routing {

// The contact's newest conversation on this line, if any, and the workspace's
// routing.after_resolved setting.
struct thread_facts {
  std::optional<std::string> latest_status;  // open | pending | snoozed | resolved
  bool new_after_resolved = false;           // routing.after_resolved = "new"
};
struct thread_choice {
  bool reuse = false;       // into the newest conversation; else a new one
  bool already_open = false;  // reused while open or pending: the item need not reopen it
};
thread_choice choose_thread(const thread_facts& f);

// Who owns the line a new conversation starts on.
struct line_owner {
  std::optional<std::int64_t> teammate_id;
  std::optional<std::int64_t> team_id;
  bool team_round_robin = false;  // the team hands conversations out in turn
};
struct assignment {
  std::optional<std::int64_t> assignee_id;  // the line's teammate
  std::optional<std::int64_t> team_id;
  bool round_robin = false;  // the store picks the team's next member (an atomic pick)
};
assignment assign_new_conversation(const line_owner& o);

// A shared line answers a text outside its hours once per closed period and
// conversation, with the team's own text or a default.
struct after_hours_facts {
  bool team_line = false;        // only shared (team) lines answer on their own
  bool sender_textable = false;  // an E.164 sender: a short code or sender id cannot take texts
  std::optional<business_hours> hours;  // none: always open
  std::chrono::system_clock::time_point now{};
  std::optional<std::chrono::system_clock::time_point> last_reply;  // this conversation's last one
  std::optional<std::string> configured_reply;  // the team's after_hours_reply, if set
};
// The text to send, or nullopt.
std::optional<std::string> after_hours_reply(const after_hours_facts& f);
extern const char* const default_after_hours_reply;

// A teammate who forwards texts to their phone gets each customer text (and a
// missed call or voicemail) there as "@N who: text", from the line.
struct forward_facts {
  std::string sms_forwarding = "none";         // the owner's setting: phone | none | …
  std::optional<std::string> physical_number;  // the owner's own phone
  int selector = 0;                            // N in "@N"
  std::string who;                             // the customer's name, else their phone
  std::string text;
  std::size_t attachments = 0;
};
struct relay {
  std::string to, body;
};
// Whether the owner's texts go to their phone at all: asked first, so a service
// allocates the "@N" selector (a write) only when a relay will be sent.
bool forwards_to_phone(std::string_view sms_forwarding, const std::optional<std::string>& physical_number);
// The relay to send; nullopt when forwards_to_phone is false.
std::optional<relay> forward_to_phone(const forward_facts& f);

// Delivery status order for a message, as carriers report it: a late "sent" never
// overwrites "delivered". -1 for a status carriers do not send.
int message_status_rank(std::string_view reported);
// The status to store when a carrier reports `reported` for a message now at
// `current` (the carrier's words mapped to ours: undelivered → failed, accepted and
// sending → queued); nullopt when it would move the status backwards or sideways.
std::optional<std::string> next_message_status(std::string_view current, std::string_view reported);

}  // namespace switchboard::routing
