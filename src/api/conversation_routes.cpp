// Conversations, their threads, replies and notes, labels, canned responses, export.
#include <set>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/teammates.hpp"
#include "switchboard/store/widget.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::api {
namespace {

namespace conv = store::conversations;

const std::set<std::string> statuses = {"open", "pending", "snoozed", "resolved"};
const std::set<std::string> priorities = {"low", "normal", "high", "urgent"};
const std::set<std::string> channels = {"sms", "voice", "chat", "teams", "email"};

void publish(api_context& ctx, id_t ws, std::string_view type, const json& data) {
  ctx.hub.publish(ws, "agents", type, data);
}

using services::expand_canned;

result<std::vector<std::string>> parse_labels(const json& v) {
  if (!v.is_array()) return error{"INVALID_FORMAT", "labels must be an array of strings"};
  std::vector<std::string> out;
  for (auto& l : v) {
    if (!l.is_string() || trim(l.get<std::string>()).empty() || l.get<std::string>().size() > 64)
      return error{"INVALID_FORMAT", "each label must be a non-empty string of at most 64 characters"};
    out.push_back(trim(l.get<std::string>()));
  }
  return out;
}

// An optional id field: absent, null (clear), or a string/number id.
result<std::optional<std::optional<id_t>>> id_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) return std::optional<std::optional<id_t>>();
  if (it->is_null()) return std::optional<std::optional<id_t>>(std::optional<id_t>());
  std::optional<id_t> id;
  if (it->is_string()) id = parse_id(it->get<std::string>());
  if (it->is_number_integer() && it->get<std::int64_t>() > 0) id = it->get<std::int64_t>();
  if (!id) return error{"INVALID_FORMAT", std::string(field) + " must be an id"};
  return std::optional<std::optional<id_t>>(id);
}

// The inbox's cursor: the last item's position in (last activity, id) order, as
// "t<activity time>~<id>" (opaque to clients).
std::string make_activity_cursor(const store::conversation& c) {
  std::string out = "t";
  out += c.list_key ? *c.list_key : c.last_message_at.value_or(c.created_at);  // a search's own order
  out += '~';
  out += std::to_string(c.id);
  return out;
}

std::optional<conv::list_filter::position> parse_activity_cursor(std::string_view text) {
  auto tilde = text.rfind('~');
  if (text.size() < 4 || text.front() != 't' || tilde == std::string_view::npos || tilde > 41) return std::nullopt;
  auto at = text.substr(1, tilde - 1);
  // A time as the store writes it (RFC 3339): digits and - : . T Z only.
  if (at.empty() || at.find_first_not_of("0123456789-:.TZ") != std::string_view::npos) return std::nullopt;
  auto id = parse_id(text.substr(tilde + 1));
  if (!id) return std::nullopt;
  return conv::list_filter::position{std::string(at), *id};
}

asio::awaitable<response> list_conversations(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.read");
  if (!who) co_return response::from(who.err());
  conv::list_filter f;
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  f.limit = *limit;
  if (auto s = req.query_param("status"); s && *s != "all") {
    if (!statuses.count(*s)) co_return response::error(400, "INVALID_INPUT", "unknown status " + *s);
    f.status = *s;
  }
  if (auto a = req.query_param("assignee")) {
    using who_t = conv::list_filter::who;
    if (*a == "me") {
      f.assignee = who_t::me;
      f.assignee_id = who->teammate_id;
    } else if (*a == "unassigned") {
      f.assignee = who_t::unassigned;
    } else if (auto id = parse_id(*a)) {
      f.assignee = who_t::teammate;
      f.assignee_id = *id;
    } else {
      co_return response::error(400, "INVALID_INPUT", "assignee must be me, unassigned or an id");
    }
  }
  if (auto i = req.query_param("inbox")) {
    auto id = parse_id(*i);
    if (!id) co_return response::error(400, "INVALID_INPUT", "inbox must be a team id");
    f.team_id = *id;
  }
  if (auto c = req.query_param("contact_id")) {
    auto id = parse_id(*c);
    if (!id) co_return response::error(400, "INVALID_INPUT", "contact_id must be an id");
    f.contact_id = *id;
  }
  if (auto l = req.query_param("label"); l && !l->empty()) f.label = *l;
  if (auto q = req.query_param("q"); q && !trim(*q).empty()) {
    if (q->size() > 256) co_return response::error(400, "INVALID_INPUT", "q is longer than 256 bytes");
    f.q = trim(*q);
  }
  if (f.label && f.label->size() > 64) co_return response::error(400, "INVALID_INPUT", "label is longer than 64 bytes");
  if (auto c = req.query_param("cursor")) {
    f.before = parse_activity_cursor(*c);
    if (!f.before) co_return response::error(400, "INVALID_INPUT", "bad cursor");
  }
  auto ws = who->workspace_id;
  if (f.q) {
    // The search index trails the newest messages under load; bring it up to date.
    auto flushed = co_await ctx.db.flush();
    if (!flushed) co_return store_error(flushed.err());
  }
  auto read_page = [ws, f](store::database& db) { return conv::list(db, ws, f); };
  auto rows = co_await ctx.db.read(std::move(read_page));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(to_json(c));
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) == f.limit) next = make_activity_cursor(rows->back());
  co_return page(std::move(items), next);
}

