#pragma once
// The pieces every carrier flow shares, run inside a write job: the customer's
// thread on a line (found or started), who owns a line and how it is set up, and
// the texts the system sends to a teammate's own phone. Each reads facts, asks
// routing/ (inbound.hpp) what to do, and writes it.
#include <optional>
#include <string>

#include "switchboard/routing/hours.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

// The contact (by phone) and their conversation on a business number.
struct thread_ref {
  store::id_t workspace_id = 0, contact_id = 0, conversation_id = 0;
  bool created = false;
  bool open = false;  // open or pending: a customer's message need not reopen it
  bool contact_created = false;
  std::optional<std::string> reused_status;  // a reused conversation's status before this message
};
// Finds or creates both (routing::choose_thread decides reuse; a new conversation
// is assigned by routing::assign_new_conversation, round robin picked here).
thread_ref resolve_thread(store::unit_of_work& uow, const store::numbers::number_row& number, const std::string& from,
                          const std::string& channel, const std::string& at, bool new_after_resolved = false);

// Who owns a line and how it is set up (hours, greeting, after-hours reply).
struct line_info {
  std::string owner_kind;  // teammate | team | "" (unowned)
  store::id_t owner_id = 0;
  std::string name;
  store::routing::line_settings settings;
  std::optional<routing::business_hours> hours;
};
line_info line_of(store::unit_of_work& uow, const store::numbers::number_row& n);
bool line_open(const line_info& l, const std::string& at);

// How a conversation's customer is named to a teammate: their name, else their phone.
std::string who_of(const std::optional<store::conversation>& c, const std::string& phone);

// A text the system sends on its own from a line (a forward to a teammate's phone,
// an answer to the teammate's command): an outbox row, no thread item. `about`:
// the conversation it tells of, if any (an erasure removes the row with it).
// A text to the customer as a thread item (outbound, queued) and its outbox row:
// a bot's answer (sender_id nullopt) or a teammate's reply. Returns the stored item.
// `metadata` marks an answer to a consent keyword ({"consent_answer": …}), which the
// dispatcher sends even to someone opted out.
store::message queue_sms(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id,
                         const std::string& sender_kind, std::optional<store::id_t> sender_id, const std::string& body,
                         const std::string& at, const nlohmann::json& metadata = nlohmann::json::object());

// A system item in the thread for the team (kind event, private, never sent):
// "Opted out by texting STOP". Returns the stored item.
store::message add_system_event(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id,
                                const std::string& channel, const std::string& body, const std::string& at);

void queue_relay(store::unit_of_work& uow, store::id_t ws, store::id_t number_id, const std::string& to,
                 const std::string& body, const std::string& at, std::optional<store::id_t> about = std::nullopt);

// Tells a line owner who forwards texts to their phone about a call
// ("@2 Dana: Missed call"); false when nothing was queued.
bool notify_owner_phone(store::unit_of_work& uow, store::id_t ws, store::id_t conversation_id, const std::string& what,
                        const std::string& at);

// Whether texts to the conversation's customer are refused (issue 18): one of their
// phones opted out on the conversation's line, on every line, or (no line yet) on any.
bool opted_out_of_texts(store::unit_of_work& uow, store::id_t ws, const store::conversation& c);
inline constexpr const char* opted_out_reason =
    "the customer opted out of texts; they can text START to opt in again";

}  // namespace switchboard::services
