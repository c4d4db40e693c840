// The website widget's REST API (/api/widget/v1, Bearer wst_…) with its CORS
// handling, and the admin's widget settings (/api/v1/widget/settings).
#include <algorithm>
#include <map>

#include "common.hpp"
#include "routes.hpp"
#include "widget_common.hpp"
#include "media_common.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/articles.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/services/help_center.hpp"
#include "switchboard/services/widget_sessions.hpp"
#include "switchboard/services/widget_settings.hpp"
#include "switchboard/widget/identity.hpp"
#include "switchboard/widget/origin.hpp"
#include "switchboard/widget/token.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::api {

namespace wstore = store::widget;
using services::secrets_of;

// Handlers mark an allowed browser Origin here (never a route parameter name:
// templates only use {id}); the route wrapper turns it into CORS headers.
constexpr const char* cors_mark = "cors.origin";

std::string socket_topic(const visitor& v) {
  return v.verified && v.contact_id ? visitor_topic(v.contact_id) : anonymous_topic(v.visitor_id);
}


std::optional<response> ip_limited(api_context& ctx, const request& req) {
  if (auto wait = ctx.widget.per_ip.hit(req.remote, ctx.now())) {
    auto r = response::error(429, "RATE_LIMITED", "too many requests from this address; retry later");
    r.headers.add("Retry-After", std::to_string(wait));
    return r;
  }
  return std::nullopt;
}

bool origin_permitted(const api_context& ctx, const request& req, const std::vector<std::string>& allowed) {
  auto origin = req.headers.get("Origin");
  if (!origin) return true;
  if (widget::origin_allowed(*origin, allowed, ctx.carriers.public_url)) return true;
  // Same origin as the page was served from: the Host the browser sent to.
  auto o = widget::parse_origin(*origin);
  auto host = req.headers.get("Host");
  if (!o || !host) return false;
  auto h = widget::parse_origin(o->scheme + "://" + std::string(*host));
  return h && widget::origin_matches(*h, *o);
}

