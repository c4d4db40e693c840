// The knowledge base's admin API (issue 20): /api/v1/articles and
// /api/v1/collections. Reading needs articles.read (every teammate), changing
// articles.write. Bodies are Markdown; the answers carry the rendered HTML and
// the public URL on the help center.
#include <set>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/helpcenter/pages.hpp"
#include "switchboard/services/articles.hpp"
#include "switchboard/services/help_center.hpp"

namespace switchboard::api {

namespace {

namespace skb = store::kb;
using services::article_fields;
using services::collection_fields;
using services::kb_actor;

const std::set<std::string> article_statuses = {"draft", "published", "archived"};

// The workspace's help center address (help_center settings), for articles' public URLs.
asio::awaitable<std::string> help_base(api_context& ctx, id_t ws) {
  auto s = co_await services::help_center_settings_of(ctx, ws);
  co_return services::help_center_url(ctx.carriers.public_url, s ? *s : services::help_center_settings{});
}

json article_json(const std::string& base, const skb::article& a, bool with_body) {
  json j = {{"id", id_str(a.id)},
            {"slug", a.slug},
            {"title", a.title},
            {"excerpt", a.excerpt},
            {"status", a.status},
            {"collection_id", opt_id(a.collection_id)},
            {"author_id", opt_id(a.author_id)},
            {"position", a.position},
            {"views", a.views},
            {"helpful_yes", a.helpful_yes},
            {"helpful_no", a.helpful_no},
            {"created_at", a.created_at},
            {"updated_at", a.updated_at},
            {"published_at", opt_str(a.published_at)},
            {"url", base + "/articles/" + a.slug}};
  if (with_body) {
    j["body"] = a.body;
    j["body_html"] = a.body_html;
  }
  return j;
}

json collection_json(const skb::collection& c) {
  return {{"id", id_str(c.id)},           {"parent_id", opt_id(c.parent_id)}, {"name", c.name},
          {"slug", c.slug},               {"description", c.description},     {"position", c.position},
          {"created_at", c.created_at},   {"updated_at", c.updated_at}};
}

kb_actor actor(const principal& who, const request& req) { return kb_actor{who, req.remote}; }

// A slug as written by a person: lowercase letters, digits and single hyphens.
std::optional<error> check_slug(const std::string& slug) {
  bool ok = !slug.empty() && slug.size() <= 80 && slug.front() != '-' && slug.back() != '-' &&
            slug.find("--") == std::string::npos;
  for (char ch : slug) ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
  if (!ok)
    return error{"INVALID_FORMAT", "slug must be lowercase letters, digits and hyphens (at most 80)"};
  return std::nullopt;
}

// A text field of at most `max` bytes; `required` also refuses blank.
result<std::optional<std::string>> bounded_text(const json& body, const char* field, std::size_t max, bool trim_it,
                                                bool required) {
  auto v = opt_string(body, field);
  if (!v) return v.err();
  if (!*v) {
    if (required) return error{"MISSING_REQUIRED_FIELD", std::string(field) + " is required"};
    return v;
  }
  std::string s = trim_it ? trim(**v) : **v;
  if (required && s.empty()) return error{"MISSING_REQUIRED_FIELD", std::string(field) + " must not be blank"};
  if (s.size() > max)
    return error{"INVALID_INPUT", std::string(field) + " is longer than " + std::to_string(max) + " bytes"};
  return std::optional<std::string>(std::move(s));
}

// The body of POST /articles (create) and PATCH /articles/{id} (absent fields stay).
struct article_request {
  article_fields f;

