#pragma once
// SQL for Microsoft Teams: teammates' Teams identities, linked channels and the
// thread of each customer conversation. Functions run inside store jobs.
#include <optional>
#include <string>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::teams {

// The teammate a Teams user (aadObjectId) is, in whatever workspace.
std::optional<teammate> teammate_by_user(database& db, const std::string& aad_object_id);
std::optional<std::string> user_of(database& db, id_t workspace_id, id_t teammate_id);
// Sets (or, with nullopt, clears) a teammate's Teams user; CONFLICT when another
// teammate has it.
void set_user(database& db, id_t workspace_id, id_t teammate_id,
              const std::optional<std::string>& aad_object_id, const std::string& now);

// Insert or replace the owner's channel; returns its id.
id_t link_channel(database& db, const channel_link& l, const std::string& now);
std::optional<channel_link> channel_of(database& db, id_t workspace_id,
                                       const std::string& owner_kind, id_t owner_id);
bool any_channel_linked(database& db, id_t workspace_id);

std::optional<thread> thread_of_conversation(database& db, id_t workspace_id, id_t conversation_id);
std::optional<thread> find_thread(database& db, id_t workspace_id, id_t id);
// The thread a Teams conversation id names (a reply posted in it), any workspace.
std::optional<thread> thread_by_teams_id(database& db, const std::string& thread_id);
id_t insert_thread(database& db, const thread& t, const std::string& now);
void thread_created(database& db, id_t id, const std::string& thread_id, const std::string& now);
void thread_failed(database& db, id_t id, const std::string& now);
// A failed thread is tried again by the next item: back to pending.
void thread_retry(database& db, id_t id, const std::string& now);

// Where to queue an answer to a Teams user who is no teammate: the workspace
// whose channels are in their tenant, else the first workspace.
std::optional<id_t> workspace_for_tenant(database& db, const std::string& tenant_id);

// The business number (E.164) a conversation is on, if any.
std::optional<std::string> line_of_conversation(database& db, id_t workspace_id,
                                                id_t conversation_id);

}  // namespace switchboard::store::teams