namespace {

void mark_cors(request& req) {
  if (auto o = req.headers.get("Origin")) req.params[cors_mark] = std::string(*o);
}

// Vary: Origin on every widget answer (caches must not mix origins); the CORS
// headers only for an Origin the handler found allowed. Never "*".
response with_cors(const request& req, response res) {
  res.headers.add("Vary", "Origin");
  auto it = req.params.find(cors_mark);
  if (it != req.params.end()) {
    res.headers.add("Access-Control-Allow-Origin", it->second);
    res.headers.add("Access-Control-Expose-Headers", "Retry-After, X-Widget-Token, X-Widget-Token-Expires-At");
  }
  return res;
}

response too_many(long retry_after) {
  auto r = response::error(429, "RATE_LIMITED", "too many requests; retry later");
  r.headers.add("Retry-After", std::to_string(retry_after));
  return r;
}

std::optional<response> visitor_limited(api_context& ctx, const visitor& v) {
  // A verified user's devices share its contact's bucket; anyone else is its visitor id
  // (which has no contact until its first message).
  auto key = std::to_string(v.workspace_id) + ":" +
             (v.verified && v.contact_id ? std::to_string(v.contact_id) : v.visitor_id);
  if (auto wait = ctx.widget.per_visitor.hit(key, ctx.now()))
    return too_many(wait);
  return std::nullopt;
}

// The body field of a visitor's message: present (unless attachments go alone), not blank, not too long.
result<std::string> message_text(api_context& ctx, const json& body, bool has_media = false) {
  auto text = opt_string(body, "body");
  if (!text) return text.err();
  if (has_media && (!*text || trim(**text).empty())) return std::string();
  if (!*text || trim(**text).empty()) return error{"MISSING_REQUIRED_FIELD", "body is required"};
  if (utf8_length(**text) > ctx.widget.max_message_chars)
    return error{"INVALID_INPUT",
                 "body is longer than " + std::to_string(ctx.widget.max_message_chars) + " characters"};
  return **text;
}

std::optional<id_t> id_value(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (it->is_string()) return parse_id(it->get<std::string>());
  if (it->is_number_integer() && it->get<std::int64_t>() > 0) return it->get<std::int64_t>();
  return std::nullopt;
}

json public_settings(const wstore::settings& s, bool available) {
  return {{"color", s.color},         {"greeting", s.greeting},
          {"reply_time", s.reply_time}, {"office_hours", s.office_hours},
          {"available", available}};
}

json visitor_conversation_json(const store::conversation& c) {
  return {{"id", id_str(c.id)},
          {"status", c.status},
          {"preview", opt_str(c.preview)},
          {"last_message_at", opt_str(c.last_message_at)},
          {"created_at", c.created_at}};
}

// ---- sessions ---------------------------------------------------------------

using session_in = services::visitor_session_request;

result<session_in> parse_session(const json& body) {
  session_in in;
  auto ws = id_value(body, "workspace_id");
  if (!ws) return error{"MISSING_REQUIRED_FIELD", "workspace_id is required"};
  in.workspace_id = *ws;
  auto vid = opt_string(body, "visitor_id");
  if (!vid) return vid.err();
  in.visitor_id = *vid;
  if (auto it = body.find("user"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return error{"INVALID_FORMAT", "user must be an object"};
    struct field {
      const char* name;
      std::optional<std::string>* out;
      std::size_t max;
    };
    for (auto f : {field{"external_id", &in.external_id, 255}, field{"email", &in.email, 254},
                   field{"name", &in.name, 200}, field{"user_hash", &in.user_hash, 128}}) {
      auto v = opt_string(*it, f.name);
      if (!v) return v.err();
      if (*v && (*v)->size() > f.max)
        return error{"INVALID_INPUT", std::string("user.") + f.name + " is too long"};
      if (*v && !trim(**v).empty()) *f.out = trim(**v);
    }
    // Only a claimed external id (or a hash) is an identity to verify; a name or
    // an email alone is what an anonymous visitor typed in, stored unverified.
    in.has_user = in.external_id || in.user_hash;
    if (in.email) {
      auto e = normalize_email(*in.email);
      if (!e) return error{"INVALID_FORMAT", "user.email is not an email address"};
      in.email = *e;
    }
  }
  return in;
}

asio::awaitable<response> create_session(api_context& ctx, request& req) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto in = parse_session(*body);
  if (!in) co_return response::from(in.err());
  auto ws = in->workspace_id;
  auto found = co_await services::widget_setup_of(ctx, ws);
  if (!found) co_return store_error(found.err());
  auto& settings = found->settings;
  // An unknown workspace and a refused origin look alike to a probing page.
  if (!settings || !origin_permitted(ctx, req, settings->allowed_origins))
    co_return response::error(403, "NOT_AUTHORIZED", "this site may not use the widget of this workspace");
  mark_cors(req);
  auto mode = widget::parse_identity_mode(settings->identity_mode).value_or(widget::identity_mode::off);
  auto now = ctx.now();
  auto verdict = widget::verify_identity(mode, secrets_of(*settings),
                                         {in->external_id, in->user_hash, in->has_user}, now);
  if (verdict == widget::identity_verdict::refused)
    co_return response::error(403, "NOT_AUTHORIZED", "user_hash does not verify this user");
  bool verified = verdict == widget::identity_verdict::verified;
  auto token = widget::issue_token(now, ctx.widget.token_ttl);
  auto at = format_rfc3339(now);
  auto expires = format_rfc3339(token.expires_at);
  auto origin = req.headers.get("Origin") ? std::optional<std::string>(*req.headers.get("Origin")) : std::nullopt;
  auto input = *in;
  services::new_visitor_session session{verified, at, expires, token.hash, origin};
  auto out = co_await services::open_visitor_session(ctx, input, session);
  if (!out) co_return store_error(out.err());
  bool available = false;
  for (auto id : found->available_teammates) available = available || ctx.online.count(id);
  co_return response::json(200, {{"token", token.token},
                                 {"expires_at", expires},
                                 {"visitor",
                                  {{"id", out->visitor_id},
                                   {"contact_id", out->contact_id ? json(id_str(out->contact_id)) : json(nullptr)},
                                   {"name", opt_str(out->name)},
                                   {"email", opt_str(out->email)},
                                   {"verified", verified}}},
                                 {"settings", public_settings(*settings, available)}});
}

asio::awaitable<response> revoke_session(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto ws = v->workspace_id;
  auto sid = v->session_id;
  auto w = co_await services::revoke_visitor_session(ctx, ws, sid);
  if (!w) co_return store_error(w.err());
  // The session's sockets end with it (issue 16 item 8).
  ctx.sockets.revoke_credential(ws, "widget:" + id_str(sid), "widget session ended");
  co_return response::json(200, {{"ok", true}});
}

// ---- conversations and messages ---------------------------------------------

response with_token(response r, const visitor& v) {
  if (v.new_token) {
    r.headers.add("X-Widget-Token", *v.new_token);
    r.headers.add("X-Widget-Token-Expires-At", *v.new_expires_at);
  }
  return r;
}

asio::awaitable<response> list_conversations(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  // Verified: the contact's history. Unverified: only what this visitor id started (issue 16 item 10).
  services::visitor_ref who = *v;
  auto rows = co_await services::visitor_conversations(ctx, who);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(visitor_conversation_json(c));
  co_return with_token(page(std::move(items), std::nullopt), *v);
}

asio::awaitable<response> post_visitor_message(api_context& ctx, request& req, bool create) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  id_t cid = 0;
  if (!create) {
    auto id = parse_id(req.params.at("id"));
    if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
    cid = *id;
  }
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto media = media_ids_of(*body);
  if (!media) co_return response::from(media.err());
  auto text = message_text(ctx, *body, !media->empty());
  if (!text) co_return response::from(text.err());
  if (auto r = visitor_limited(ctx, *v)) co_return *r;
  auto p = co_await services::post_visitor_message(ctx, *v, cid, *text, std::move(*media));
  if (!p) co_return store_error(p.err());
  if (!create) co_return with_token(response::json(201, visitor_message_json(p->message)), *v);
  auto cj = visitor_conversation_json(p->conversation);
  cj["messages"] = json::array({visitor_message_json(p->message)});
  co_return with_token(response::json(201, cj), *v);
}

