#pragma once
// Teammates and teams (/api/v1/teammates, /api/v1/teams): listing, creating
// (audited), changing a teammate (the rank and last-owner rules, the loop guard on
// their own phone, the linked Teams user, the audit of a role change) and a team's
// name, round robin and members. Every rule that reads the store is checked
// inside the job that writes. Passwords arrive hashed: Argon2 runs on the API's
// CPU pool before these are called.
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

boost::asio::awaitable<result<std::vector<store::teammate>>> list_teammates(context& ctx, store::id_t workspace_id);
boost::asio::awaitable<result<std::optional<store::teammate>>> find_teammate(context& ctx, store::id_t workspace_id,
                                                                             store::id_t id);
// Inserts t (password_hash set) and audits teammate.created by `by`. INVALID_INPUT
// when t's phone is a business number; CONFLICT on a taken email.
boost::asio::awaitable<result<store::teammate>> create_teammate(context& ctx, store::principal by, store::teammate t,
                                                                std::string ip);

struct teammate_change {
  store::teammates::patch fields;                          // with the role, when it changes
  std::optional<std::optional<std::string>> teams_user;  // present: link (a value) or unlink
};
struct changed_teammate {
  store::teammate after;
  std::optional<std::string> teams_user;  // the linked Teams user, after the change
  std::string old_role;
};
// NOT_FOUND; PERMISSION_DENIED for someone ranked above `by`; CONFLICT_STATE for
// demoting the last owner; INVALID_INPUT for a business number as their phone;
// CONFLICT when the Teams user is another teammate's.
boost::asio::awaitable<result<changed_teammate>> update_teammate(context& ctx, store::principal by, store::id_t id,
                                                                 teammate_change c, std::string ip);

boost::asio::awaitable<result<std::vector<store::team>>> list_teams(context& ctx, store::id_t workspace_id);
// INVALID_INPUT for an unknown member; CONFLICT on a taken name.
boost::asio::awaitable<result<store::team>> create_team(context& ctx, store::id_t workspace_id, std::string name,
                                                        bool round_robin, std::vector<store::id_t> member_ids);
boost::asio::awaitable<result<store::team>> update_team(context& ctx, store::id_t workspace_id, store::id_t team_id,
                                                        std::optional<std::string> name,
                                                        std::optional<bool> round_robin);
// Adds or removes a member: NOT_FOUND for the team, and for the teammate when
// removing (INVALID_INPUT when adding).
boost::asio::awaitable<result<store::team>> change_team_member(context& ctx, store::id_t workspace_id,
                                                               store::id_t team_id, store::id_t teammate_id, bool add);

}  // namespace switchboard::services
