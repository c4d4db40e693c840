// Conversations, their threads, replies and notes, labels, canned responses, export.
#include <set>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/services/consent.hpp"
#include "switchboard/services/conversations.hpp"

namespace switchboard::api {
namespace {

namespace conv = store::conversations;

const std::set<std::string> statuses = {"open", "pending", "snoozed", "resolved"};
const std::set<std::string> priorities = {"low", "normal", "high", "urgent"};
const std::set<std::string> channels = {"sms", "voice", "chat", "teams", "email"};

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

asio::awaitable<response> list_conversations(api_context& ctx, request& req, const principal& who) {
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
      f.assignee_id = who.teammate_id;
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
  auto ws = who.workspace_id;
  // A search first brings the index up to date (it trails the newest messages under load).
  auto rows = co_await services::list_conversations(ctx, ws, f);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(to_json(c));
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) == f.limit) next = make_activity_cursor(rows->back());
  co_return page(std::move(items), next);
}

// The body of POST /conversations.
struct create_conversation_request {
  id_t contact_id = 0;
  std::optional<id_t> team_id, assignee_id;
  std::string first_body;  // "" for none
  std::string channel;
  std::optional<std::string> subject;

  static result<create_conversation_request> from_json(const json& body) {
    auto contact_id = id_field(body, "contact_id");
    if (!contact_id) return contact_id.err();
    if (!*contact_id || !**contact_id) return error{"MISSING_REQUIRED_FIELD", "contact_id is required"};
    auto team_id = id_field(body, "team_id");
    auto assignee_id = id_field(body, "assignee_id");
    if (!team_id) return team_id.err();
    if (!assignee_id) return assignee_id.err();
    auto text = opt_string(body, "body");
    auto channel = opt_string(body, "channel");
    auto subject = opt_string(body, "subject");
    if (!text) return text.err();
    if (!channel) return channel.err();
    if (!subject) return subject.err();
    if (*channel && !channels.count(**channel)) return error{"INVALID_INPUT", "unknown channel " + **channel};
    // Only sms and chat have a dispatcher: a first message on voice, email or teams
    // would stay queued forever (issue 16 item 15).
    if (*text && !trim(**text).empty() && *channel && **channel != "sms" && **channel != "chat")
      return error{"INVALID_INPUT", "a first message can only go out by sms or chat, not " + **channel};
    create_conversation_request in;
    in.contact_id = ***contact_id;
    in.team_id = *team_id ? **team_id : std::nullopt;
    in.assignee_id = *assignee_id ? **assignee_id : std::nullopt;
    in.first_body = text->value_or("");
    in.channel = channel->value_or("chat");
    in.subject = *subject;
    return in;
  }
};

asio::awaitable<response> create_conversation(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_conversation_request>(req);
  if (!in) co_return response::from(in.err());
  store::conversation c;
  c.workspace_id = who.workspace_id;
  c.contact_id = in->contact_id;
  c.team_id = in->team_id;
  c.assignee_id = in->assignee_id;
  c.channel = in->channel;
  c.subject = in->subject;
  c.created_at = now_text(ctx);
  auto first_body = in->first_body;
  // Published to agents (and a chat's first message to the contact's widget) after the commit.
  auto created = co_await services::create_conversation(ctx, who, c, first_body);
  if (!created) co_return store_error(created.err());
  auto cj = to_json(created->conversation);
  if (created->first) cj["messages"] = json::array({to_json(*created->first)});
  co_return response::json(201, cj);
}