// {rating: 1..5, comment?: ≤ 1000 characters}: the rating and the comment (a blank one is none).
result<std::pair<int, std::optional<std::string>>> parse_csat_answer_body(const json& body) {
  auto it = body.find("rating");
  if (it == body.end() || it->is_null()) return error{"MISSING_REQUIRED_FIELD", "rating is required"};
  if (!it->is_number_integer()) return error{"INVALID_FORMAT", "rating must be a whole number from 1 to 5"};
  auto rating = it->get<std::int64_t>();
  if (rating < 1 || rating > 5) return error{"INVALID_INPUT", "rating must be from 1 to 5"};
  std::optional<std::string> comment;
  if (auto c = body.find("comment"); c != body.end() && !c->is_null()) {
    if (!c->is_string()) return error{"INVALID_FORMAT", "comment must be a string"};
    auto text = trim(c->get<std::string>());
    if (!valid_utf8(text)) return error{"INVALID_INPUT", "comment is not valid UTF-8"};
    if (utf8_length(text) > routing::csat_comment_max)
      return error{"INVALID_INPUT", "comment is longer than 1000 characters"};
    if (!text.empty()) comment = std::move(text);
  }
  return std::make_pair(static_cast<int>(rating), comment);
}

// The inline CSAT rating (issue 21): {rating: 1..5, comment?} answers the
// conversation's newest widget survey.
asio::awaitable<response> post_visitor_csat(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto in = parse_csat_answer_body(*body);
  if (!in) co_return with_token(response::from(in.err()), *v);
  if (auto r = visitor_limited(ctx, *v)) co_return *r;
  services::visitor_ref who = *v;
  auto cid = *id;
  auto rating = in->first;
  auto comment = in->second;
  auto a = co_await services::answer_widget_csat(ctx, who, cid, rating, comment);
  if (!a) co_return with_token(store_error(a.err()), *v);
  json j = {{"rating", rating}, {"comment", comment ? json(*comment) : json(nullptr)},
            {"answered_at", a->survey.answered_at.value_or("")}};
  co_return with_token(response::json(200, j), *v);
}