  static result<article_request> from_json(const json& body, bool create) {
    article_request in;
    auto title = bounded_text(body, "title", services::article_title_max, true, create);
    if (!title) return title.err();
    if (!create && *title && (*title)->empty()) return error{"MISSING_REQUIRED_FIELD", "title must not be blank"};
    in.f.title = *title;
    auto text = bounded_text(body, "body", services::article_body_max, false, false);
    if (!text) return text.err();
    in.f.body = *text;
    auto excerpt = bounded_text(body, "excerpt", services::article_excerpt_max, true, false);
    if (!excerpt) return excerpt.err();
    in.f.excerpt = *excerpt;
    auto status = opt_string(body, "status");
    if (!status) return status.err();
    if (*status && !article_statuses.count(**status))
      return error{"INVALID_FORMAT", "status must be draft, published or archived"};
    in.f.status = *status;
    auto slug = opt_string(body, "slug");
    if (!slug) return slug.err();
    if (*slug)
      if (auto bad = check_slug(**slug)) return *bad;
    in.f.slug = *slug;
    auto collection = id_field(body, "collection_id");
    if (!collection) return collection.err();
    in.f.collection_id = *collection;
    return in;
  }
};

struct collection_request {
  collection_fields f;

  static result<collection_request> from_json(const json& body, bool create) {
    collection_request in;
    auto name = bounded_text(body, "name", services::collection_name_max, true, create);
    if (!name) return name.err();
    if (!create && *name && (*name)->empty()) return error{"MISSING_REQUIRED_FIELD", "name must not be blank"};
    in.f.name = *name;
    auto description = bounded_text(body, "description", services::collection_description_max, true, false);
    if (!description) return description.err();
    in.f.description = *description;
    auto slug = opt_string(body, "slug");
    if (!slug) return slug.err();
    if (*slug)
      if (auto bad = check_slug(**slug)) return *bad;
    in.f.slug = *slug;
    auto parent = id_field(body, "parent_id");
    if (!parent) return parent.err();
    in.f.parent_id = *parent;
    if (auto it = body.find("position"); it != body.end() && !it->is_null()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 1'000'000)
        return error{"INVALID_FORMAT", "position must be an integer from 0 to 1000000"};
      in.f.position = it->get<std::int64_t>();
    }
    return in;
  }
};

// {"ids": ["3", "1", …]}: at most 1000 distinct ids.
result<std::vector<id_t>> ids_of(const json& body) {
  auto it = body.find("ids");
  if (it == body.end() || !it->is_array()) return error{"MISSING_REQUIRED_FIELD", "ids must be an array of ids"};
  if (it->size() > 1000) return error{"INVALID_INPUT", "at most 1000 ids"};
  std::vector<id_t> out;
  std::set<id_t> seen;
  for (auto& v : *it) {
    std::optional<id_t> id;
    if (v.is_string()) id = parse_id(v.get<std::string>());
    if (v.is_number_integer() && v.get<std::int64_t>() > 0) id = v.get<std::int64_t>();
    if (!id) return error{"INVALID_FORMAT", "ids must be an array of ids"};
    if (!seen.insert(*id).second) return error{"INVALID_INPUT", "an id is listed twice"};
    out.push_back(*id);
  }
  return out;
}

asio::awaitable<response> list_articles(api_context& ctx, request& req, const principal& who) {
  auto ws = who.workspace_id;
  std::optional<std::string> status;
  if (auto s = req.query_param("status")) {
    if (!article_statuses.count(*s))
      co_return response::error(400, "INVALID_INPUT", "status must be draft, published or archived");
    status = *s;
  }
  if (auto q = req.query_param("q")) {
    auto limit = parse_limit(req);
    if (!limit) co_return response::from(limit.err());
    if (q->size() > 200) co_return response::error(400, "INVALID_INPUT", "q is longer than 200 bytes");
    services::article_search s;
    s.text = *q;
    s.status = status;
    s.limit = *limit;
    auto hits = co_await services::search_articles(ctx, ws, s);
    if (!hits) co_return store_error(hits.err());
    auto base = co_await help_base(ctx, ws);
    json items = json::array();
    for (auto& h : *hits) {
      auto j = article_json(base, h.a, false);
      j["snippet"] = helpcenter::snippet_html(h.snippet);
      j["score"] = h.score;
      items.push_back(std::move(j));
    }
    co_return page(items, std::nullopt);
  }
  auto pq = parse_page(req);
  if (!pq) co_return response::from(pq.err());
  skb::article_filter f;
  f.status = status;
  f.limit = pq->limit;
  f.before = pq->after;
  if (auto c = req.query_param("collection_id")) {
    auto id = parse_id(*c);
    if (!id) co_return response::error(400, "INVALID_INPUT", "collection_id must be an id");
    f.collection_id = *id;
  }
  auto rows = co_await services::list_articles(ctx, ws, f);
  if (!rows) co_return store_error(rows.err());
  auto base = co_await help_base(ctx, ws);
  json items = json::array();
  for (auto& a : *rows) items.push_back(article_json(base, a, false));
  co_return page(items, next_cursor(*rows, f.limit));
}

asio::awaitable<response> create_article(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<article_request>(req, true);
  if (!in) co_return response::from(in.err());
  auto by = actor(who, req);
  auto fields = in->f;
  auto a = co_await services::create_article(ctx, by, fields);
  if (!a) co_return store_error(a.err(), "an article with this slug exists");
  auto base = co_await help_base(ctx, who.workspace_id);
  co_return response::json(201, article_json(base, *a, true));
}

asio::awaitable<response> get_article(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "article not found");
  auto ws = who.workspace_id;
  auto aid = *id;
  auto a = co_await services::get_article(ctx, ws, aid);
  if (!a) co_return store_error(a.err());
  auto base = co_await help_base(ctx, who.workspace_id);
  co_return response::json(200, article_json(base, *a, true));
}

