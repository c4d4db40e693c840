// A line owner's routing settings: GET|PATCH /api/v1/teammates/{id}/routing and
// /api/v1/teams/{id}/routing — business hours (weekly schedule in an IANA time
// zone, holidays), the voicemail greeting, and (teams) the after-hours reply.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/routing/hours.hpp"
#include "switchboard/services/line_routing.hpp"

namespace switchboard::api {
namespace {

constexpr std::size_t max_text = 1000;

json settings_json(const store::routing::line_settings& s) {
  json hours = nullptr;
  if (s.business_hours) hours = json::parse(*s.business_hours, nullptr, false);
  return {{"business_hours", hours},
          {"voicemail_greeting", opt_str(s.voicemail_greeting)},
          {"after_hours_reply", opt_str(s.after_hours_reply)}};
}

// The owner must exist in the caller's workspace; NOT_FOUND otherwise.
asio::awaitable<std::optional<response>> check_owner(api_context& ctx, id_t ws, const std::string& kind, id_t id) {
  auto found = co_await services::line_owner_exists(ctx, ws, kind, id);
  if (!found) co_return store_error(found.err());
  if (!*found) co_return response::error(404, "NOT_FOUND", kind + " not found");
  co_return std::nullopt;
}

// Which permission a request needs: teammates may read and change their own.
std::string permission_for(const principal& who, const std::string& kind, id_t id, bool write) {
  if (kind == "teammate") {
    if (id == who.teammate_id) return write ? "me.update" : "me.read";
    return write ? "teammates.manage" : "teammates.read";
  }
  return write ? "teams.manage" : "teams.read";
}

// The body of PATCH …/routing: only the fields the owner's kind has.
struct routing_settings_request {
  store::routing::settings_patch fields;

  static result<routing_settings_request> from_json(const json& body, const std::string& kind) {
    store::routing::settings_patch p;
    for (auto& [key, value] : body.items()) {
      if (key == "business_hours") {
        auto hours = routing::parse_business_hours(value);
        if (!hours) return hours.err();
        p.business_hours = *hours ? std::optional<std::string>(routing::to_json(**hours).dump()) : std::nullopt;
      } else if (key == "voicemail_greeting" || (key == "after_hours_reply" && kind == "team")) {
        if (!value.is_null() && (!value.is_string() || value.get_ref<const std::string&>().size() > max_text))
          return error{"INVALID_INPUT", key + " must be a string of at most 1000 characters, or null"};
        std::optional<std::string> text;
        if (value.is_string() && !value.get_ref<const std::string&>().empty()) text = value.get<std::string>();
        (key == "voicemail_greeting" ? p.voicemail_greeting : p.after_hours_reply) = text;
      } else {
        return error{"INVALID_INPUT", "unknown field " + key};
      }
    }
    return routing_settings_request{std::move(p)};
  }
};

// Both routes check their permission themselves: it depends on whose settings they are.
asio::awaitable<response> get_settings(api_context& ctx, request& req, const principal& who, std::string kind) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", kind + " not found");
  if (auto e = require(who, permission_for(who, kind, *id, false))) co_return response::from(*e);
  auto missing = co_await check_owner(ctx, who.workspace_id, kind, *id);
  if (missing) co_return *missing;
  auto ws = who.workspace_id;
  auto oid = *id;
  auto s = co_await services::line_settings_of(ctx, ws, kind, oid);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, settings_json(*s));
}

asio::awaitable<response> patch_settings(api_context& ctx, request& req, const principal& who, std::string kind) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", kind + " not found");
  if (auto e = require(who, permission_for(who, kind, *id, true))) co_return response::from(*e);
  auto in = read_body<routing_settings_request>(req, kind);
  if (!in) co_return response::from(in.err());
  auto missing = co_await check_owner(ctx, who.workspace_id, kind, *id);
  if (missing) co_return *missing;
  auto ws = who.workspace_id;
  auto oid = *id;
  auto p = in->fields;
  auto s = co_await services::update_line_settings(ctx, ws, kind, oid, p);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, settings_json(*s));
}

// POST /api/v1/conversations/{id}/call: click-to-call. The carrier rings the
// teammate's own phone from the conversation's line; when they answer they hear
// "Connecting you" and the customer is dialled with the line as caller id.
asio::awaitable<response> click_to_call(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto r = co_await services::place_click_to_call(ctx, who.workspace_id, who.teammate_id, *id);
  if (!r) co_return store_error(r.err());
  auto mj = to_json(*r);
  co_return response::json(202, mj);
}

}  // namespace

void add_routing_routes(http::router& r, api_context& ctx) {
  r.add("POST", "/api/v1/conversations/{id}/call", authorized(ctx, "conversations.reply", click_to_call));
  // The kind of owner is fixed per route: a non-coroutine lambda, so the string is copied into the call.
  auto of_kind = [](std::string kind, auto fn) {
    return [kind, fn](api_context& c, request& q, const principal& who) { return fn(c, q, who, kind); };
  };
  r.add("GET", "/api/v1/teammates/{id}/routing", authenticated(ctx, of_kind("teammate", get_settings)));
  r.add("PATCH", "/api/v1/teammates/{id}/routing", authenticated(ctx, of_kind("teammate", patch_settings)));
  r.add("GET", "/api/v1/teams/{id}/routing", authenticated(ctx, of_kind("team", get_settings)));
  r.add("PATCH", "/api/v1/teams/{id}/routing", authenticated(ctx, of_kind("team", patch_settings)));
}

}  // namespace switchboard::api