struct created_conversation {
  store::conversation conversation;
  std::optional<store::message> first;
};

asio::awaitable<response> create_conversation(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.create");
  if (!who) co_return response::from(who.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto contact_id = id_field(*body, "contact_id");
  if (!contact_id) co_return response::from(contact_id.err());
  if (!*contact_id || !**contact_id)
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "contact_id is required");
  auto team_id = id_field(*body, "team_id");
  auto assignee_id = id_field(*body, "assignee_id");
  if (!team_id) co_return response::from(team_id.err());
  if (!assignee_id) co_return response::from(assignee_id.err());
  auto text = opt_string(*body, "body");
  auto channel = opt_string(*body, "channel");
  auto subject = opt_string(*body, "subject");
  if (!text) co_return response::from(text.err());
  if (!channel) co_return response::from(channel.err());
  if (!subject) co_return response::from(subject.err());
  if (*channel && !channels.count(**channel))
    co_return response::error(400, "INVALID_INPUT", "unknown channel " + **channel);
  // Only sms and chat have a dispatcher: a first message on voice, email or teams
  // would stay queued forever (issue 16 item 15).
  if (*text && !trim(**text).empty() && *channel && **channel != "sms" && **channel != "chat")
    co_return response::error(400, "INVALID_INPUT", "a first message can only go out by sms or chat, not " + **channel);

  store::conversation c;
  c.workspace_id = who->workspace_id;
  c.contact_id = ***contact_id;
  c.team_id = *team_id ? **team_id : std::nullopt;
  c.assignee_id = *assignee_id ? **assignee_id : std::nullopt;
  c.channel = channel->value_or("chat");
  c.subject = *subject;
  c.created_at = now_text(ctx);
  auto p = *who;
  auto first_body = text->value_or("");
  auto job = [c0 = c, p, first_body](store::database& db) {
    auto c = c0;  // the job may run twice: never change the captures
    if (!store::contacts::find(db, c.workspace_id, c.contact_id))
      throw store::job_error("INVALID_INPUT", "contact_id: no such contact");
    if (c.assignee_id) {
      auto t = store::teammates::find(db, c.workspace_id, *c.assignee_id);
      if (!t) throw store::job_error("INVALID_INPUT", "assignee_id: no such teammate");
      if (t->role == "viewer")
        throw store::job_error("INVALID_INPUT", "assignee_id: viewers cannot be assigned");
    }
    if (c.team_id) {
      auto team = store::teammates::find_team(db, c.workspace_id, *c.team_id);
      if (!team) throw store::job_error("INVALID_INPUT", "team_id: no such team");
      if (!c.assignee_id && team->round_robin)
        c.assignee_id = store::teammates::next_round_robin(db, c.workspace_id, *c.team_id, c.created_at);
    }
    created_conversation out;
    auto id = conv::insert(db, c);
    if (!trim(first_body).empty()) {
      store::message m;
      m.workspace_id = c.workspace_id;
      m.conversation_id = id;
      m.direction = "outbound";
      m.sender_kind = "teammate";
      m.sender_id = p.teammate_id;
      m.channel = c.channel;
      m.body = expand_canned(db, c.workspace_id, first_body);
      m.status = m.channel == "chat" ? "delivered" : "queued";  // chat: see queue_reply
      m.created_at = c.created_at;
      auto mid = conv::insert_message(db, m);
      if (m.channel != "chat")
        conv::enqueue_outbox(db, c.workspace_id, "message.send." + m.channel,
                           {{"message_id", mid}, {"conversation_id", id}, {"channel", m.channel}},
                           c.created_at);
      out.first = conv::find_message(db, c.workspace_id, mid);
    }
    out.conversation = *conv::find(db, c.workspace_id, id);
    return out;
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) co_return store_error(created.err());
  auto cj = to_json(created->conversation);
  publish(ctx, p.workspace_id, "conversation.created", cj);
  if (created->first) {
    if (created->first->channel == "sms" && ctx.outbox_ready) ctx.outbox_ready();
    cj["messages"] = json::array({to_json(*created->first)});
    publish(ctx, p.workspace_id, "message.created", to_json(*created->first));
    // A chat an agent starts has no starting visitor: only the contact's verified sessions see it.
    if (created->first->channel == "chat")
      ctx.hub.publish(p.workspace_id, visitor_topic(created->conversation.contact_id), "message.created",
                      visitor_message_json(*created->first));
  }
  co_return response::json(201, cj);
}