asio::awaitable<response> patch_article(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "article not found");
  auto in = read_body<article_request>(req, false);
  if (!in) co_return response::from(in.err());
  auto by = actor(who, req);
  auto aid = *id;
  auto fields = in->f;
  auto a = co_await services::update_article(ctx, by, aid, fields);
  if (!a) co_return store_error(a.err(), "an article with this slug exists");
  auto base = co_await help_base(ctx, who.workspace_id);
  co_return response::json(200, article_json(base, *a, true));
}

asio::awaitable<response> delete_article(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "article not found");
  auto by = actor(who, req);
  auto aid = *id;
  auto w = co_await services::delete_article(ctx, by, aid);
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> list_revisions(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "article not found");
  auto ws = who.workspace_id;
  auto aid = *id;
  auto rows = co_await services::list_revisions(ctx, ws, aid);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& r : *rows)
    items.push_back({{"id", id_str(r.id)},
                     {"title", r.title},
                     {"excerpt", r.excerpt},
                     {"body", r.body},
                     {"author_id", opt_id(r.author_id)},
                     {"created_at", r.created_at}});
  co_return page(items, std::nullopt);
}

asio::awaitable<response> restore_revision(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  auto rid = parse_id(req.params.at("revision_id"));
  if (!id || !rid) co_return response::error(404, "NOT_FOUND", "revision not found");
  auto by = actor(who, req);
  auto aid = *id;
  auto rev = *rid;
  auto a = co_await services::restore_revision(ctx, by, aid, rev);
  if (!a) co_return store_error(a.err());
  auto base = co_await help_base(ctx, who.workspace_id);
  co_return response::json(200, article_json(base, *a, true));
}

asio::awaitable<response> reorder_articles(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ids = ids_of(*body);
  if (!ids) co_return response::from(ids.err());
  auto by = actor(who, req);
  auto list = *ids;
  auto w = co_await services::reorder_articles(ctx, by, list);
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> preview_article(api_context& ctx, request& req, const principal&) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto text = bounded_text(*body, "body", services::article_body_max, false, false);
  if (!text) co_return response::from(text.err());
  auto markdown = text->value_or("");
  auto html = co_await services::preview_html(ctx, std::move(markdown));
  if (!html) co_return store_error(html.err());
  co_return response::json(200, {{"html", *html}});
}

