// Teammates' and teams' store jobs, moved out of api/teammate_routes.cpp (issue 17).
#include "switchboard/services/teammates.hpp"

#include "switchboard/auth/permissions.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<std::vector<store::teammate>>> list_teammates(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.teammates().list(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::optional<store::teammate>>> find_teammate(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) { return uow.teammates().find(ws, id); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::teammate>> create_teammate(context& ctx, store::principal by, store::teammate t,
                                                         std::string ip) {
  auto job = [by, t, ip](store::unit_of_work& uow) {
    if (t.physical_number && uow.numbers().find_active(*t.physical_number))
      throw store::job_error("INVALID_INPUT", "physical_number is one of the business numbers, not a phone of your own");
    auto id = uow.teammates().insert(t);
    uow.auth().audit(by.workspace_id, by.teammate_id, "teammate.created", "teammate", id, {{"role", t.role}}, ip,
                     t.created_at);
    return *uow.teammates().find(t.workspace_id, id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<changed_teammate>> update_teammate(context& ctx, store::principal by, id_t id,
                                                          teammate_change c, std::string ip) {
  auto at = now_text(ctx);
  auto job = [by, id, c, at, ip](store::unit_of_work& uow) {
    auto ws = by.workspace_id;
    auto& p = c.fields;
    auto before = uow.teammates().find(ws, id);
    if (!before) throw store::job_error("NOT_FOUND", "teammate not found");
    // Nobody changes someone ranked above them; the last owner stays an owner.
    if (id != by.teammate_id && auth::role_rank(before->role) > auth::role_rank(by.role))
      throw store::job_error("PERMISSION_DENIED", "you cannot change a teammate ranked above you");
    if (p.role && before->role == "owner" && *p.role != "owner") {
      if (uow.teammates().count_owners(ws) <= 1)
        throw store::job_error("CONFLICT_STATE", "the last owner cannot be demoted");
    }
    // Loop guard: a teammate's own phone can never be one of our lines.
    if (p.physical_number && *p.physical_number && uow.numbers().find_active(**p.physical_number))
      throw store::job_error("INVALID_INPUT", "physical_number is one of the business numbers, not a phone of your own");
    uow.teammates().update(ws, id, p, at);
    if (c.teams_user) uow.teams_links().set_user(ws, id, *c.teams_user, at);
    if (p.role && *p.role != before->role)
      uow.auth().audit(ws, by.teammate_id, "teammate.role_changed", "teammate", id,
                       {{"from", before->role}, {"to", *p.role}}, ip, at);
    return changed_teammate{*uow.teammates().find(ws, id), uow.teams_links().user_of(ws, id), before->role};
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<store::team>>> list_teams(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.teams().list(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::team>> create_team(context& ctx, id_t ws, std::string name, bool round_robin,
                                                 std::vector<id_t> member_ids) {
  auto at = now_text(ctx);
  auto job = [ws, name, round_robin, at, member_ids](store::unit_of_work& uow) {
    auto id = uow.teams().insert(ws, name, round_robin, at);
    for (auto m : member_ids) {
      if (!uow.teammates().find(ws, m)) throw store::job_error("INVALID_INPUT", "member_ids: no such teammate");
      uow.teams().add_member(ws, id, m);
    }
    return *uow.teams().find(ws, id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<store::team>> update_team(context& ctx, id_t ws, id_t team_id, std::optional<std::string> name,
                                                 std::optional<bool> round_robin) {
  auto job = [ws, team_id, name, round_robin](store::unit_of_work& uow) {
    if (!uow.teams().find(ws, team_id)) throw store::job_error("NOT_FOUND", "team not found");
    uow.teams().update(ws, team_id, name, round_robin);
    return *uow.teams().find(ws, team_id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<store::team>> change_team_member(context& ctx, id_t ws, id_t team_id, id_t teammate_id,
                                                        bool add) {
  auto job = [ws, team_id, teammate_id, add](store::unit_of_work& uow) {
    if (!uow.teams().find(ws, team_id)) throw store::job_error("NOT_FOUND", "team not found");
    if (!uow.teammates().find(ws, teammate_id))
      throw store::job_error(add ? "INVALID_INPUT" : "NOT_FOUND", "no such teammate");
    if (add)
      uow.teams().add_member(ws, team_id, teammate_id);
    else
      uow.teams().remove_member(ws, team_id, teammate_id);
    return *uow.teams().find(ws, team_id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