asio::awaitable<response> get_conversation(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto ws = who.workspace_id;
  auto cid = *id;
  auto c = co_await services::conversation_of(ctx, ws, cid);
  if (!c) co_return store_error(c.err());
  if (!*c) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto j = to_json((*c)->conversation);
  // For the composer: where a reply goes by default, what else the agent may
  // pick, and why nothing can carry one (issue 16 item 15).
  auto& plan = (*c)->reply;
  j["reply"] = {{"channel", plan.channel ? json(*plan.channel) : json(nullptr)},
                {"channels", plan.available},
                {"reason", plan.reason.empty() ? json(nullptr) : json(plan.reason)},
                {"opted_out", (*c)->opted_out}};
  // Its newest CSAT survey (issue 21): read here, never for the list.
  auto survey = co_await services::conversation_csat(ctx, ws, cid);
  if (!survey) co_return store_error(survey.err());
  j["csat"] = services::csat_json(*survey, ctx.carriers.public_url);
  co_return response::json(200, j);
}

// The body of PATCH /conversations/{id}; `now` for snoozed_until, which must be ahead.
struct patch_conversation_request {
  conv::patch fields;

  static result<patch_conversation_request> from_json(const json& body, sys_time now) {
    conv::patch p;
    auto status = opt_string(body, "status");
    auto priority = opt_string(body, "priority");
    if (!status) return status.err();
    if (!priority) return priority.err();
    if (*status && !statuses.count(**status))
      return error{"INVALID_INPUT", "status must be open, pending, snoozed or resolved"};
    if (*priority && !priorities.count(**priority))
      return error{"INVALID_INPUT", "priority must be low, normal, high or urgent"};
    p.status = *status;
    p.priority = *priority;
    auto assignee = id_field(body, "assignee_id");
    auto team = id_field(body, "team_id");
    if (!assignee) return assignee.err();
    if (!team) return team.err();
    p.assignee_id = *assignee;
    p.team_id = *team;
    if (auto it = body.find("labels"); it != body.end()) {
      auto labels = parse_labels(*it);
      if (!labels) return labels.err();
      p.labels = *labels;
    }
    if (auto it = body.find("snoozed_until"); it != body.end()) {
      auto& v = *it;
      if (p.status && *p.status != "snoozed" && !v.is_null())
        return error{"INVALID_INPUT", "snoozed_until goes with status snoozed"};
      if (v.is_null()) {
        // Clearing the snooze reopens the conversation unless a status was given.
        p.snoozed_until = std::optional<std::string>();
        if (!p.status) p.status = "open";
      } else {
        auto t = v.is_string() ? parse_rfc3339(v.get<std::string>()) : std::nullopt;
        if (!t) return error{"INVALID_FORMAT", "snoozed_until must be an RFC 3339 time"};
        if (*t <= now) return error{"INVALID_INPUT", "snoozed_until must be in the future"};
        p.snoozed_until = format_rfc3339(*t);
        if (!p.status) p.status = "snoozed";
      }
    }
    if (p.status == "snoozed" && !(p.snoozed_until && *p.snoozed_until))
      return error{"MISSING_REQUIRED_FIELD", "snoozing needs snoozed_until"};
    if (body.contains("unread_count")) p.unread_count = 0;  // only "mark read" is allowed
    return patch_conversation_request{std::move(p)};
  }
};

asio::awaitable<response> patch_conversation(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto in = read_body<patch_conversation_request>(req, ctx.now());
  if (!in) co_return response::from(in.err());
  // Labels need their own permission. Checked after the body: every role and key
  // scope with conversations.update also has labels.apply, so no answer changes.
  if (in->fields.labels)
    if (auto e = require(who, "labels.apply")) co_return response::from(*e);
  auto& p = in->fields;

  auto ws = who.workspace_id;
  auto cid = *id;
  // Assignee and team are checked inside the write; agents hear conversation.updated.
  auto updated = co_await services::update_conversation(ctx, ws, cid, p);
  if (!updated) co_return store_error(updated.err());
  co_return response::json(200, to_json(*updated));
}

