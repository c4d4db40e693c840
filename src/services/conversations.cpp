// The inbox's store jobs over the unit of work (issue 17: they used to sit in
// api/conversation_routes.cpp), and the events their commits publish.
#include "switchboard/services/conversations.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/services/webhooks.hpp"

#include "switchboard/core/validate.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/services/reply.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/visitors.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<std::vector<store::conversation>>> list_conversations(context& ctx, id_t ws,
                                                                             store::conversations::list_filter f) {
  if (f.q) {
    // The search index trails the newest messages under load; bring it up to date.
    auto flushed = co_await ctx.db.flush();
    if (!flushed) co_return flushed.err();
  }
  auto job = [ws, f](store::unit_of_work& uow) { return uow.conversations().list(ws, f); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<created_conversation>> create_conversation(context& ctx, store::principal who,
                                                                  store::conversation c, std::string first_body) {
  auto job = [c0 = c, who, first_body](store::unit_of_work& uow) {
    auto c = c0;  // the job may run twice: never change the captures
    if (!uow.contacts().find(c.workspace_id, c.contact_id))
      throw store::job_error("INVALID_INPUT", "contact_id: no such contact");
    if (c.assignee_id) {
      auto t = uow.teammates().find(c.workspace_id, *c.assignee_id);
      if (!t) throw store::job_error("INVALID_INPUT", "assignee_id: no such teammate");
      if (t->role == "viewer") throw store::job_error("INVALID_INPUT", "assignee_id: viewers cannot be assigned");
    }
    if (c.team_id) {
      auto team = uow.teams().find(c.workspace_id, *c.team_id);
      if (!team) throw store::job_error("INVALID_INPUT", "team_id: no such team");
      if (!c.assignee_id && team->round_robin)
        c.assignee_id = uow.teams().next_round_robin(c.workspace_id, *c.team_id, c.created_at);
    }
    created_conversation out;
    auto id = add_conversation(uow, c);
    if (!trim(first_body).empty()) {
      if (c.channel == "sms" && opted_out_of_texts(uow, c.workspace_id, *uow.conversations().find(c.workspace_id, id)))
        throw store::job_error("OPTED_OUT", opted_out_reason);  // and the conversation is not created
      store::message m;
      m.workspace_id = c.workspace_id;
      m.conversation_id = id;
      m.direction = "outbound";
      m.sender_kind = "teammate";
      m.sender_id = who.teammate_id;
      m.channel = c.channel;
      m.body = expand_canned(uow, c.workspace_id, first_body);
      m.status = m.channel == "chat" ? "delivered" : "queued";  // chat: see queue_reply
      m.created_at = c.created_at;
      auto mid = add_message(uow, m);
      if (m.channel != "chat")
        uow.outbox().enqueue(c.workspace_id, "message.send." + m.channel,
                             {{"message_id", mid}, {"conversation_id", id}, {"channel", m.channel}}, c.created_at);
      out.first = uow.messages().find(c.workspace_id, mid);
    }
    out.conversation = *uow.conversations().find(c.workspace_id, id);
    webhook_events events(uow, c.workspace_id, c.created_at);
    events.emit("conversation.created", to_json(out.conversation), c.contact_id);
    if (out.first) events.emit("message.created", to_json(*out.first), c.contact_id);
    return out;
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) co_return created;
  auto ws = who.workspace_id;
  ctx.hub.publish(ws, "agents", "conversation.created", to_json(created->conversation));
  if (auto& first = created->first) {
    if (first->channel == "sms" && ctx.outbox_ready) ctx.outbox_ready();
    ctx.hub.publish(ws, "agents", "message.created", to_json(*first));
    // A chat an agent starts has no starting visitor: only the contact's verified sessions see it.
    if (first->channel == "chat")
      ctx.hub.publish(ws, visitor_topic(created->conversation.contact_id), "message.created",
                      visitor_message_json(*first));
  }
  co_return created;
}

asio::awaitable<result<std::optional<conversation_view>>> conversation_of(context& ctx, id_t ws, id_t cid) {
  auto job = [ws, cid](store::unit_of_work& uow) -> std::optional<conversation_view> {
    auto c = uow.conversations().find(ws, cid);
    if (!c) return std::nullopt;
    auto plan = plan_reply_for(uow, ws, *c);
    bool opted_out = opted_out_of_texts(uow, ws, *c);
    if (opted_out) plan = routing::without_sms(std::move(plan), opted_out_reason);
    return conversation_view{std::move(*c), std::move(plan), opted_out};
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::conversation>> update_conversation(context& ctx, id_t ws, id_t cid,
                                                                 store::conversations::patch p) {
  auto at = now_text(ctx);
  auto job = [ws, cid, p, at](store::unit_of_work& uow) {
    auto before = uow.conversations().find(ws, cid);
    if (!before) throw store::job_error("NOT_FOUND", "conversation not found");
    if (p.assignee_id && *p.assignee_id) {
      auto t = uow.teammates().find(ws, **p.assignee_id);
      if (!t) throw store::job_error("INVALID_INPUT", "assignee_id: no such teammate");
      if (t->role == "viewer") throw store::job_error("INVALID_INPUT", "assignee_id: viewers cannot be assigned");
    }
    if (p.team_id && *p.team_id && !uow.teams().find(ws, **p.team_id))
      throw store::job_error("INVALID_INPUT", "team_id: no such team");
    update_conversation(uow, ws, cid, p, at);
    auto after = *uow.conversations().find(ws, cid);
    emit_conversation_change(uow, *before, after, at);
    // Resolved now: its CSAT survey, in the same write (issue 21).
    auto survey = send_csat_survey(uow, *before, after, at);
    std::optional<std::string> starter;
    if (survey && survey->survey.channel == "widget") starter = uow.widget().starter_of(ws, cid);
    return std::make_tuple(after, survey, starter);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return w.err();
  auto& [updated, survey, starter] = *w;
  ctx.hub.publish(ws, "agents", "conversation.updated", to_json(updated));
  if (survey) publish_csat_sent(ctx, *survey, updated, starter);
  co_return updated;
}

asio::awaitable<result<std::optional<std::vector<store::message>>>> conversation_thread(context& ctx, id_t ws,
                                                                                      id_t cid,
                                                                                      std::optional<id_t> after,
                                                                                      int limit) {
  auto job = [ws, cid, after, limit](store::unit_of_work& uow) {
    std::optional<std::vector<store::message>> out;
    if (uow.conversations().find(ws, cid)) out = uow.messages().thread(ws, cid, after, limit, true);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::optional<conversation_export>>> export_conversation(context& ctx, id_t ws, id_t cid) {
  auto job = [ws, cid](store::unit_of_work& uow) -> std::optional<conversation_export> {
    auto c = uow.conversations().find(ws, cid);
    if (!c) return std::nullopt;
    conversation_export out{*c, uow.contacts().find(ws, c->contact_id), {}};
    std::optional<id_t> after;
    for (;;) {
      auto chunk = uow.messages().thread(ws, cid, after, 500, true);
      out.messages.insert(out.messages.end(), chunk.begin(), chunk.end());
      if (chunk.size() < 500) break;
      after = chunk.back().id;
    }
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<store::canned_response>>> list_canned(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.conversations().list_canned(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::canned_response>> create_canned(context& ctx, id_t ws, std::string shortcut,
                                                              std::string body) {
  auto at = now_text(ctx);
  auto job = [ws, shortcut, body, at](store::unit_of_work& uow) {
    return uow.conversations().insert_canned(ws, shortcut, body, at);
  };
  auto id = co_await ctx.db.write(std::move(job));
  if (!id) co_return id.err();
  co_return store::canned_response{*id, shortcut, body, at};
}

asio::awaitable<result<store::canned_response>> update_canned(context& ctx, id_t ws, id_t id,
                                                              std::optional<std::string> shortcut,
                                                              std::optional<std::string> body) {
  auto job = [ws, id, shortcut, body](store::unit_of_work& uow) {
    auto row = uow.conversations().update_canned(ws, id, shortcut, body);
    if (!row) throw store::job_error("NOT_FOUND", "canned response not found");
    return *row;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> delete_canned(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) {
    if (!uow.conversations().delete_canned(ws, id)) throw store::job_error("NOT_FOUND", "canned response not found");
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<store::label>>> list_labels(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.conversations().list_labels(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::label>> create_label(context& ctx, id_t ws, std::string name, std::string color) {
  auto at = now_text(ctx);
  auto job = [ws, name, color, at](store::unit_of_work& uow) {
    return uow.conversations().insert_label(ws, name, color, at);
  };
  auto id = co_await ctx.db.write(std::move(job));
  if (!id) co_return id.err();
  co_return store::label{*id, name, color, at};
}

asio::awaitable<result<void>> delete_label(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) {
    if (!uow.conversations().delete_label(ws, id)) throw store::job_error("NOT_FOUND", "label not found");
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
