// POST /api/teams/messages: Bot Framework activities from Microsoft Teams.
// The JWT is verified first (teams/connector.hpp, teams/jwt.hpp); then a
// message is either a teammate's reply in a conversation's thread (sent to the
// customer like POST /api/v1/conversations/{id}/messages), the card's "Call
// back" button, or a command to the bot. Every answer to the teammate is a
// teams.reply outbox row, delivered by the dispatcher.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <variant>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/auth/permissions.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/teams_bot.hpp"
#include "switchboard/teams/cards.hpp"
#include "switchboard/teams/commands.hpp"
#include "switchboard/teams/connector.hpp"

namespace switchboard::api {
namespace {

namespace tms = store::teams;

// The route table's network pieces, made on first use on the io_context.
struct teams_link {
  std::unique_ptr<http::outbound_client> client;
  std::unique_ptr<teams::key_source> keys;
  http::outbound_client& get_client(const asio::any_io_executor& ex) {
    if (!client) client = std::make_unique<http::outbound_client>(ex);
    return *client;
  }
  teams::key_source& get_keys(const asio::any_io_executor& ex, const teams::settings& s) {
    if (!keys) keys = std::make_unique<teams::key_source>(get_client(ex), s);
    return *keys;
  }
};

// What an activity says, read once (missing fields are empty).
struct activity_info {
  std::string type, id, text, service_url, conversation_id, conversation_type, aad_object_id,
      channel_id, team_id, tenant_id;
  json value;
};

std::string str_at(const json& j, std::initializer_list<const char*> path) {
  const json* cur = &j;
  for (auto* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return {};
    cur = &(*cur)[key];
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

activity_info read_activity(const json& a) {
  activity_info i;
  i.type = str_at(a, {"type"});
  i.id = str_at(a, {"id"});
  i.text = str_at(a, {"text"});
  i.service_url = str_at(a, {"serviceUrl"});
  i.conversation_id = str_at(a, {"conversation", "id"});
  i.conversation_type = str_at(a, {"conversation", "conversationType"});
  i.aad_object_id = str_at(a, {"from", "aadObjectId"});
  i.channel_id = str_at(a, {"channelData", "channel", "id"});
  i.team_id = str_at(a, {"channelData", "team", "id"});
  i.tenant_id = str_at(a, {"channelData", "tenant", "id"});
  if (i.tenant_id.empty()) i.tenant_id = str_at(a, {"conversation", "tenantId"});
  if (a.is_object() && a.contains("value")) i.value = a["value"];
  return i;
}

// A teams.reply row answering the activity in the conversation it came from.
json answer_payload(const activity_info& a, const std::string& text) {
  return {{"service_url", a.service_url},
          {"conversation", a.conversation_id},
          {"reply_to", a.id},
          {"activity", teams::text_activity(text)}};
}

asio::awaitable<void> answer(api_context& ctx, const activity_info& a, store::id_t ws,
                             const std::string& text) {
  auto payload = answer_payload(a, text);
  auto r = co_await services::queue_teams_answer(ctx, ws, payload);
  if (!r) spdlog::warn("teams: could not queue an answer: {}", r.err().message);
}

// ---- in a conversation's thread ------------------------------------------------

asio::awaitable<void> thread_reply(api_context& ctx, const activity_info& a, const principal& p,
                                   const tms::thread& th, const std::string& typed) {
  bool is_private = typed.starts_with(";;");
  std::string text = is_private ? trim(typed.substr(2)) : typed;
  std::string refusal;
  if (text.empty()) refusal = "There was nothing to send.";
  if (refusal.empty())
    if (require(p, is_private ? "conversations.note" : "conversations.reply"))
      refusal = "Not sent: you may not " +
                std::string(is_private ? "write notes" : "reply to customers") + ".";
  if (!refusal.empty()) {
    co_await answer(ctx, a, p.workspace_id, refusal);
    co_return;
  }
  auto cid = th.conversation_id;
  auto base = answer_payload(a, "");
  // Queued with its confirmation in one write; agents hear the reply after the commit.
  auto r = co_await services::reply_from_teams(ctx, p, cid, text, is_private, base);
  if (!r) {
    auto why = "Not sent: " + r.err().message + ".";
    co_await answer(ctx, a, p.workspace_id, why);
  }
}

// The card's "Call back" button: click-to-call, as POST /api/v1/conversations/{id}/call.
asio::awaitable<void> call_back(api_context& ctx, const activity_info& a, const principal& p) {
  auto cid = parse_id(a.value.value("conversation_id", std::string()));
  std::string refusal;
  if (!cid) refusal = "That card names no conversation.";
  if (refusal.empty())
    if (require(p, "conversations.reply")) refusal = "You may not call customers.";
  if (!refusal.empty()) {
    co_await answer(ctx, a, p.workspace_id, refusal);
    co_return;
  }
  auto ws = p.workspace_id;
  auto id = *cid;
  auto base = answer_payload(a, "");
  auto r = co_await services::call_back_from_teams(ctx, p, id, base);
  if (!r) {
    auto why = "Cannot call: " + r.err().message + ".";
    co_await answer(ctx, a, ws, why);
  }
}

// ---- commands ------------------------------------------------------------------

std::string line_text(const store::numbers::number_row& n) {
  return carriers::format_display(n.number) + " (" + n.carrier + ")";
}

asio::awaitable<std::string> cmd_status(api_context& ctx, const principal& p) {
  auto r = co_await services::teams_status(ctx, p);
  co_return r ? *r : "Status is not available right now.";
}

asio::awaitable<std::string> cmd_availability(api_context& ctx, const principal& p,
                                              const std::string& availability) {
  // Agents hear teammate.updated and presence after the commit.
  auto r = co_await services::set_availability(ctx, p, availability);
  if (!r) co_return "Could not change your availability: " + r.err().message + ".";
  co_return availability == "available" ? "You are available."
                                        : "You are away: callers reach your voicemail.";
}

asio::awaitable<std::string> cmd_provision(api_context& ctx, teams_link& link, const principal& p,
                                           const teams::command& c) {
  auto who = c.member;
  auto member = co_await services::find_teams_member(ctx, p, who);
  if (!member) co_return "Could not look up " + who + ".";
  if (auto* why = std::get_if<std::string>(&*member)) co_return *why;
  provision_args args;
  args.carrier = c.carrier;
  if (!c.number.empty()) {
    args.number = c.number;
    args.buy = true;
  } else {
    args.area_code = c.area_code;
  }
  args.owner_teammate_id = std::get<store::id_t>(*member);
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get_client(ex);
  auto ws = p.workspace_id;
  auto r = co_await provision(ctx, client, ws, args);
  if (!r) co_return "Could not provision: " + r.err().message + ".";
  co_return "Provisioned " + line_text(r->row) + " for " +
      (who == "me" ? std::string("you") : who) + ".";
}

asio::awaitable<std::string> cmd_assign(api_context& ctx, const principal& p,
                                        const teams::command& c) {
  auto who = c.member;
  auto number = c.number;
  auto r = co_await services::assign_number_from_teams(ctx, p, who, number);
  co_return r ? *r : "Could not assign: " + r.err().message + ".";
}

asio::awaitable<std::string> cmd_unprovision(api_context& ctx, teams_link& link, const principal& p,
                                             const teams::command& c) {
  auto ws = p.workspace_id;
  auto number = c.number;
  auto id = co_await services::active_number_id(ctx, ws, number);
  if (!id || !*id) co_return carriers::format_display(number) + " is not one of our numbers.";
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get_client(ex);
  auto nid = **id;
  auto r = co_await release_number(ctx, client, ws, nid, false);
  if (!r)
    co_return "Could not release " + carriers::format_display(number) + ": " + r.err().message +
        ".";
  co_return "Released " + carriers::format_display(number) + (*r ? " at its carrier." : ".");
}

asio::awaitable<std::string> cmd_voicemail(api_context& ctx, const principal& p,
                                           const teams::command& c) {
  auto number = c.number;
  auto greeting = c.text;
  // Asked inside the write, once the line's owner is known.
  std::function<bool(std::string_view)> may = [p](std::string_view permission) { return !require(p, permission); };
  auto r = co_await services::voicemail_from_teams(ctx, p, may, number, greeting);
  co_return r ? *r : "Could not change the voicemail: " + r.err().message + ".";
}

// sms and call: the customer's thread on the teammate's own line (made if new).
asio::awaitable<std::string> cmd_sms_or_call(api_context& ctx, const principal& p,
                                             const teams::command& c) {
  bool call = c.kind == teams::command_kind::call;
  auto dest = c.number;
  auto text = c.text;
  // Agents hear the thread's item after the commit.
  auto r = co_await services::sms_or_call_from_teams(ctx, p, call, dest, text);
  if (!r) co_return std::string(call ? "Cannot call: " : "Not sent: ") + r.err().message + ".";
  co_return *r;
}

asio::awaitable<std::string> cmd_link(api_context& ctx, const activity_info& a, const principal& p,
                                      const teams::command& c) {
  if (a.conversation_type != "channel" || a.channel_id.empty())
    co_return "Run link in the channel (mention me there) where the conversations should be "
              "posted.";
  if (!c.team.empty() && require(p, "teams.manage"))
    co_return "Only admins can link a team's channel.";
  auto team = c.team;
  tms::channel_link where;
  where.service_url = a.service_url;
  where.channel_id = a.channel_id;
  where.team_id = a.team_id;
  where.tenant_id = a.tenant_id;
  auto r = co_await services::link_teams_channel(ctx, p, team, where);
  co_return r ? *r : "Could not link this channel: " + r.err().message + ".";
}

asio::awaitable<void> run_command(api_context& ctx, teams_link& link, const activity_info& a,
                                  const principal& p, const std::string& text) {
  auto parsed = teams::parse_command(text);
  std::string reply;
  if (!parsed.cmd) {
    reply = parsed.error;
  } else {
    auto& c = *parsed.cmd;
    auto& spec = teams::spec_of(c.kind);
    if (!spec.permission.empty() && require(p, spec.permission)) {
      reply = spec.admin ? "Only admins can " + std::string(spec.name) + " numbers."
                         : "Your role does not allow " + std::string(spec.name) + ".";
    } else {
      switch (c.kind) {
        case teams::command_kind::help:
          reply = teams::help_text();
          break;
        case teams::command_kind::status:
          reply = co_await cmd_status(ctx, p);
          break;
        case teams::command_kind::available:
        case teams::command_kind::away: {
          std::string availability = c.kind == teams::command_kind::away ? "away" : "available";
          reply = co_await cmd_availability(ctx, p, availability);
          break;
        }
        case teams::command_kind::provision:
          reply = co_await cmd_provision(ctx, link, p, c);
          break;
        case teams::command_kind::assign:
          reply = co_await cmd_assign(ctx, p, c);
          break;
        case teams::command_kind::unprovision:
          reply = co_await cmd_unprovision(ctx, link, p, c);
          break;
        case teams::command_kind::voicemail:
          reply = co_await cmd_voicemail(ctx, p, c);
          break;
        case teams::command_kind::sms:
        case teams::command_kind::call:
          reply = co_await cmd_sms_or_call(ctx, p, c);
          break;
        case teams::command_kind::link:
          reply = co_await cmd_link(ctx, a, p, c);
          break;
      }
    }
  }
  co_await answer(ctx, a, p.workspace_id, reply);
}

// A Teams user who is no teammate yet: say how to become one. Nothing else happens.
asio::awaitable<void> answer_stranger(api_context& ctx, const activity_info& a) {
  auto tenant = a.tenant_id;
  auto ws = co_await services::workspace_of_tenant(ctx, tenant);
  if (!ws || !*ws) co_return;
  auto text =
      "I don't know you yet, so I can't act for you. Ask an admin to link your Teams account to "
      "your "
      "Switchboard teammate: PATCH /api/v1/teammates/{id} with {\"teams_user_id\": \"" +
      a.aad_object_id + "\"}.";
  auto w = **ws;
  co_await answer(ctx, a, w, text);
}

asio::awaitable<void> on_message(api_context& ctx, teams_link& link, const activity_info& a) {
  auto aad = a.aad_object_id;
  auto thread_id = a.conversation_id;
  auto who = co_await services::teams_sender_of(ctx, aad, thread_id);
  if (!who) {
    spdlog::warn("teams: could not look up the sender: {}", who.err().message);
    co_return;
  }
  if (!who->teammate) {
    spdlog::info("teams: message from unlinked Teams user {}", aad);
    co_await answer_stranger(ctx, a);
    co_return;
  }
  auto& tm = *who->teammate;
  principal p{tm.workspace_id, tm.id, tm.role, tm.name, false};
  if (a.value.is_object() && a.value.value("action", std::string()) == teams::call_back_action) {
    co_await call_back(ctx, a, p);
    co_return;
  }
  auto text = teams::clean_text(a.text);
  if (who->thread && who->thread->workspace_id == p.workspace_id) {
    auto& th = *who->thread;
    co_await thread_reply(ctx, a, p, th, text);
    co_return;
  }
  co_await run_command(ctx, link, a, p, text);
}

asio::awaitable<response> on_activity(api_context& ctx, teams_link& link, request& req) {
  if (!ctx.teams.enabled()) {
    // Off: refuse without asking Microsoft for keys.
    spdlog::warn("teams: activity refused (request {} from {}): teams.app_id is not set",
                 req.request_id, req.remote);
    co_return response::error(401, "NOT_AUTHENTICATED", "a valid Bot Framework token is required");
  }
  auto body = json::parse(req.body, nullptr, false);
  auto ex = co_await asio::this_coro::executor;
  auto& keys = link.get_keys(ex, ctx.teams);
  auto authorization = std::string(req.headers.get("Authorization").value_or(""));
  auto now = ctx.now();
  // Nothing in the body is used before the token is verified (which needs the
  // body's channelId and serviceUrl to compare with the token's claims).
  auto verdict = co_await teams::authenticate_activity(keys, ctx.teams, authorization, body, now);
  if (!verdict.ok) {
    spdlog::warn("teams: activity rejected (request {} from {}): {}", req.request_id, req.remote,
                 verdict.reason);
    co_return response::error(401, "NOT_AUTHENTICATED", "a valid Bot Framework token is required");
  }
  auto a = read_activity(body);
  // A single-tenant bot acts only for its own organisation.
  if (!ctx.teams.tenant_id.empty() && a.tenant_id != ctx.teams.tenant_id) {
    spdlog::warn("teams: activity from tenant '{}' ignored (request {}): teams.tenant_id is {}",
                 a.tenant_id, req.request_id, ctx.teams.tenant_id);
    co_return response::json(200, json::object());
  }
  if (a.type == "message") co_await on_message(ctx, link, a);
  co_return response::json(200, json::object());
}

}  // namespace

void add_teams_routes(http::router& r, api_context& ctx) {
  auto link = std::make_shared<teams_link>();
  r.add("POST", "/api/teams/messages",
        [&ctx, link](request& q) { return on_activity(ctx, *link, q); });
}

}  // namespace switchboard::api