asio::awaitable<response> list_messages(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto q = parse_page(req);
  if (!q) co_return response::from(q.err());
  auto after = q->after;
  auto ws = who.workspace_id;
  auto cid = *id;
  int n = q->limit;
  auto rows = co_await services::conversation_thread(ctx, ws, cid, after, n);
  if (!rows) co_return store_error(rows.err());
  if (!*rows) co_return response::error(404, "NOT_FOUND", "conversation not found");
  json items = json::array();
  for (auto& m : **rows) items.push_back(to_json(m));
  auto next = next_cursor(**rows, n);
  co_return page(std::move(items), next);
}

// The body of POST /conversations/{id}/messages. The permission it needs
// (conversations.note or .reply) comes from `private`, and is checked before
// the channel: so the channel is read by channel(), after require.
struct post_message_request {
  std::string text;
  bool is_private = false;
  std::vector<id_t> media_ids;
  json channel_field = json::object();  // {"channel": …} as sent, or {}

  std::string_view permission() const { return is_private ? "conversations.note" : "conversations.reply"; }

  result<std::optional<std::string>> channel() const {
    auto channel = opt_string(channel_field, "channel");
    if (!channel) return channel.err();
    if (*channel && !channels.count(**channel)) return error{"INVALID_INPUT", "unknown channel " + **channel};
    return channel;
  }

  static result<post_message_request> from_json(const json& body) {
    post_message_request in;
    auto text = opt_string(body, "body");
    if (!text) return text.err();
    auto media = media_ids_of(body);
    if (!media) return media.err();
    in.media_ids = std::move(*media);
    // An attachment may go alone, without words.
    if ((!*text || trim(**text).empty()) && in.media_ids.empty())
      return error{"MISSING_REQUIRED_FIELD", "body is required"};
    if (*text && (*text)->size() > 16 * 1024) return error{"INVALID_INPUT", "body is longer than 16384 bytes"};
    in.text = text->value_or("");
    if (auto it = body.find("private"); it != body.end() && !it->is_null()) {
      if (!it->is_boolean()) return error{"INVALID_FORMAT", "private must be true or false"};
      in.is_private = it->get<bool>();
    }
    if (auto it = body.find("channel"); it != body.end()) in.channel_field["channel"] = *it;
    return in;
  }
};

asio::awaitable<response> post_message(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto in = read_body<post_message_request>(req);
  if (!in) co_return response::from(in.err());
  if (auto e = require(who, in->permission())) co_return response::from(*e);
  auto channel = in->channel();
  if (!channel) co_return response::from(channel.err());

  auto r = co_await services::send_reply(ctx, who, *id, in->text, in->is_private, *channel, in->media_ids);
  if (!r) co_return store_error(r.err());
  auto mj = to_json(r->message);
  co_return response::json(201, mj);
}

// POST /conversations/{id}/messages/{message_id}/retry: a failed SMS reply is
// queued again as the same message (issue 18).
asio::awaitable<response> retry_message(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto mid = parse_id(req.params.at("message_id"));
  if (!mid) co_return response::error(404, "NOT_FOUND", "message not found");
  auto r = co_await services::resend_reply(ctx, who, *id, *mid);
  if (!r) co_return store_error(r.err());
  co_return response::json(200, to_json(*r));
}

// The body of POST …/messages/{message_id}/consent-suggestion (issue 18).
struct suggestion_request {
  std::string action;

  static result<suggestion_request> from_json(const json& body) {
    auto action = opt_string(body, "action");
    if (!action) return action.err();
    if (!*action) return error{"MISSING_REQUIRED_FIELD", "action (confirm or dismiss) is required"};
    if (**action != "confirm" && **action != "dismiss")
      return error{"INVALID_INPUT", "action must be confirm or dismiss"};
    return suggestion_request{**action};
  }
};