// A visitor's attachment (an image or a PDF), raw bytes with their Content-Type;
// ?name= is the file's name. A message then carries it in media_ids.
asio::awaitable<response> upload_visitor_media(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  if (auto r = visitor_limited(ctx, *v)) co_return *r;
  services::upload u{std::move(req.body), std::string(req.headers.get("Content-Type").value_or("")),
                     req.query_param("name").value_or("")};
  auto m = co_await services::upload_by_visitor(ctx, *v, std::move(u));
  if (!m && m.err().code == "RATE_LIMITED") {  // a budget, not a burst: try again in a minute
    auto r = response::from(m.err());
    r.headers.add("Retry-After", "60");
    co_return with_token(std::move(r), *v);
  }
  if (!m) co_return response::from(m.err());
  co_return with_token(response::json(201, services::media_json(*m)), *v);
}

asio::awaitable<response> get_visitor_media(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "attachment not found");
  auto m = co_await services::media_for_visitor(ctx, *v, *id);
  if (!m) co_return response::from(m.err());
  co_return media_response(std::move(*m));
}

asio::awaitable<response> list_visitor_messages(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "conversation not found");
  auto q = parse_page(req);
  if (!q) co_return response::from(q.err());
  auto after = q->after;
  services::visitor_ref who = *v;
  auto cid = *id;
  int n = q->limit;
  // Another visitor's conversation is simply not found.
  auto rows = co_await services::visitor_thread(ctx, who, cid, after, n);
  if (!rows) co_return store_error(rows.err());
  if (!*rows) co_return response::error(404, "NOT_FOUND", "conversation not found");
  json items = json::array();
  for (auto& m : **rows)
    if (!m.is_private) items.push_back(visitor_message_json(m));
  auto next = next_cursor(**rows, n);
  co_return with_token(page(std::move(items), next), *v);
}

// The Help tab (issue 20): published articles matching what the visitor types
// (a prefix while typing; any word when none has them all), or the most read
// ones without q; and one article, which counts a view.
asio::awaitable<response> list_visitor_articles(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto ws = v->workspace_id;
  auto text = req.query_param("q").value_or("");
  if (text.size() > 200) co_return response::error(400, "INVALID_INPUT", "q is longer than 200 bytes");
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  int n = std::min(*limit, 10);
  std::vector<store::kb::article> rows;
  if (trim(text).empty()) {
    auto popular = co_await services::popular_articles(ctx, ws, n);
    if (!popular) co_return store_error(popular.err());
    rows = std::move(*popular);
  } else {
    services::article_search q;
    q.text = text;
    q.any_if_none = true;
    q.limit = n;
    auto hits = co_await services::search_articles(ctx, ws, q);
    if (!hits) co_return store_error(hits.err());
    for (auto& h : *hits) rows.push_back(std::move(h.a));
  }
  auto settings = co_await services::help_center_settings_of(ctx, ws);
  auto base = services::help_center_url(ctx.carriers.public_url, settings ? *settings : services::help_center_settings{});
  json items = json::array();
  for (auto& a : rows)
    items.push_back({{"slug", a.slug}, {"title", a.title}, {"excerpt", a.excerpt}, {"url", base + "/articles/" + a.slug}});
  co_return with_token(response::json(200, {{"items", std::move(items)}}), *v);
}

asio::awaitable<response> get_visitor_article(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto ws = v->workspace_id;
  auto slug = req.params.at("slug");
  auto a = co_await services::published_article(ctx, ws, slug);
  if (!a) co_return store_error(a.err());
  if (!*a) co_return response::error(404, "NOT_FOUND", "article not found");
  auto& row = **a;
  auto settings = co_await services::help_center_settings_of(ctx, ws);
  auto base = services::help_center_url(ctx.carriers.public_url, settings ? *settings : services::help_center_settings{});
  co_return with_token(response::json(200, {{"slug", row.slug},
                                            {"title", row.title},
                                            {"excerpt", row.excerpt},
                                            {"body_html", row.body_html},
                                            {"updated_at", row.updated_at},
                                            {"url", base + "/articles/" + row.slug}}),
                       *v);
}

