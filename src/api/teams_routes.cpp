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
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/routing.hpp"
#include "switchboard/store/teammates.hpp"
#include "switchboard/store/teams.hpp"
#include "switchboard/teams/cards.hpp"
#include "switchboard/teams/commands.hpp"
#include "switchboard/teams/connector.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::api {
namespace {

namespace conv = store::conversations;
namespace nums = store::numbers;
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
  auto at = now_text(ctx);
  auto job = [ws, payload, at](store::unit_of_work& uow) {
    uow.outbox().enqueue(ws, teams::reply_kind, payload, at);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) {
    spdlog::warn("teams: could not queue an answer: {}", r.err().message);
    co_return;
  }
  if (ctx.outbox_ready) ctx.outbox_ready();
}

// After a write that created or changed a thread item: the same events as the API's.
void publish_item(api_context& ctx, const store::conversation& c, bool created,
                  const store::message& m) {
  ctx.hub.publish(c.workspace_id, "agents",
                  created ? "conversation.created" : "conversation.updated", to_json(c));
  ctx.hub.publish(c.workspace_id, "agents", "message.created", to_json(m));
  if (ctx.outbox_ready) ctx.outbox_ready();
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
  auto at = now_text(ctx);
  auto cid = th.conversation_id;
  auto base = answer_payload(a, "");
  auto job = [p, cid, text, is_private, at, base](store::unit_of_work& uow) {
    auto r = queue_reply(uow, p, cid, text, is_private, std::nullopt, at);
    auto confirm = is_private ? std::string("Saved as a private note.")
                              : "Sent to " + teams::customer_name(r.conversation) + " by " +
                                    r.message.channel + ".";
    auto payload = base;
    payload["activity"] = teams::text_activity(confirm);
    uow.outbox().enqueue(p.workspace_id, teams::reply_kind, payload, at);
    return r;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) {
    auto why = "Not sent: " + r.err().message + ".";
    co_await answer(ctx, a, p.workspace_id, why);
    co_return;
  }
  publish_reply(ctx, *r);
  if (ctx.outbox_ready) ctx.outbox_ready();
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
  auto at = now_text(ctx);
  auto ws = p.workspace_id;
  auto tid = p.teammate_id;
  auto id = *cid;
  auto base = answer_payload(a, "");
  auto job = [ws, tid, id, at, base](store::unit_of_work& uow) {
    auto item = queue_click_to_call(uow, ws, tid, id, at);
    auto c = uow.conversations().find(ws, id);
    auto payload = base;
    payload["activity"] =
        teams::text_activity("Calling your phone; answer it and you will be connected to " +
                             teams::customer_name(*c) + ".");
    uow.outbox().enqueue(ws, teams::reply_kind, payload, at);
    return std::make_pair(*c, item);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) {
    auto why = "Cannot call: " + r.err().message + ".";
    co_await answer(ctx, a, ws, why);
    co_return;
  }
  publish_item(ctx, r->first, false, r->second);
}

// ---- commands ------------------------------------------------------------------

// "me", an email or a name (whole or first name, when only one teammate has it).
std::variant<store::id_t, std::string> find_member(store::unit_of_work& uow, const principal& p,
                                                   const std::string& who) {
  if (who == "me") return p.teammate_id;
  auto low = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  auto want = low(who);
  std::vector<store::id_t> exact, first;
  for (auto& t : uow.teammates().list(p.workspace_id)) {
    if (low(t.email) == want || low(t.name) == want) exact.push_back(t.id);
    auto space = t.name.find(' ');
    if (low(t.name.substr(0, space)) == want) first.push_back(t.id);
  }
  if (exact.size() == 1) return exact.front();
  if (exact.empty() && first.size() == 1) return first.front();
  if (exact.empty() && first.empty()) return "No teammate is called " + who + ".";
  return "More than one teammate matches " + who + "; use their email.";
}

std::string line_text(const nums::number_row& n) {
  return carriers::format_display(n.number) + " (" + n.carrier + ")";
}

