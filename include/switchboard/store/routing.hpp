#pragma once
// SQL for the routing state of teammates' phones (selectors, sticky
// conversation) and the log of undeliverable events.
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::routing {

// The selector of a conversation for a teammate, allocated when new: the
// smallest free number 1..99, else the least recently used one is taken over.
int selector_for(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id,
                 const std::string& now);
// The conversation behind a teammate's selector.
std::optional<id_t> conversation_of(database& db, id_t teammate_id, int selector);

// The teammate's active (open, pending, snoozed) conversations on a business
// number, most recent first.
std::vector<phone_conversation> active_on_number(database& db, id_t workspace_id, id_t teammate_id,
                                                 id_t number_id, int limit);

std::optional<sticky> sticky_of(database& db, id_t teammate_id);
void set_sticky(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id,
                const std::string& now);

// A line owner's settings; each field absent means "not set".
line_settings settings_of(database& db, id_t workspace_id, const std::string& owner_kind, id_t owner_id);
void update_settings(database& db, id_t workspace_id, const std::string& owner_kind, id_t owner_id,
                     const settings_patch& p, const std::string& now);
// The after-hours reply bookkeeping of a conversation.
std::optional<std::string> after_hours_replied_at(database& db, id_t workspace_id, id_t conversation_id);
void set_after_hours_replied(database& db, id_t workspace_id, id_t conversation_id, const std::string& now);

// Phones of a team's available members (agents and up), for ringing a shared line.
std::vector<std::string> team_phones(database& db, id_t workspace_id, id_t team_id);

// The phone of the last customer who called this line, for "press 1 to call back".
std::optional<std::string> last_caller(database& db, id_t workspace_id, id_t number_id);

void record_undeliverable(database& db, const undeliverable& u);
// The workspace's events and those with no workspace, newest first, before a cursor.
std::vector<undeliverable> list_undeliverable(database& db, id_t workspace_id, std::optional<id_t> before,
                                              int limit);

}  // namespace switchboard::store::routing