asio::awaitable<response> get_conversation(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.read");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto ws = who->workspace_id;
  auto cid = *id;
  using found = std::optional<std::pair<store::conversation, routing::reply_plan>>;
  auto read_conversation = [ws, cid](store::database& db) -> found {
    auto c = conv::find(db, ws, cid);
    if (!c) return std::nullopt;
    auto plan = plan_reply_for(db, ws, *c);
    return std::make_pair(std::move(*c), std::move(plan));
  };
  auto c = co_await ctx.db.read(std::move(read_conversation));
  if (!c) co_return store_error(c.err());
  if (!*c) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto j = to_json((*c)->first);
  // For the composer: where a reply goes by default, what else the agent may
  // pick, and why nothing can carry one (issue 16 item 15).
  auto& plan = (*c)->second;
  j["reply"] = {{"channel", plan.channel ? json(*plan.channel) : json(nullptr)},
                {"channels", plan.available},
                {"reason", plan.reason.empty() ? json(nullptr) : json(plan.reason)}};
  co_return response::json(200, j);
}

asio::awaitable<response> patch_conversation(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.update");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  conv::patch p;
  auto status = opt_string(*body, "status");
  auto priority = opt_string(*body, "priority");
  if (!status) co_return response::from(status.err());
  if (!priority) co_return response::from(priority.err());
  if (*status && !statuses.count(**status))
    co_return response::error(400, "INVALID_INPUT", "status must be open, pending, snoozed or resolved");
  if (*priority && !priorities.count(**priority))
    co_return response::error(400, "INVALID_INPUT", "priority must be low, normal, high or urgent");
  p.status = *status;
  p.priority = *priority;
  auto assignee = id_field(*body, "assignee_id");
  auto team = id_field(*body, "team_id");
  if (!assignee) co_return response::from(assignee.err());
  if (!team) co_return response::from(team.err());
  p.assignee_id = *assignee;
  p.team_id = *team;
  if (body->contains("labels")) {
    if (auto e = require(*who, "labels.apply")) co_return response::from(*e);
    auto labels = parse_labels((*body)["labels"]);
    if (!labels) co_return response::from(labels.err());
    p.labels = *labels;
  }
  if (body->contains("snoozed_until")) {
    auto& v = (*body)["snoozed_until"];
    if (p.status && *p.status != "snoozed" && !v.is_null())
      co_return response::error(400, "INVALID_INPUT", "snoozed_until goes with status snoozed");
    if (v.is_null()) {
      // Clearing the snooze reopens the conversation unless a status was given.
      p.snoozed_until = std::optional<std::string>();
      if (!p.status) p.status = "open";
    } else {
      auto t = v.is_string() ? parse_rfc3339(v.get<std::string>()) : std::nullopt;
      if (!t) co_return response::error(400, "INVALID_FORMAT", "snoozed_until must be an RFC 3339 time");
      if (*t <= ctx.now())
        co_return response::error(400, "INVALID_INPUT", "snoozed_until must be in the future");
      p.snoozed_until = format_rfc3339(*t);
      if (!p.status) p.status = "snoozed";
    }
  }
  if (p.status == "snoozed" && !(p.snoozed_until && *p.snoozed_until))
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "snoozing needs snoozed_until");
  if (body->contains("unread_count")) p.unread_count = 0;  // only "mark read" is allowed

  auto ws = who->workspace_id;
  auto cid = *id;
  auto at = now_text(ctx);
  auto job = [ws, cid, p, at](store::database& db) {
    if (!conv::find(db, ws, cid)) throw store::job_error("NOT_FOUND", "conversation not found");
    if (p.assignee_id && *p.assignee_id) {
      auto t = store::teammates::find(db, ws, **p.assignee_id);
      if (!t) throw store::job_error("INVALID_INPUT", "assignee_id: no such teammate");
      if (t->role == "viewer")
        throw store::job_error("INVALID_INPUT", "assignee_id: viewers cannot be assigned");
    }
    if (p.team_id && *p.team_id && !store::teammates::find_team(db, ws, **p.team_id))
      throw store::job_error("INVALID_INPUT", "team_id: no such team");
    conv::update(db, ws, cid, p, at);
    return *conv::find(db, ws, cid);
  };
  auto updated = co_await ctx.db.write(std::move(job));
  if (!updated) co_return store_error(updated.err());
  auto j = to_json(*updated);
  publish(ctx, ws, "conversation.updated", j);
  co_return response::json(200, j);
}