asio::awaitable<std::string> cmd_status(api_context& ctx, const principal& p) {
  auto job = [p](store::unit_of_work& uow) {
    auto me = uow.teammates().find(p.workspace_id, p.teammate_id);
    std::string out =
        "**" + (me ? me->name : p.name) + "**: " + (me ? me->availability : "unknown") + ".\n\n";
    std::string lines;
    for (auto& n : uow.numbers().list(p.workspace_id))
      if (n.status == "active" && n.owner_teammate_id == p.teammate_id)
        lines += (lines.empty() ? "" : ", ") + line_text(n);
    out += "Numbers: " + (lines.empty() ? std::string("none") : lines) + ".\n\n";
    auto link = uow.teams_links().channel_of(p.workspace_id, "teammate", p.teammate_id);
    out +=
        link ? "Your conversations are posted to a linked channel, one thread each."
             : "No channel is linked: run link in the channel where your conversations should go.";
    return out;
  };
  auto r = co_await ctx.db.read(std::move(job));
  co_return r ? *r : "Status is not available right now.";
}

asio::awaitable<std::string> cmd_availability(api_context& ctx, const principal& p,
                                              const std::string& availability) {
  auto at = now_text(ctx);
  auto job = [p, availability, at](store::unit_of_work& uow) {
    store::teammates::patch patch;
    patch.availability = availability;
    uow.teammates().update(p.workspace_id, p.teammate_id, patch, at);
    return *uow.teammates().find(p.workspace_id, p.teammate_id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return "Could not change your availability: " + r.err().message + ".";
  ctx.hub.publish(p.workspace_id, "agents", "teammate.updated", to_json(*r));
  ctx.hub.publish(p.workspace_id, "agents", "presence",
                  {{"teammate_id", id_str(p.teammate_id)}, {"availability", availability}});
  co_return availability == "available" ? "You are available."
                                        : "You are away: callers reach your voicemail.";
}

asio::awaitable<std::string> cmd_provision(api_context& ctx, teams_link& link, const principal& p,
                                           const teams::command& c) {
  auto who = c.member;
  auto find = [p, who](store::unit_of_work& uow) { return find_member(uow, p, who); };
  auto member = co_await ctx.db.read(std::move(find));
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
  auto job = [p, who, number](store::unit_of_work& uow) -> std::string {
    auto member = find_member(uow, p, who);
    if (auto* why = std::get_if<std::string>(&member)) return *why;
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != p.workspace_id)
      return carriers::format_display(number) + " is not one of our numbers.";
    uow.numbers().set_owner(p.workspace_id, n->id, std::get<store::id_t>(member), std::nullopt);
    return carriers::format_display(number) + " now belongs to " +
           (who == "me" ? std::string("you") : who) + ".";
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return r ? *r : "Could not assign: " + r.err().message + ".";
}

asio::awaitable<std::string> cmd_unprovision(api_context& ctx, teams_link& link, const principal& p,
                                             const teams::command& c) {
  auto ws = p.workspace_id;
  auto number = c.number;
  auto look = [ws, number](store::unit_of_work& uow) -> std::optional<store::id_t> {
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != ws) return std::nullopt;
    return n->id;
  };
  auto id = co_await ctx.db.read(std::move(look));
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
  auto at = now_text(ctx);
  auto job = [p, number, greeting, at](store::unit_of_work& uow) -> std::string {
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != p.workspace_id)
      return carriers::format_display(number) + " is not one of our numbers.";
    std::string kind = n->owner_teammate_id ? "teammate" : n->owner_team_id ? "team" : "";
    if (kind.empty())
      return carriers::format_display(number) + " has no owner, so no voicemail of its own.";
    auto owner = n->owner_teammate_id ? *n->owner_teammate_id : *n->owner_team_id;
    if (greeting.empty()) {
      auto s = uow.routing().settings_of(p.workspace_id, kind, owner);
      return s.voicemail_greeting
                 ? "Voicemail greeting of " + carriers::format_display(number) + ": " +
                       *s.voicemail_greeting
                 : carriers::format_display(number) + " uses the default voicemail greeting.";
    }
    // The same rule as PATCH …/routing: your own line, or an admin's.
    auto needed = kind == "team"           ? "teams.manage"
                  : owner == p.teammate_id ? "me.update"
                                           : "teammates.manage";
    if (require(p, needed))
      return "You may not change the voicemail of " + carriers::format_display(number) + ".";
    if (greeting.size() > 1000) return "A greeting is at most 1000 characters.";
    store::routing::settings_patch patch;
    patch.voicemail_greeting = greeting;
    uow.routing().update_settings(p.workspace_id, kind, owner, patch, at);
    return "Voicemail greeting of " + carriers::format_display(number) + " set.";
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return r ? *r : "Could not change the voicemail: " + r.err().message + ".";
}

// sms and call: the customer's thread on the teammate's own line (made if new).
asio::awaitable<std::string> cmd_sms_or_call(api_context& ctx, const principal& p,
                                             const teams::command& c) {
  bool call = c.kind == teams::command_kind::call;
  auto dest = c.number;
  auto text = c.text;
  auto at = now_text(ctx);
  struct done {
    store::conversation conversation;
    bool created = false;
    store::message item;
    std::string answer;
  };
  auto public_url = ctx.carriers.public_url;
  auto job = [p, call, dest, text, at, public_url](store::unit_of_work& uow) -> done {
    std::optional<nums::number_row> line;
    for (auto& n : uow.numbers().list(p.workspace_id))
      if (n.status == "active" && n.owner_teammate_id == p.teammate_id && !line) line = n;
    if (!line)
      throw store::job_error("INVALID_INPUT",
                             "you have no business number; an admin can provision one");
    // Loop guard: never one of our lines, never a teammate's own phone.
    if (uow.numbers().find_active(dest) || uow.numbers().is_physical_number(dest))
      throw store::job_error("INVALID_INPUT",
                             carriers::format_display(dest) + " is not a customer's number");
    auto th = resolve_thread(uow, *line, dest, call ? "voice" : "sms", at);
    done out;
    out.created = th.created;
    if (call) {
      out.item = queue_click_to_call(uow, p.workspace_id, p.teammate_id, th.conversation_id, at);
      out.conversation = *uow.conversations().find(p.workspace_id, th.conversation_id);
      out.answer = "Calling your phone; answer it and you will be connected to " +
                   teams::customer_name(out.conversation) + " from " +
                   carriers::format_display(line->number) + ".";
    } else {
      auto r = queue_reply(uow, p, th.conversation_id, text, false, std::string("sms"), at);
      teams::mirror_item(uow, r.message, public_url, at);
      out.item = r.message;
      out.conversation = r.conversation;
      out.answer = "Texted " + teams::customer_name(out.conversation) + " from " +
                   carriers::format_display(line->number) + ".";
    }
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return std::string(call ? "Cannot call: " : "Not sent: ") + r.err().message + ".";
  publish_item(ctx, r->conversation, r->created, r->item);
  co_return r->answer;
}

asio::awaitable<std::string> cmd_link(api_context& ctx, const activity_info& a, const principal& p,
                                      const teams::command& c) {
  if (a.conversation_type != "channel" || a.channel_id.empty())
    co_return "Run link in the channel (mention me there) where the conversations should be "
              "posted.";
  if (!c.team.empty() && require(p, "teams.manage"))
    co_return "Only admins can link a team's channel.";
  auto at = now_text(ctx);
  auto team = c.team;
  auto info = a;
  auto job = [p, team, info, at](store::unit_of_work& uow) -> std::string {
    tms::channel_link l;
    l.workspace_id = p.workspace_id;
    l.owner_kind = "teammate";
    l.owner_id = p.teammate_id;
    std::string whose = "Your";
    if (!team.empty()) {
      std::optional<store::team> found;
      for (auto& t : uow.teams().list(p.workspace_id))
        if (trim(t.name) == team) found = t;
      if (!found) return "No team is called " + team + ".";
      l.owner_kind = "team";
      l.owner_id = found->id;
      whose = found->name + "'s";
    }
    l.service_url = info.service_url;
    l.channel_id = info.channel_id;
    l.team_id = info.team_id;
    l.tenant_id = info.tenant_id;
    l.linked_by = p.teammate_id;
    uow.teams_links().link_channel(l, at);
    return whose + " customer conversations will be posted here, one thread each.";
  };
  auto r = co_await ctx.db.write(std::move(job));
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
  auto job = [tenant](store::unit_of_work& uow) { return uow.teams_links().workspace_for_tenant(tenant); };
  auto ws = co_await ctx.db.read(std::move(job));
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
  struct sender {
    std::optional<store::teammate> teammate;
    std::optional<tms::thread> thread;
  };
  auto look = [aad, thread_id](store::unit_of_work& uow) {
    sender s;
    if (!aad.empty()) s.teammate = uow.teams_links().teammate_by_user(aad);
    if (!thread_id.empty()) s.thread = uow.teams_links().thread_by_teams_id(thread_id);
    return s;
  };
  auto who = co_await ctx.db.read(std::move(look));
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