// An agent confirms the opt-out a customer asked for in their own words, or dismisses it.
asio::awaitable<response> resolve_suggestion(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto mid = parse_id(req.params.at("message_id"));
  if (!mid) co_return response::error(404, "NOT_FOUND", "message not found");
  auto in = read_body<suggestion_request>(req);
  if (!in) co_return response::from(in.err());
  auto r = co_await services::resolve_consent_suggestion(ctx, who, *id, *mid, in->action, req.remote);
  if (!r) co_return store_error(r.err());
  json entries = json::array();
  for (auto& e : r->entries) entries.push_back(to_json(e));
  co_return response::json(200, {{"message", to_json(r->message)},
                                 {"event", r->event ? to_json(*r->event) : json(nullptr)},
                                 {"consent", std::move(entries)}});
}

asio::awaitable<response> export_conversation(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto ws = who.workspace_id;
  auto cid = *id;
  auto found = co_await services::export_conversation(ctx, ws, cid);
  if (!found) co_return store_error(found.err());
  if (!*found) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto& e = **found;
  json doc = {{"conversation", to_json(e.conversation)}};
  doc["contact"] = e.contact ? to_json(*e.contact) : json(nullptr);
  json messages = json::array();
  for (auto& m : e.messages) messages.push_back(to_json(m));
  doc["messages"] = std::move(messages);
  auto r = response::json(200, doc);
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

asio::awaitable<response> list_canned(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_canned(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(canned_json(c));
  co_return page(items, std::nullopt);
}

// The body of POST /canned_responses.
struct create_canned_request {
  std::string shortcut;  // as stored (parse_shortcut)
  std::string body;

  static result<create_canned_request> from_json(const json& body) {
    auto shortcut = opt_string(body, "shortcut");
    auto text = opt_string(body, "body");
    if (!shortcut) return shortcut.err();
    if (!text) return text.err();
    if (!*shortcut || !*text || trim(**text).empty())
      return error{"MISSING_REQUIRED_FIELD", "shortcut and body are required"};
    auto sc = parse_shortcut(**shortcut);
    if (!sc) return sc.err();
    return create_canned_request{*sc, **text};
  }
};

// The body of PATCH /canned_responses/{id}: absent fields stay.
struct patch_canned_request {
  std::optional<std::string> shortcut, body;

  static result<patch_canned_request> from_json(const json& body) {
    auto shortcut = opt_string(body, "shortcut");
    auto text = opt_string(body, "body");
    if (!shortcut) return shortcut.err();
    if (!text) return text.err();
    patch_canned_request in;
    if (*shortcut) {
      auto parsed = parse_shortcut(**shortcut);
      if (!parsed) return parsed.err();
      in.shortcut = *parsed;
    }
    if (*text && trim(**text).empty()) return error{"MISSING_REQUIRED_FIELD", "body must not be blank"};
    in.body = *text;
    return in;
  }
};

asio::awaitable<response> create_canned(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_canned_request>(req);
  if (!in) co_return response::from(in.err());
  auto sc = in->shortcut;
  auto ws = who.workspace_id;
  auto b = in->body;
  auto row = co_await services::create_canned(ctx, ws, sc, b);
  if (!row) co_return store_error(row.err(), "a canned response with this shortcut exists");
  co_return response::json(201, canned_json(*row));
}

asio::awaitable<response> patch_canned(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "canned response not found");
  auto in = read_body<patch_canned_request>(req);
  if (!in) co_return response::from(in.err());
  auto ws = who.workspace_id;
  auto cid = *id;
  auto sc = in->shortcut;
  auto b = in->body;
  auto row = co_await services::update_canned(ctx, ws, cid, sc, b);
  if (!row) co_return store_error(row.err(), "a canned response with this shortcut exists");
  co_return response::json(200, canned_json(*row));
}

// The service that deletes a workspace's row by id, failing NOT_FOUND when nothing
// was deleted (another workspace's id included).
using remove_fn = asio::awaitable<result<void>> (*)(services::context&, id_t, id_t);

// DELETE of a workspace's row by id: the permission, then the service's one write.
asio::awaitable<response> delete_row(api_context& ctx, request& req, const principal& who, std::string what,
                                     remove_fn remove) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", what + " not found");
  auto w = co_await remove(ctx, who.workspace_id, *id);
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> list_labels(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_labels(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& l : *rows)
    items.push_back({{"id", id_str(l.id)}, {"name", l.name}, {"color", l.color}, {"created_at", l.created_at}});
  co_return page(items, std::nullopt);
}

// The body of POST /labels.
struct create_label_request {
  std::string name;  // trimmed
  std::string color;

  static result<create_label_request> from_json(const json& body) {
    auto name = opt_string(body, "name");
    auto color = opt_string(body, "color");
    if (!name) return name.err();
    if (!color) return color.err();
    if (!*name || trim(**name).empty() || (*name)->size() > 64)
      return error{"MISSING_REQUIRED_FIELD", "name is required (at most 64 characters)"};
    std::string col = color->value_or("#888888");
    if (col.size() != 7 || col[0] != '#' || col.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos)
      return error{"INVALID_FORMAT", "color must look like #12ab9f"};
    return create_label_request{trim(**name), col};
  }
};

asio::awaitable<response> create_label(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_label_request>(req);
  if (!in) co_return response::from(in.err());
  auto ws = who.workspace_id;
  auto n = in->name;
  auto col = in->color;
  auto l = co_await services::create_label(ctx, ws, n, col);
  if (!l) co_return store_error(l.err(), "a label with this name exists");
  co_return response::json(201, {{"id", id_str(l->id)}, {"name", l->name}, {"color", l->color}, {"created_at", l->created_at}});
}

}  // namespace

