#pragma once
// SQL for teammates and teams (one place). Functions run inside store jobs.
#include <optional>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::teammates {

std::optional<teammate> find(database& db, id_t workspace_id, id_t id);
// Login looks up by email across workspaces; emails are unique per workspace,
// so this returns the first (oldest) match.
std::optional<teammate> find_by_email(database& db, const std::string& email);
std::int64_t count_owners(database& db, id_t workspace_id);
std::vector<teammate> list(database& db, id_t workspace_id);
id_t insert(database& db, const teammate& t);  // throws CONFLICT on a duplicate email

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now);

// Round robin: the available member of the team assigned least recently
// (never assigned first), or nullopt. Marks the pick as assigned now.
std::optional<id_t> next_round_robin(database& db, id_t workspace_id, id_t team_id,
                                     const std::string& now);

std::optional<team> find_team(database& db, id_t workspace_id, id_t team_id);
std::vector<team> list_teams(database& db, id_t workspace_id);
id_t insert_team(database& db, id_t workspace_id, const std::string& name, bool round_robin,
                 const std::string& now);
void update_team(database& db, id_t workspace_id, id_t team_id, std::optional<std::string> name,
                 std::optional<bool> round_robin);
void add_member(database& db, id_t workspace_id, id_t team_id, id_t teammate_id);
void remove_member(database& db, id_t workspace_id, id_t team_id, id_t teammate_id);

}  // namespace switchboard::store::teammates
