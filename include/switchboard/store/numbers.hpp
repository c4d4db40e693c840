#pragma once
// SQL for phone numbers, webhook idempotency records and the sandbox's sent messages.
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::numbers {

std::optional<number_row> find(database& db, id_t workspace_id, id_t id);
// The active number, across workspaces (webhooks arrive before we know the workspace).
std::optional<number_row> find_active(database& db, const std::string& e164);
std::vector<number_row> list(database& db, id_t workspace_id);
id_t insert(database& db, const number_row& n);  // CONFLICT when the number is active elsewhere
void set_owner(database& db, id_t workspace_id, id_t id, std::optional<id_t> teammate,
               std::optional<id_t> team);
void release(database& db, id_t workspace_id, id_t id);
// Records the carrier's id of a number (found by looking it up at the carrier).
void set_carrier_sid(database& db, id_t workspace_id, id_t id, const std::string& sid);
// The sandbox carrier's "available numbers": up to `limit` that no one holds.
// With an area code they are +1 <area code> 555-01xx (reserved as fictional, so
// never someone's real phone); without, the +1 555 pool.
std::vector<std::string> sandbox_available(database& db, const std::string& area_code, int limit);
// True when `e164` is some teammate's physical number (loop guard).
bool is_physical_number(database& db, const std::string& e164);
// Both loop-guard facts about a sender in one lookup: one of our active lines
// (two of them texting each other would bounce forever), a teammate's own phone.
sender_facts classify_sender(database& db, const std::string& e164);

// Idempotency: the stored response of an earlier identical webhook.
std::optional<std::string> webhook_response(database& db, const std::string& carrier,
                                            const std::string& sid, const std::string& step);
void record_webhook(database& db, const std::string& carrier, const std::string& sid,
                    const std::string& step, std::optional<id_t> workspace_id,
                    const std::string& response, const std::string& now);
// For webhooks whose answer is known before they are handled (inbound SMS): one
// statement records it, or finds the earlier identical webhook's stored answer,
// which is returned (a retry, to be answered the same and handled no further).
std::optional<std::string> claim_webhook(database& db, const std::string& carrier, const std::string& sid,
                                         const std::string& step, std::optional<id_t> workspace_id,
                                         const std::string& response, const std::string& now);

// The newest conversation of this contact on this business number.
std::optional<conversation_ref> latest_conversation(database& db, id_t workspace_id, id_t contact_id,
                                                    id_t number_id);

// What the sandbox carried: texts it "sent" to a phone, and the simulator's own
// texts to a line (recorded before they are delivered, so ids give the order).
id_t record_sandbox_message(database& db, id_t workspace_id, const std::string& sid,
                            const std::string& from, const std::string& to,
                            const std::string& body, const std::string& now,
                            std::optional<id_t> conversation_id = std::nullopt);
void delete_sandbox_message(database& db, id_t id);
// The sandbox's active lines (of one workspace, or all), with their owner's name.
std::vector<sandbox_line> sandbox_lines(database& db, std::optional<id_t> workspace_id);
// Messages the sandbox "sent" to a phone (the simulator's inbox), after an id;
// with `line`, both directions between the phone and that line. Only the
// workspace's own rows unless workspace_id is nullopt (the data directory's key).
std::vector<sandbox_message> sandbox_messages_to(database& db, std::optional<id_t> workspace_id,
                                                 const std::string& to,
                                                 const std::optional<std::string>& line,
                                                 std::optional<id_t> after, int limit);

}  // namespace switchboard::store::numbers