void add_conversation_routes(http::router& r, api_context& ctx) {
  // A DELETE of a workspace's row: `what` names it in the 404.
  auto delete_of = [](std::string what, remove_fn remove) {
    return [what, remove](api_context& c, request& q, const principal& who) { return delete_row(c, q, who, what, remove); };
  };
  r.add("GET", "/api/v1/conversations", authorized(ctx, "conversations.read", list_conversations));
  r.add("POST", "/api/v1/conversations", authorized(ctx, "conversations.create", create_conversation));
  r.add("GET", "/api/v1/conversations/{id}", authorized(ctx, "conversations.read", get_conversation));
  r.add("PATCH", "/api/v1/conversations/{id}", authorized(ctx, "conversations.update", patch_conversation));
  r.add("GET", "/api/v1/conversations/{id}/messages", authorized(ctx, "conversations.read", list_messages));
  // The permission (reply or note) depends on the body: post_message requires it.
  r.add("POST", "/api/v1/conversations/{id}/messages", authenticated(ctx, post_message));
  r.add("POST", "/api/v1/conversations/{id}/messages/{message_id}/retry",
        authorized(ctx, "conversations.reply", retry_message));
  r.add("POST", "/api/v1/conversations/{id}/messages/{message_id}/consent-suggestion",
        authorized(ctx, "contacts.opt_out", resolve_suggestion));
  r.add("GET", "/api/v1/conversations/{id}/export", authorized(ctx, "conversations.export", export_conversation));
  r.add("GET", "/api/v1/canned_responses", authorized(ctx, "canned.read", list_canned));
  r.add("POST", "/api/v1/canned_responses", authorized(ctx, "canned.manage", create_canned));
  r.add("PATCH", "/api/v1/canned_responses/{id}", authorized(ctx, "canned.manage", patch_canned));
  r.add("DELETE", "/api/v1/canned_responses/{id}",
        authorized(ctx, "canned.manage", delete_of("canned response", &services::delete_canned)));
  r.add("GET", "/api/v1/labels", authorized(ctx, "labels.read", list_labels));
  r.add("POST", "/api/v1/labels", authorized(ctx, "labels.manage", create_label));
  r.add("DELETE", "/api/v1/labels/{id}", authorized(ctx, "labels.manage", delete_of("label", &services::delete_label)));
}

}  // namespace switchboard::api