asio::awaitable<response> list_messages(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.read");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto q = parse_page(req);
  if (!q) co_return response::from(q.err());
  auto after = q->after;
  auto ws = who->workspace_id;
  auto cid = *id;
  int n = q->limit;
  auto read_thread_page = [ws, cid, after, n](store::database& db) {
    std::optional<std::vector<store::message>> out;
    if (conv::find(db, ws, cid)) out = conv::thread(db, ws, cid, after, n, true);
    return out;
  };
  auto rows = co_await ctx.db.read(std::move(read_thread_page));
  if (!rows) co_return store_error(rows.err());
  if (!*rows) co_return response::error(404, "NOT_FOUND", "conversation not found");
  json items = json::array();
  for (auto& m : **rows) items.push_back(to_json(m));
  auto next = next_cursor(**rows, n);
  co_return page(std::move(items), next);
}

asio::awaitable<response> post_message(api_context& ctx, request& req) {
  auto who = co_await authenticate(ctx, req);
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto text = opt_string(*body, "body");
  if (!text) co_return response::from(text.err());
  if (!*text || trim(**text).empty())
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "body is required");
  if ((*text)->size() > 16 * 1024)
    co_return response::error(400, "INVALID_INPUT", "body is longer than 16384 bytes");
  bool is_private = false;
  if (auto it = body->find("private"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) co_return response::error(400, "INVALID_FORMAT", "private must be true or false");
    is_private = it->get<bool>();
  }
  if (auto e = require(*who, is_private ? "conversations.note" : "conversations.reply"))
    co_return response::from(*e);
  auto channel = opt_string(*body, "channel");
  if (!channel) co_return response::from(channel.err());
  if (*channel && !channels.count(**channel))
    co_return response::error(400, "INVALID_INPUT", "unknown channel " + **channel);

  auto r = co_await services::send_reply(ctx, *who, *id, **text, is_private, *channel);
  if (!r) co_return store_error(r.err());
  auto mj = to_json(r->message);
  co_return response::json(201, mj);
}