asio::awaitable<response> list_collections(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_collections(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(collection_json(c));
  co_return page(items, std::nullopt);
}

asio::awaitable<response> create_collection(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<collection_request>(req, true);
  if (!in) co_return response::from(in.err());
  auto by = actor(who, req);
  auto fields = in->f;
  auto c = co_await services::create_collection(ctx, by, fields);
  if (!c) co_return store_error(c.err(), "a collection with this slug exists");
  co_return response::json(201, collection_json(*c));
}

asio::awaitable<response> patch_collection(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "collection not found");
  auto in = read_body<collection_request>(req, false);
  if (!in) co_return response::from(in.err());
  auto by = actor(who, req);
  auto cid = *id;
  auto fields = in->f;
  auto c = co_await services::update_collection(ctx, by, cid, fields);
  if (!c) co_return store_error(c.err(), "a collection with this slug exists");
  co_return response::json(200, collection_json(*c));
}

asio::awaitable<response> delete_collection(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "collection not found");
  auto by = actor(who, req);
  auto cid = *id;
  auto w = co_await services::delete_collection(ctx, by, cid);
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

json help_settings_json(const api_context& ctx, const services::help_center_settings& s) {
  return {{"slug", s.slug ? json(*s.slug) : json(nullptr)},
          {"host_names", s.host_names},
          {"url", services::help_center_url(ctx.carriers.public_url, s) + "/"}};
}

asio::awaitable<response> get_help_settings(api_context& ctx, request&, const principal& who) {
  auto s = co_await services::help_center_settings_of(ctx, who.workspace_id);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, help_settings_json(ctx, *s));
}

asio::awaitable<response> patch_help_settings(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ip = req.remote;
  auto s = co_await services::update_help_center_settings(ctx, who, ip, *body);
  if (!s) co_return store_error(s.err(), "another workspace's help center has it");
  co_return response::json(200, help_settings_json(ctx, *s));
}

}  // namespace

void add_article_routes(http::router& r, api_context& ctx) {
  // An article's Markdown may be up to article_body_max bytes, more once in JSON.
  const http::route_options article_body{2 * services::article_body_max + 64 * 1024};
  r.add("GET", "/api/v1/articles", authorized(ctx, "articles.read", list_articles));
  r.add("POST", "/api/v1/articles", authorized(ctx, "articles.write", create_article), article_body);
  r.add("POST", "/api/v1/articles/reorder", authorized(ctx, "articles.write", reorder_articles));
  r.add("POST", "/api/v1/articles/preview", authorized(ctx, "articles.write", preview_article), article_body);
  r.add("GET", "/api/v1/articles/{id}", authorized(ctx, "articles.read", get_article));
  r.add("PATCH", "/api/v1/articles/{id}", authorized(ctx, "articles.write", patch_article), article_body);
  r.add("DELETE", "/api/v1/articles/{id}", authorized(ctx, "articles.write", delete_article));
  r.add("GET", "/api/v1/articles/{id}/revisions", authorized(ctx, "articles.read", list_revisions));
  r.add("POST", "/api/v1/articles/{id}/revisions/{revision_id}/restore",
        authorized(ctx, "articles.write", restore_revision));
  r.add("GET", "/api/v1/collections", authorized(ctx, "articles.read", list_collections));
  r.add("POST", "/api/v1/collections", authorized(ctx, "articles.write", create_collection));
  r.add("PATCH", "/api/v1/collections/{id}", authorized(ctx, "articles.write", patch_collection));
  r.add("DELETE", "/api/v1/collections/{id}", authorized(ctx, "articles.write", delete_collection));
  r.add("GET", "/api/v1/help_center/settings", authorized(ctx, "articles.write", get_help_settings));
  r.add("PATCH", "/api/v1/help_center/settings", authorized(ctx, "articles.write", patch_help_settings));
}

}  // namespace switchboard::api
