#pragma once
// SQL for the routing state of teammates' phones (selectors, sticky
// conversation) and the log of undeliverable events.
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::routing {

// The selector of a conversation for a teammate, allocated when new: the
// smallest free number 1..99, else the least recently used one is taken over.
int selector_for(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id,
                 const std::string& now);
// The conversation behind a teammate's selector.
std::optional<id_t> conversation_of(database& db, id_t teammate_id, int selector);

struct phone_conversation {
  id_t conversation_id = 0;
  std::string who;  // the contact's name, or their phone number
  std::string phone;
  std::optional<std::string> last_message_at;
};
// The teammate's active (open, pending, snoozed) conversations on a business
// number, most recent first.
std::vector<phone_conversation> active_on_number(database& db, id_t workspace_id, id_t teammate_id,
                                                 id_t number_id, int limit);

struct sticky {
  id_t conversation_id = 0;
  std::string at;
};
std::optional<sticky> sticky_of(database& db, id_t teammate_id);
void set_sticky(database& db, id_t workspace_id, id_t teammate_id, id_t conversation_id,
                const std::string& now);

struct undeliverable {
  id_t id = 0;
  std::optional<id_t> workspace_id;
  std::string carrier, kind, sid, from, to, reason, body, created_at;
};
void record_undeliverable(database& db, const undeliverable& u);
// The workspace's events and those with no workspace, newest first, before a cursor.
std::vector<undeliverable> list_undeliverable(database& db, id_t workspace_id, std::optional<id_t> before,
                                              int limit);

}  // namespace switchboard::store::routing
