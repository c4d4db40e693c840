// Teammates (admin manages; everyone edits their own availability and phone) and teams.
#include <set>

#include "common.hpp"
#include "switchboard/carriers/phone.hpp"
#include "routes.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/auth/permissions.hpp"
#include "switchboard/core/offload.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/teammates.hpp"

namespace switchboard::api {
namespace {

namespace tm = store::teammates;

const std::set<std::string> availabilities = {"available", "away", "offline"};
const std::set<std::string> forwarding = {"off", "phone"};

asio::awaitable<response> list_teammates(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_teammates(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& t : *rows) items.push_back(to_json(t));
  co_return page(items, std::nullopt);
}

// The body of POST /teammates, up to what needs the caller: granting owner is
// checked next, and only then the phone and the password (as they always were).
struct create_teammate_request {
  std::string email;  // normalised
  std::string name;   // trimmed
  std::string role;
  std::optional<std::string> password, physical_number;  // as sent

  static result<create_teammate_request> from_json(const json& body) {
    auto email = opt_string(body, "email");
    auto name = opt_string(body, "name");
    auto role = opt_string(body, "role");
    auto password = opt_string(body, "password");
    auto phone = opt_string(body, "physical_number");
    for (auto* r : {&email, &name, &role, &password, &phone})
      if (!*r) return r->err();
    if (!*email || !*name || trim(**name).empty())
      return error{"MISSING_REQUIRED_FIELD", "email and name are required"};
    auto e = normalize_email(**email);
    if (!e) return error{"INVALID_FORMAT", "email is not a valid address"};
    std::string r = role->value_or("agent");
    if (!auth::valid_role(r)) return error{"INVALID_INPUT", "role must be owner, admin, agent or viewer"};
    return create_teammate_request{*e, trim(**name), r, *password, *phone};
  }
};

asio::awaitable<response> create_teammate(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_teammate_request>(req);
  if (!in) co_return response::from(in.err());
  std::string r = in->role;
  if (r == "owner")
    if (auto err = require(who, "roles.grant_owner")) co_return response::from(*err);
  std::optional<std::string> number;
  if (in->physical_number) {
    auto n = carriers::normalize_e164(*in->physical_number, ctx.default_country);  // national formats too (issue 16 item 20)
    if (!n) co_return response::error(400, "INVALID_FORMAT", "physical_number: " + n.err().message);
    number = *n;
  }
  std::string pw = in->password.value_or("");
  std::string generated;
  if (pw.empty()) pw = generated = random_alnum(20);
  if (pw.size() < 8) co_return response::error(400, "INVALID_INPUT", "password must be at least 8 characters");
  auto hashing = [pw] { return auth::hash_password(pw); };
  auto hash = co_await offload(ctx.cpu, std::move(hashing));
  if (!hash) co_return response::error(500, "INTERNAL", "could not hash the password");

  store::teammate t;
  t.workspace_id = who.workspace_id;
  t.email = in->email;
  t.name = in->name;
  t.role = r;
  t.physical_number = number;
  t.password_hash = *hash;
  t.created_at = now_text(ctx);
  auto ip = req.remote;
  auto created = co_await services::create_teammate(ctx, who, t, ip);
  if (!created) co_return store_error(created.err(), "a teammate with this email exists");
  auto j = to_json(*created);
  if (!generated.empty()) j["initial_password"] = generated;  // shown once
  co_return response::json(201, j);
}

// The body of PATCH /teammates/{id}, up to what needs the caller: linking a
// Teams user and changing a role need teammates.manage, checked after the
// fields before them, as they always were; the role is checked there too.
struct patch_teammate_request {
  tm::patch fields;  // without the role
  std::optional<std::optional<std::string>> teams_user;  // present: link (a value) or unlink
  std::optional<std::string> role;                        // as sent