asio::awaitable<response> export_conversation(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "conversations.export");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto ws = who->workspace_id;
  auto cid = *id;
  auto read_export = [ws, cid](store::database& db) -> std::optional<json> {
    auto c = conv::find(db, ws, cid);
    if (!c) return std::nullopt;
    json out = {{"conversation", to_json(*c)}};
    auto contact = store::contacts::find(db, ws, c->contact_id);
    out["contact"] = contact ? to_json(*contact) : json(nullptr);
    json messages = json::array();
    std::optional<id_t> after;
    for (;;) {
      auto chunk = conv::thread(db, ws, cid, after, 500, true);
      for (auto& m : chunk) messages.push_back(to_json(m));
      if (chunk.size() < 500) break;
      after = chunk.back().id;
    }
    out["messages"] = std::move(messages);
    return out;
  };
  auto doc = co_await ctx.db.read(std::move(read_export));
  if (!doc) co_return store_error(doc.err());
  if (!*doc) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto r = response::json(200, **doc);
  r.headers.add("Content-Disposition", "attachment; filename=\"conversation-" + id_str(cid) + ".json\"");
  co_return r;
}

// A shortcut as stored: trimmed, one leading '/' dropped, one word of 1-32 characters.
result<std::string> parse_shortcut(const std::string& raw) {
  std::string sc = trim(raw);
  if (!sc.empty() && sc.front() == '/') sc.erase(0, 1);
  if (sc.empty() || sc.size() > 32 || sc.find_first_of(" \t\n/") != std::string::npos)
    return error{"INVALID_FORMAT", "shortcut must be one word of at most 32 characters"};
  return sc;
}

json canned_json(const store::canned_response& c) {
  return {{"id", id_str(c.id)}, {"shortcut", c.shortcut}, {"body", c.body}, {"created_at", c.created_at}};
}

asio::awaitable<response> list_canned(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "canned.read");
  if (!who) co_return response::from(who.err());
  auto ws = who->workspace_id;
  auto read_canned = [ws](store::database& db) { return conv::list_canned(db, ws); };
  auto rows = co_await ctx.db.read(std::move(read_canned));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(canned_json(c));
  co_return page(items, std::nullopt);
}

asio::awaitable<response> create_canned(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "canned.manage");
  if (!who) co_return response::from(who.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto shortcut = opt_string(*body, "shortcut");
  auto text = opt_string(*body, "body");
  if (!shortcut) co_return response::from(shortcut.err());
  if (!text) co_return response::from(text.err());
  if (!*shortcut || !*text || trim(**text).empty())
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "shortcut and body are required");
  auto sc = parse_shortcut(**shortcut);
  if (!sc) co_return response::from(sc.err());
  auto ws = who->workspace_id;
  auto b = **text;
  auto at = now_text(ctx);
  auto insert_canned_job = [ws, sc = *sc, b, at](store::database& db) {
    return conv::insert_canned(db, ws, sc, b, at);
  };
  auto id = co_await ctx.db.write(std::move(insert_canned_job));
  if (!id) co_return store_error(id.err(), "a canned response with this shortcut exists");
  co_return response::json(201, canned_json({*id, *sc, b, at}));
}

asio::awaitable<response> patch_canned(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "canned.manage");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "canned response not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto shortcut = opt_string(*body, "shortcut");
  auto text = opt_string(*body, "body");
  if (!shortcut) co_return response::from(shortcut.err());
  if (!text) co_return response::from(text.err());
  std::optional<std::string> sc;
  if (*shortcut) {
    auto parsed = parse_shortcut(**shortcut);
    if (!parsed) co_return response::from(parsed.err());
    sc = *parsed;
  }
  if (*text && trim(**text).empty())
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "body must not be blank");
  auto ws = who->workspace_id;
  auto cid = *id;
  auto b = *text;
  auto job = [ws, cid, sc, b](store::database& db) {
    auto row = conv::update_canned(db, ws, cid, sc, b);
    if (!row) throw store::job_error("NOT_FOUND", "canned response not found");
    return *row;
  };
  auto row = co_await ctx.db.write(std::move(job));
  if (!row) co_return store_error(row.err(), "a canned response with this shortcut exists");
  co_return response::json(200, canned_json(*row));
}

