// The Teams bot's store jobs over the unit of work (issue 17: they used to sit in
// api/teams_routes.cpp, beside the activity's verification and parsing).
#include "switchboard/services/teams_bot.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/click_to_call.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/teams/cards.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::services {

using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

namespace {

// After a write that created or changed a thread item: the same events as the API's.
void publish_item(context& ctx, const store::conversation& c, bool created, const store::message& m) {
  ctx.hub.publish(c.workspace_id, "agents", created ? "conversation.created" : "conversation.updated", to_json(c));
  ctx.hub.publish(c.workspace_id, "agents", "message.created", to_json(m));
  if (ctx.outbox_ready) ctx.outbox_ready();
}

std::variant<id_t, std::string> find_member(store::unit_of_work& uow, const store::principal& p,
                                            const std::string& who) {
  if (who == "me") return p.teammate_id;
  auto low = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  auto want = low(who);
  std::vector<id_t> exact, first;
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

std::string line_text(const store::numbers::number_row& n) {
  return carriers::format_display(n.number) + " (" + n.carrier + ")";
}

}  // namespace

asio::awaitable<result<teams_sender>> teams_sender_of(context& ctx, std::string aad, std::string thread_id) {
  auto job = [aad, thread_id](store::unit_of_work& uow) {
    teams_sender s;
    if (!aad.empty()) s.teammate = uow.teams_links().teammate_by_user(aad);
    if (!thread_id.empty()) s.thread = uow.teams_links().thread_by_teams_id(thread_id);
    return s;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::optional<id_t>>> workspace_of_tenant(context& ctx, std::string tenant) {
  auto job = [tenant](store::unit_of_work& uow) { return uow.teams_links().workspace_for_tenant(tenant); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<void>> queue_teams_answer(context& ctx, id_t ws, json payload) {
  auto at = now_text(ctx);
  auto job = [ws, payload, at](store::unit_of_work& uow) { uow.outbox().enqueue(ws, teams::reply_kind, payload, at); };
  auto r = co_await ctx.db.write(std::move(job));
  if (r && ctx.outbox_ready) ctx.outbox_ready();
  co_return r;
}

asio::awaitable<result<reply_result>> reply_from_teams(context& ctx, store::principal p, id_t cid, std::string text,
                                                       bool is_private, json answer) {
  auto at = now_text(ctx);
  auto job = [p, cid, text, is_private, at, answer](store::unit_of_work& uow) {
    auto r = queue_reply(uow, p, cid, text, is_private, std::nullopt, at);
    auto confirm = is_private ? std::string("Saved as a private note.")
                              : "Sent to " + teams::customer_name(r.conversation) + " by " + r.message.channel + ".";
    auto payload = answer;
    payload["activity"] = teams::text_activity(confirm);
    uow.outbox().enqueue(p.workspace_id, teams::reply_kind, payload, at);
    return r;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r;
  publish_reply(ctx, *r);
  if (ctx.outbox_ready) ctx.outbox_ready();
  co_return r;
}

asio::awaitable<result<void>> call_back_from_teams(context& ctx, store::principal p, id_t cid, json answer) {
  auto at = now_text(ctx);
  auto ws = p.workspace_id;
  auto tid = p.teammate_id;
  auto job = [ws, tid, cid, at, answer](store::unit_of_work& uow) {
    auto item = queue_click_to_call(uow, ws, tid, cid, at);
    auto c = uow.conversations().find(ws, cid);
    auto payload = answer;
    payload["activity"] = teams::text_activity("Calling your phone; answer it and you will be connected to " +
                                               teams::customer_name(*c) + ".");
    uow.outbox().enqueue(ws, teams::reply_kind, payload, at);
    return std::make_pair(*c, item);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r.err();
  publish_item(ctx, r->first, false, r->second);
  co_return result<void>{};
}

asio::awaitable<result<std::string>> teams_status(context& ctx, store::principal p) {
  auto job = [p](store::unit_of_work& uow) {
    auto me = uow.teammates().find(p.workspace_id, p.teammate_id);
    std::string out = "**" + (me ? me->name : p.name) + "**: " + (me ? me->availability : "unknown") + ".\n\n";
    std::string lines;
    for (auto& n : uow.numbers().list(p.workspace_id))
      if (n.status == "active" && n.owner_teammate_id == p.teammate_id)
        lines += (lines.empty() ? "" : ", ") + line_text(n);
    out += "Numbers: " + (lines.empty() ? std::string("none") : lines) + ".\n\n";
    auto link = uow.teams_links().channel_of(p.workspace_id, "teammate", p.teammate_id);
    out += link ? "Your conversations are posted to a linked channel, one thread each."
                : "No channel is linked: run link in the channel where your conversations should go.";
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::teammate>> set_availability(context& ctx, store::principal p, std::string availability) {
  auto at = now_text(ctx);
  auto job = [p, availability, at](store::unit_of_work& uow) {
    store::teammates::patch patch;
    patch.availability = availability;
    uow.teammates().update(p.workspace_id, p.teammate_id, patch, at);
    return *uow.teammates().find(p.workspace_id, p.teammate_id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return r;
  ctx.hub.publish(p.workspace_id, "agents", "teammate.updated", to_json(*r));
  ctx.hub.publish(p.workspace_id, "agents", "presence",
                  {{"teammate_id", id_str(p.teammate_id)}, {"availability", availability}});
  co_return r;
}

asio::awaitable<result<std::variant<id_t, std::string>>> find_teams_member(context& ctx, store::principal p,
                                                                          std::string who) {
  auto job = [p, who](store::unit_of_work& uow) { return find_member(uow, p, who); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::string>> assign_number_from_teams(context& ctx, store::principal p, std::string who,
                                                              std::string number) {
  auto job = [p, who, number](store::unit_of_work& uow) -> std::string {
    auto member = find_member(uow, p, who);
    if (auto* why = std::get_if<std::string>(&member)) return *why;
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != p.workspace_id) return carriers::format_display(number) + " is not one of our numbers.";
    uow.numbers().set_owner(p.workspace_id, n->id, std::get<id_t>(member), std::nullopt);
    return carriers::format_display(number) + " now belongs to " + (who == "me" ? std::string("you") : who) + ".";
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::optional<id_t>>> active_number_id(context& ctx, id_t ws, std::string number) {
  auto job = [ws, number](store::unit_of_work& uow) -> std::optional<id_t> {
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != ws) return std::nullopt;
    return n->id;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::string>> voicemail_from_teams(context& ctx, store::principal p,
                                                          std::function<bool(std::string_view)> may,
                                                          std::string number, std::string greeting) {
  auto at = now_text(ctx);
  auto job = [p, may, number, greeting, at](store::unit_of_work& uow) -> std::string {
    auto n = uow.numbers().find_active(number);
    if (!n || n->workspace_id != p.workspace_id) return carriers::format_display(number) + " is not one of our numbers.";
    std::string kind = n->owner_teammate_id ? "teammate" : n->owner_team_id ? "team" : "";
    if (kind.empty()) return carriers::format_display(number) + " has no owner, so no voicemail of its own.";
    auto owner = n->owner_teammate_id ? *n->owner_teammate_id : *n->owner_team_id;
    if (greeting.empty()) {
      auto s = uow.routing().settings_of(p.workspace_id, kind, owner);
      return s.voicemail_greeting
                 ? "Voicemail greeting of " + carriers::format_display(number) + ": " + *s.voicemail_greeting
                 : carriers::format_display(number) + " uses the default voicemail greeting.";
    }
    // The same rule as PATCH …/routing: your own line, or an admin's.
    auto needed = kind == "team" ? "teams.manage" : owner == p.teammate_id ? "me.update" : "teammates.manage";
    if (!may(needed)) return "You may not change the voicemail of " + carriers::format_display(number) + ".";
    if (greeting.size() > 1000) return "A greeting is at most 1000 characters.";
    store::routing::settings_patch patch;
    patch.voicemail_greeting = greeting;
    uow.routing().update_settings(p.workspace_id, kind, owner, patch, at);
    return "Voicemail greeting of " + carriers::format_display(number) + " set.";
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::string>> sms_or_call_from_teams(context& ctx, store::principal p, bool call,
                                                            std::string dest, std::string text) {
  auto at = now_text(ctx);
  struct done {
    store::conversation conversation;
    bool created = false;
    store::message item;
    std::string answer;
  };
  auto public_url = ctx.carriers.public_url;
  auto job = [p, call, dest, text, at, public_url](store::unit_of_work& uow) -> done {
    std::optional<store::numbers::number_row> line;
    for (auto& n : uow.numbers().list(p.workspace_id))
      if (n.status == "active" && n.owner_teammate_id == p.teammate_id && !line) line = n;
    if (!line) throw store::job_error("INVALID_INPUT", "you have no business number; an admin can provision one");
    // Loop guard: never one of our lines, never a teammate's own phone.
    if (uow.numbers().find_active(dest) || uow.numbers().is_physical_number(dest))
      throw store::job_error("INVALID_INPUT", carriers::format_display(dest) + " is not a customer's number");
    auto th = resolve_thread(uow, *line, dest, call ? "voice" : "sms", at);
    done out;
    out.created = th.created;
    if (call) {
      out.item = queue_click_to_call(uow, p.workspace_id, p.teammate_id, th.conversation_id, at);
      out.conversation = *uow.conversations().find(p.workspace_id, th.conversation_id);
      out.answer = "Calling your phone; answer it and you will be connected to " +
                   teams::customer_name(out.conversation) + " from " + carriers::format_display(line->number) + ".";
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
  if (!r) co_return r.err();
  publish_item(ctx, r->conversation, r->created, r->item);
  co_return r->answer;
}

asio::awaitable<result<std::string>> link_teams_channel(context& ctx, store::principal p, std::string team,
                                                        store::teams::channel_link where) {
  auto at = now_text(ctx);
  auto job = [p, team, where, at](store::unit_of_work& uow) -> std::string {
    auto l = where;
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
    l.linked_by = p.teammate_id;
    uow.teams_links().link_channel(l, at);
    return whose + " customer conversations will be posted here, one thread each.";
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