  static result<patch_teammate_request> from_json(const json& body, std::string_view country) {
    patch_teammate_request in;
    auto& p = in.fields;
    auto name = opt_string(body, "name");
    auto role = opt_string(body, "role");
    auto availability = opt_string(body, "availability");
    auto fwd = opt_string(body, "sms_forwarding");
    for (auto* r : {&name, &role, &availability, &fwd})
      if (!*r) return r->err();
    if (*name) {
      if (trim(**name).empty()) return error{"INVALID_INPUT", "name must not be empty"};
      p.name = trim(**name);
    }
    if (*availability) {
      if (!availabilities.count(**availability))
        return error{"INVALID_INPUT", "availability must be available, away or offline"};
      p.availability = *availability;
    }
    if (*fwd) {
      if (!forwarding.count(**fwd)) return error{"INVALID_INPUT", "sms_forwarding must be off or phone"};
      p.sms_forwarding = *fwd;
    }
    if (auto it = body.find("physical_number"); it != body.end()) {
      auto& v = *it;
      if (v.is_null()) {
        p.physical_number = std::optional<std::string>();
      } else {
        if (!v.is_string()) return error{"INVALID_FORMAT", "physical_number must be a phone number or null"};
        // The format the app displays, "(415) 555-0177", is read for the default country (issue 16 item 20).
        auto n = carriers::normalize_e164(v.get<std::string>(), country);
        if (!n) return error{"INVALID_FORMAT", "physical_number: " + n.err().message};
        p.physical_number = *n;
      }
    }
    // The Teams user (from.aadObjectId) this teammate is; only admins link them,
    // since it lets that Teams account act as the teammate.
    if (auto it = body.find("teams_user_id"); it != body.end()) {
      auto& v = *it;
      if (!v.is_null() && (!v.is_string() || trim(v.get<std::string>()).empty() || v.get<std::string>().size() > 100))
        return error{"INVALID_FORMAT", "teams_user_id must be a Teams user's object id, or null"};
      in.teams_user = v.is_null() ? std::optional<std::string>() : std::optional<std::string>(trim(v.get<std::string>()));
    }
    in.role = *role;
    return in;
  }
};

asio::awaitable<response> patch_teammate(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "teammate not found");
  bool self = *id == who.teammate_id;
  if (auto e = require(who, self ? "me.update" : "teammates.manage")) co_return response::from(*e);
  auto in = read_body<patch_teammate_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  services::teammate_change change{in->fields, in->teams_user};
  auto& p = change.fields;
  if (change.teams_user)
    if (auto e = require(who, "teammates.manage")) co_return response::from(*e);
  if (auto& role = in->role) {
    if (!auth::valid_role(*role))
      co_return response::error(400, "INVALID_INPUT", "role must be owner, admin, agent or viewer");
    if (auto e = require(who, "teammates.manage")) co_return response::from(*e);
    if (*role == "owner")
      if (auto e = require(who, "roles.grant_owner")) co_return response::from(*e);
    p.role = *role;
  }
  auto me = who;
  auto tid = *id;
  auto ip = req.remote;
  // The rank and last-owner rules and the loop guard are checked inside the write.
  auto updated = co_await services::update_teammate(ctx, me, tid, change, ip);
  if (!updated) co_return store_error(updated.err(), "this Teams user is linked to another teammate");
  auto& [after, teams_id, old_role] = *updated;
  // Issue 16 item 8: a lowered role closes the teammate's sockets (1008) so
  // they reconnect with what the new role may see; a raised one applies to them.
  if (after.role != old_role) {
    if (auth::role_rank(after.role) < auth::role_rank(old_role))
      ctx.sockets.revoke_teammate(me.workspace_id, tid, "role lowered");
    else
      ctx.sockets.role_raised(me.workspace_id, tid, after.role);
  }
  auto j = to_json(after);
  j["teams_user_id"] = opt_str(teams_id);
  ctx.hub.publish(me.workspace_id, "agents", "teammate.updated", j);
  if (p.availability)
    ctx.hub.publish(me.workspace_id, "agents", "presence",
                    {{"teammate_id", id_str(tid)}, {"availability", *p.availability}},
                    realtime::hub::delivery::ephemeral);
  co_return response::json(200, j);
}

asio::awaitable<response> list_teams(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_teams(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& t : *rows) items.push_back(to_json(t));
  co_return page(items, std::nullopt);
}

result<std::optional<bool>> opt_bool(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return error{"INVALID_FORMAT", std::string(field) + " must be true or false"};
  return std::optional<bool>(it->get<bool>());
}

// The body of POST /teams.
struct create_team_request {
  std::string name;  // trimmed
  bool round_robin = true;
  std::vector<id_t> member_ids;