asio::awaitable<response> track_event(api_context& ctx, request& req) {
  auto v = co_await authenticate_visitor(ctx, req, false);
  if (!v) co_return response::from(v.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto name = opt_string(*body, "name");
  if (!name) co_return response::from(name.err());
  if (!*name || trim(**name).empty() || (*name)->size() > 100)
    co_return response::error(400, "MISSING_REQUIRED_FIELD", "name is required (at most 100 characters)");
  json props = json::object();
  if (auto it = body->find("props"); it != body->end() && !it->is_null()) {
    if (!it->is_object()) co_return response::error(400, "INVALID_FORMAT", "props must be an object");
    props = *it;
    if (props.dump().size() > 4096) co_return response::error(400, "INVALID_INPUT", "props is larger than 4096 bytes");
  }
  if (auto r = visitor_limited(ctx, *v)) co_return *r;
  services::visitor_ref who = *v;
  auto n = trim(**name);
  auto at = now_text(ctx);
  // Without a contact yet the event waits on the visitor id (no contact per page view); agents hear it.
  auto w = co_await services::track_visitor_event(ctx, who, n, props, at);
  if (!w) co_return store_error(w.err());
  co_return with_token(response::json(201, {{"name", n}, {"props", props}, {"created_at", at}}), *v);
}

// OPTIONS: a preflight names no workspace, so an Origin allowed by any
// workspace passes; the real request is checked against its own workspace.
asio::awaitable<response> preflight(api_context& ctx, request& req) {
  auto origin = req.headers.get("Origin");
  if (!origin) {
    response r;
    r.status = 204;
    r.content_type.clear();
    r.headers.add("Allow", "GET, POST, DELETE, OPTIONS");
    co_return r;
  }
  auto lists = co_await services::all_allowed_origins(ctx);
  if (!lists) co_return store_error(lists.err());
  if (!origin_permitted(ctx, req, *lists))
    co_return response::error(403, "NOT_AUTHORIZED", "this origin may not use the widget");
  mark_cors(req);
  response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.add("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
  r.headers.add("Access-Control-Allow-Headers", "Authorization, Content-Type");
  r.headers.add("Access-Control-Max-Age", "600");
  co_return r;
}

// ---- admin settings ---------------------------------------------------------

// Whether public_url names this machine only (localhost, 127.0.0.0/8, ::1): a
// snippet with it works in no visitor's browser (issue 16 item 19).
bool loopback_url(std::string_view url) {
  auto rest = url.substr(std::min(url.size(), url.find("://") == std::string_view::npos ? 0 : url.find("://") + 3));
  std::string host;
  if (rest.starts_with("[")) {
    host = std::string(rest.substr(1, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') - 1));
  } else {
    host = std::string(rest.substr(0, rest.find_first_of(":/")));
  }
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "::1";
}

json settings_json(api_context& ctx, const wstore::settings& s) {
  auto snippet = "<script src=\"" + ctx.carriers.public_url + "/widget.js\" data-workspace=\"" +
                 id_str(s.workspace_id) + "\" async></script>";
  return {{"workspace_id", id_str(s.workspace_id)},
          {"public_url", ctx.carriers.public_url},
          {"public_url_loopback", loopback_url(ctx.carriers.public_url)},
          {"allowed_origins", s.allowed_origins},
          {"color", s.color},
          {"greeting", s.greeting},
          {"reply_time", s.reply_time},
          {"office_hours", s.office_hours},
          {"identity_mode", s.identity_mode},
          {"identity_secret_set", !s.identity_secret.empty()},
          {"previous_secret_valid_until", opt_str(s.previous_secret.empty() ? std::nullopt : s.previous_secret_until)},
          {"snippet", snippet}};
}

asio::awaitable<response> get_settings(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto s = co_await services::widget_settings_of(ctx, ws);
  if (!s) co_return store_error(s.err());
  if (!*s) co_return response::error(404, "NOT_FOUND", "workspace not found");
  co_return response::json(200, settings_json(ctx, **s));
}

bool valid_color(const std::string& c) {
  return c.size() == 7 && c[0] == '#' && c.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
}

// The body of PATCH /api/v1/widget/settings: absent fields stay.
struct widget_settings_request {
  std::optional<std::vector<std::string>> allowed_origins;  // normalised, without duplicates
  std::map<std::string, std::optional<std::string>> texts;  // color, greeting, reply_time, office_hours, identity_mode

  static result<widget_settings_request> from_json(const json& body) {
    widget_settings_request in;
    if (auto it = body.find("allowed_origins"); it != body.end()) {
      if (!it->is_array() || it->size() > 100)
        return error{"INVALID_FORMAT", "allowed_origins must be an array of at most 100 origins"};
      std::vector<std::string> list;
      for (auto& o : *it) {
        auto p = o.is_string() ? widget::parse_pattern(trim(o.get<std::string>())) : std::nullopt;
        if (!p)
          return error{"INVALID_FORMAT", "allowed_origins: " + (o.is_string() ? o.get<std::string>() : o.dump()) +
                                             " is not an origin like https://shop.example.com or https://*.example.com"};
        auto text = widget::to_string(*p);
        if (std::find(list.begin(), list.end(), text) == list.end()) list.push_back(text);
      }
      in.allowed_origins = list;
    }
    struct text_field {
      const char* name;
      std::size_t max;
    };
    auto& texts = in.texts;
    for (auto f : {text_field{"color", 7}, text_field{"greeting", 280}, text_field{"reply_time", 200},
                   text_field{"office_hours", 200}, text_field{"identity_mode", 16}}) {
      auto v = opt_string(body, f.name);
      if (!v) return v.err();
      if (*v && (*v)->size() > f.max) return error{"INVALID_INPUT", std::string(f.name) + " is too long"};
      texts[f.name] = *v;
    }
    if (texts["color"] && !valid_color(*texts["color"])) return error{"INVALID_FORMAT", "color must look like #2563eb"};
    if (texts["identity_mode"] && !widget::parse_identity_mode(*texts["identity_mode"]))
      return error{"INVALID_INPUT", "identity_mode must be off, optional or required"};
    return in;
  }
};

asio::awaitable<response> patch_settings(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<widget_settings_request>(req);
  if (!in) co_return response::from(in.err());
  auto& texts = in->texts;
  services::widget_settings_change change;
  change.allowed_origins = in->allowed_origins;
  change.color = texts.at("color");
  change.greeting = texts.at("greeting");
  change.reply_time = texts.at("reply_time");
  change.office_hours = texts.at("office_hours");
  change.identity_mode = texts.at("identity_mode");
  auto ws = who.workspace_id;
  // Turning verification on before a secret exists is refused inside the write.
  auto s = co_await services::update_widget_settings(ctx, ws, change);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, settings_json(ctx, *s));
}

asio::awaitable<response> rotate_secret(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto grace = ctx.widget.secret_grace;
  auto fresh = random_hex(32);
  auto s = co_await services::rotate_widget_secret(ctx, ws, fresh, grace);
  if (!s) co_return store_error(s.err());
  // Shown once: later reads only say that a secret is set.
  auto j = settings_json(ctx, *s);
  j["identity_secret"] = fresh;
  co_return response::json(200, j);
}

}  // namespace

asio::awaitable<result<visitor>> authenticate_visitor(api_context& ctx, request& req, bool allow_query_token) {
  auto token = bearer_token(req, allow_query_token);
  std::optional<wstore::session> s;
  std::optional<wstore::settings> settings;
  std::vector<std::string> any_lists;
  if (widget::looks_like_token(token)) {
    auto hash = widget::hash_token(token);
    auto found = co_await services::find_visitor_session(ctx, hash);
    if (!found) co_return error{"INTERNAL", "token lookup failed"};
    s = found->session;
    settings = found->settings;
  }
  if (!s || !settings) {
    // Unknown token: answer readably to a page any workspace allows, so it starts a new session.
    auto lists = co_await services::all_allowed_origins(ctx);
    if (lists && origin_permitted(ctx, req, *lists)) mark_cors(req);
    co_return error{"NOT_AUTHENTICATED", "a valid widget token (Bearer wst_…) is required"};
  }
  if (!origin_permitted(ctx, req, settings->allowed_origins))
    co_return error{"NOT_AUTHORIZED", "this site may not use the widget of this workspace"};
  mark_cors(req);
  auto now = ctx.now();
  auto expires = parse_rfc3339(s->expires_at).value_or(sys_time{});
  switch (widget::check_token(expires, s->revoked_at.has_value(), now)) {
    case widget::token_state::revoked:
      co_return error{"NOT_AUTHENTICATED", "the widget session was ended"};
    case widget::token_state::expired:
      co_return error{"SESSION_EXPIRED", "the widget session has expired; start a new one"};
    case widget::token_state::valid:
      break;
  }
  visitor v;
  v.workspace_id = s->workspace_id;
  v.session_id = s->id;
  v.contact_id = s->contact_id;
  v.visitor_id = s->visitor_id;
  v.verified = s->verified;
  auto issued = parse_rfc3339(s->created_at).value_or(now);
  if (widget::needs_refresh(issued, expires, now)) {
    auto fresh = widget::issue_token(now, ctx.widget.token_ttl);
    wstore::session ns = *s;
    ns.created_at = format_rfc3339(now);
    ns.expires_at = format_rfc3339(fresh.expires_at);
    auto hash = fresh.hash;
    // The old token stays valid until it expires: requests already in flight keep working.
    if (auto w = co_await services::refresh_visitor_session(ctx, ns, hash)) {
      v.new_token = fresh.token;
      v.new_expires_at = ns.expires_at;
    }
  }
  co_return v;
}

void add_widget_routes(http::router& r, api_context& ctx) {
  // Every widget answer goes through with_cors (Vary, and CORS headers when allowed).
  auto wrap = [&ctx](auto fn) {
    return [&ctx, fn](request& q) -> asio::awaitable<response> {
      // Per client address, before any lookup (a refused page gets no CORS headers).
      if (q.method != "OPTIONS")
        if (auto limited = ip_limited(ctx, q)) co_return with_cors(q, std::move(*limited));
      auto res = co_await fn(ctx, q);
      co_return with_cors(q, std::move(res));
    };
  };
  constexpr std::size_t small_body = 16 * 1024;
  http::route_options small{small_body};
  r.add("POST", "/api/widget/v1/sessions", wrap(create_session), small);
  r.add("DELETE", "/api/widget/v1/sessions/current", wrap(revoke_session));
  r.add("GET", "/api/widget/v1/conversations", wrap(list_conversations));
  r.add("POST", "/api/widget/v1/conversations",
        wrap([](api_context& c, request& q) { return post_visitor_message(c, q, true); }), small);
  r.add("GET", "/api/widget/v1/conversations/{id}/messages", wrap(list_visitor_messages));
  r.add("POST", "/api/widget/v1/conversations/{id}/messages",
        wrap([](api_context& c, request& q) { return post_visitor_message(c, q, false); }), small);
  r.add("POST", "/api/widget/v1/conversations/{id}/csat", wrap(post_visitor_csat), small);
  r.add("POST", "/api/widget/v1/events", wrap(track_event), small);
  r.add("POST", "/api/widget/v1/media", wrap(upload_visitor_media),
        http::route_options{static_cast<std::size_t>(ctx.media.max_bytes)});
  r.add("GET", "/api/widget/v1/media/{id}", wrap(get_visitor_media));
  r.add("GET", "/api/widget/v1/articles", wrap(list_visitor_articles));
  r.add("GET", "/api/widget/v1/articles/{slug}", wrap(get_visitor_article));
  for (auto path : {"/api/widget/v1/sessions", "/api/widget/v1/sessions/current", "/api/widget/v1/conversations",
                    "/api/widget/v1/conversations/{id}/messages", "/api/widget/v1/conversations/{id}/csat",
                    "/api/widget/v1/events", "/api/widget/v1/media",
                    "/api/widget/v1/media/{id}", "/api/widget/v1/articles", "/api/widget/v1/articles/{slug}"})
    r.add("OPTIONS", path, wrap(preflight));

  r.add("GET", "/api/v1/widget/settings", authorized(ctx, "widget.manage", get_settings));
  r.add("PATCH", "/api/v1/widget/settings", authorized(ctx, "widget.manage", patch_settings));
  r.add("POST", "/api/v1/widget/settings/identity_secret", authorized(ctx, "widget.manage", rotate_secret));
}

}  // namespace switchboard::api