// DELETE of a workspace's row by id: the permission, then one write that fails
// NOT_FOUND when nothing was deleted (another workspace's id included).
asio::awaitable<response> delete_row(api_context& ctx, request& req, std::string permission, std::string what,
                                     bool (*remove)(store::database&, store::id_t, store::id_t)) {
  auto who = co_await authorize(ctx, req, permission);
  if (!who) co_return response::from(who.err());
  auto missing = what + " not found";
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", missing);
  auto ws = who->workspace_id;
  auto rid = *id;
  auto job = [ws, rid, remove, missing](store::database& db) {
    if (!remove(db, ws, rid)) throw store::job_error("NOT_FOUND", missing);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> list_labels(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "labels.read");
  if (!who) co_return response::from(who.err());
  auto ws = who->workspace_id;
  auto read_labels = [ws](store::database& db) { return conv::list_labels(db, ws); };
  auto rows = co_await ctx.db.read(std::move(read_labels));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& l : *rows)
    items.push_back({{"id", id_str(l.id)}, {"name", l.name}, {"color", l.color}, {"created_at", l.created_at}});
  co_return page(items, std::nullopt);
}

asio::awaitable<response> create_label(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "labels.manage");
  if (!who) co_return response::from(who.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto name = opt_string(*body, "name");
  auto color = opt_string(*body, "color");
  if (!name) co_return response::from(name.err());
  if (!color) co_return response::from(color.err());
  if (!*name || trim(**name).empty() || (*name)->size() > 64)
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "name is required (at most 64 characters)");
  std::string col = color->value_or("#888888");
  if (col.size() != 7 || col[0] != '#' ||
      col.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos)
    co_return response::error(400, "INVALID_FORMAT", "color must look like #12ab9f");
  auto ws = who->workspace_id;
  auto n = trim(**name);
  auto at = now_text(ctx);
  auto insert_label_job = [ws, n, col, at](store::database& db) {
    return conv::insert_label(db, ws, n, col, at);
  };
  auto id = co_await ctx.db.write(std::move(insert_label_job));
  if (!id) co_return store_error(id.err(), "a label with this name exists");
  co_return response::json(201, {{"id", id_str(*id)}, {"name", n}, {"color", col}, {"created_at", at}});
}

}  // namespace

void add_conversation_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/conversations", [&ctx](request& q) { return list_conversations(ctx, q); });
  r.add("POST", "/api/v1/conversations", [&ctx](request& q) { return create_conversation(ctx, q); });
  r.add("GET", "/api/v1/conversations/{id}", [&ctx](request& q) { return get_conversation(ctx, q); });
  r.add("PATCH", "/api/v1/conversations/{id}", [&ctx](request& q) { return patch_conversation(ctx, q); });
  r.add("GET", "/api/v1/conversations/{id}/messages", [&ctx](request& q) { return list_messages(ctx, q); });
  r.add("POST", "/api/v1/conversations/{id}/messages", [&ctx](request& q) { return post_message(ctx, q); });
  r.add("GET", "/api/v1/conversations/{id}/export", [&ctx](request& q) { return export_conversation(ctx, q); });
  r.add("GET", "/api/v1/canned_responses", [&ctx](request& q) { return list_canned(ctx, q); });
  r.add("POST", "/api/v1/canned_responses", [&ctx](request& q) { return create_canned(ctx, q); });
  r.add("PATCH", "/api/v1/canned_responses/{id}", [&ctx](request& q) { return patch_canned(ctx, q); });
  r.add("DELETE", "/api/v1/canned_responses/{id}", [&ctx](request& q) { return delete_row(ctx, q, "canned.manage", "canned response", conv::delete_canned); });
  r.add("GET", "/api/v1/labels", [&ctx](request& q) { return list_labels(ctx, q); });
  r.add("POST", "/api/v1/labels", [&ctx](request& q) { return create_label(ctx, q); });
  r.add("DELETE", "/api/v1/labels/{id}", [&ctx](request& q) { return delete_row(ctx, q, "labels.manage", "label", conv::delete_label); });
}

}  // namespace switchboard::api