  static result<create_team_request> from_json(const json& body) {
    auto name = opt_string(body, "name");
    auto rr = opt_bool(body, "round_robin");
    if (!name) return name.err();
    if (!rr) return rr.err();
    if (!*name || trim(**name).empty()) return error{"MISSING_REQUIRED_FIELD", "name is required"};
    create_team_request in{trim(**name), rr->value_or(true), {}};
    if (auto it = body.find("member_ids"); it != body.end() && !it->is_null()) {
      if (!it->is_array()) return error{"INVALID_FORMAT", "member_ids must be an array of ids"};
      for (auto& m : *it) {
        auto mid = m.is_string() ? parse_id(m.get<std::string>()) : std::nullopt;
        if (!mid) return error{"INVALID_FORMAT", "member_ids must be an array of ids"};
        in.member_ids.push_back(*mid);
      }
    }
    return in;
  }
};

// The body of PATCH /teams/{id}: absent fields stay.
struct patch_team_request {
  std::optional<std::string> name;
  std::optional<bool> round_robin;

  static result<patch_team_request> from_json(const json& body) {
    auto name = opt_string(body, "name");
    auto rr = opt_bool(body, "round_robin");
    if (!name) return name.err();
    if (!rr) return rr.err();
    return patch_team_request{*name, *rr};
  }
};

// The body of POST /teams/{id}/members.
struct add_member_request {
  id_t teammate_id = 0;

  static result<add_member_request> from_json(const json& body) {
    auto m = opt_string(body, "teammate_id");
    if (!m) return m.err();
    auto id = *m ? parse_id(**m) : std::nullopt;
    if (!id) return error{"MISSING_REQUIRED_FIELD", "teammate_id is required"};
    return add_member_request{*id};
  }
};

asio::awaitable<response> create_team(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_team_request>(req);
  if (!in) co_return response::from(in.err());
  auto ws = who.workspace_id;
  auto n = in->name;
  bool round_robin = in->round_robin;
  auto members = in->member_ids;
  auto created = co_await services::create_team(ctx, ws, n, round_robin, members);
  if (!created) co_return store_error(created.err(), "a team with this name exists");
  co_return response::json(201, to_json(*created));
}

asio::awaitable<response> patch_team(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "team not found");
  auto in = read_body<patch_team_request>(req);
  if (!in) co_return response::from(in.err());
  auto ws = who.workspace_id;
  auto tid = *id;
  auto n = in->name;
  auto r = in->round_robin;
  auto updated = co_await services::update_team(ctx, ws, tid, n, r);
  if (!updated) co_return store_error(updated.err(), "a team with this name exists");
  co_return response::json(200, to_json(*updated));
}

asio::awaitable<response> change_member(api_context& ctx, request& req, const principal& who, bool add) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "team not found");
  std::optional<id_t> member;
  if (add) {
    auto in = read_body<add_member_request>(req);
    if (!in) co_return response::from(in.err());
    member = in->teammate_id;
  } else {
    member = parse_id(req.params.at("teammate_id"));
    if (!member) co_return response::error(404, "NOT_FOUND", "teammate not found");
  }
  auto ws = who.workspace_id;
  auto tid = *id;
  auto mid = *member;
  auto updated = co_await services::change_team_member(ctx, ws, tid, mid, add);
  if (!updated) co_return store_error(updated.err());
  co_return response::json(200, to_json(*updated));
}

}  // namespace

void add_teammate_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/teammates", authorized(ctx, "teammates.read", list_teammates));
  r.add("POST", "/api/v1/teammates", authorized(ctx, "teammates.manage", create_teammate));
  // Their own (me.update) or anyone's (teammates.manage): patch_teammate requires it.
  r.add("PATCH", "/api/v1/teammates/{id}", authenticated(ctx, patch_teammate));
  r.add("GET", "/api/v1/teams", authorized(ctx, "teams.read", list_teams));
  r.add("POST", "/api/v1/teams", authorized(ctx, "teams.manage", create_team));
  r.add("PATCH", "/api/v1/teams/{id}", authorized(ctx, "teams.manage", patch_team));
  r.add("POST", "/api/v1/teams/{id}/members",
        authorized(ctx, "teams.manage", [](api_context& c, request& q, const principal& who) {
          return change_member(c, q, who, true);
        }));
  r.add("DELETE", "/api/v1/teams/{id}/members/{teammate_id}",
        authorized(ctx, "teams.manage", [](api_context& c, request& q, const principal& who) {
          return change_member(c, q, who, false);
        }));
}

}  // namespace switchboard::api
