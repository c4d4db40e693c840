#include "switchboard/services/help_center.hpp"

#include <algorithm>
#include <set>

#include "switchboard/services/articles.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using store::id_t;
namespace skb = store::kb;

namespace {

constexpr const char* help_setting = "help_center";

// The workspace a public request is for, and what its pages show of it.
std::optional<help_site_facts> site_of(store::unit_of_work& uow, const help_scope& scope,
                                       const std::string& public_url) {
  std::optional<id_t> ws;
  help_center_settings chosen;
  std::string base;
  for (auto& [id, text] : uow.workspaces().settings_named(help_setting)) {
    auto s = parse_help_center_settings(text);
    bool match = scope.slug ? s.slug == scope.slug
                            : std::find(s.host_names.begin(), s.host_names.end(), scope.host) != s.host_names.end();
    if (!match) continue;
    ws = id;
    chosen = s;
    break;
  }
  if (scope.slug && !ws) return std::nullopt;
  if (!ws) {
    ws = uow.workspaces().first();
    if (!ws) return std::nullopt;
    chosen = parse_help_center_settings(uow.workspaces().setting(*ws, help_setting));
    chosen.slug.reset();  // served at /help/ here
    chosen.host_names.clear();
  }
  help_site_facts s;
  s.workspace_id = *ws;
  s.name = uow.workspaces().name_of(*ws).value_or("Help center");
  if (auto w = uow.widget().get_settings(*ws)) {
    s.color = w->color;
    s.chat_enabled = true;
  }
  // The address asked for: /hc/{slug}, or the host a custom domain came in on.
  if (scope.slug) chosen.host_names.clear();
  else if (!chosen.host_names.empty()) chosen.host_names = {scope.host};
  s.base_url = help_center_url(public_url, chosen);
  return s;
}

constexpr int page_max = 200;  // articles on one page

// A published article of the workspace by slug, else nullopt.
std::optional<skb::article> published(store::unit_of_work& uow, id_t ws, const std::string& slug) {
  auto a = uow.articles().find_by_slug(ws, slug);
  if (!a || a->status != "published") return std::nullopt;
  return a;
}

}  // namespace

asio::awaitable<result<std::optional<help_home_view>>> help_home(context& ctx, help_scope scope) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url](store::unit_of_work& uow) -> std::optional<help_home_view> {
    auto site = site_of(uow, scope, public_url);
    if (!site) return std::nullopt;
    help_home_view v;
    v.site = *site;
    auto ws = site->workspace_id;
    skb::article_filter f;
    f.status = "published";
    f.limit = 10000;
    std::set<id_t> used;
    for (auto& a : uow.articles().list(ws, f))
      if (a.collection_id) {
        ++v.article_counts[*a.collection_id];
        used.insert(*a.collection_id);
      }
    // A collection shows when it or one of its sub-collections has a published article.
    auto all = uow.articles().collections(ws);
    for (auto& c : all)
      if (c.parent_id && used.count(c.id)) used.insert(*c.parent_id);
    for (auto& c : all)
      if (used.count(c.id)) v.collections.push_back(c);
    v.popular = uow.articles().popular(ws, 8);
    return v;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::optional<help_collection_view>>> help_collection(context& ctx, help_scope scope,
                                                                             std::string slug) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url, slug](store::unit_of_work& uow) -> std::optional<help_collection_view> {
    auto site = site_of(uow, scope, public_url);
    if (!site) return std::nullopt;
    auto ws = site->workspace_id;
    auto c = uow.articles().find_collection_by_slug(ws, slug);
    if (!c) return std::nullopt;
    help_collection_view v;
    v.site = *site;
    v.collection = *c;
    if (c->parent_id) v.parent = uow.articles().find_collection(ws, *c->parent_id);
    for (auto& child : uow.articles().collections(ws))
      if (child.parent_id == c->id) v.children.push_back(child);
    v.articles = uow.articles().published_in(ws, c->id, page_max);
    return v;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::optional<help_article_view>>> help_article(context& ctx, help_scope scope,
                                                                       std::string slug) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url, slug](store::unit_of_work& uow) -> std::optional<help_article_view> {
    auto site = site_of(uow, scope, public_url);
    if (!site) return std::nullopt;
    auto ws = site->workspace_id;
    auto a = published(uow, ws, slug);
    if (!a) return std::nullopt;
    help_article_view v;
    v.site = *site;
    v.article = *a;
    if (a->collection_id) {
      v.collection = uow.articles().find_collection(ws, *a->collection_id);
      if (v.collection && v.collection->parent_id)
        v.parent = uow.articles().find_collection(ws, *v.collection->parent_id);
      for (auto& other : uow.articles().published_in(ws, a->collection_id, 6))
        if (other.id != a->id && v.related.size() < 5) v.related.push_back(other);
    }
    return v;
  };
  auto view = co_await ctx.db.read(std::move(job));
  if (!view || !*view) co_return view;
  // The view is counted after the page is read; a failed count does not fail the page.
  auto ws = (*view)->site.workspace_id;
  auto id = (*view)->article.id;
  auto count = [ws, id](store::unit_of_work& uow) { uow.articles().add_view(ws, id); };
  co_await ctx.db.write(std::move(count));
  co_return view;
}

asio::awaitable<result<std::optional<help_search_view>>> help_search(context& ctx, help_scope scope, std::string text,
                                                                     int limit) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url](store::unit_of_work& uow) { return site_of(uow, scope, public_url); };
  auto site = co_await ctx.db.read(std::move(job));
  if (!site) co_return site.err();
  if (!*site) co_return std::optional<help_search_view>();
  help_search_view v;
  v.site = **site;
  article_search q;
  q.text = text;
  q.typing = false;
  q.any_if_none = true;
  q.limit = limit;
  auto hits = co_await search_articles(ctx, v.site.workspace_id, q);
  if (!hits) co_return hits.err();
  v.hits = std::move(*hits);
  co_return std::optional<help_search_view>(std::move(v));
}

asio::awaitable<result<std::optional<help_sitemap_view>>> help_sitemap(context& ctx, help_scope scope) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url](store::unit_of_work& uow) -> std::optional<help_sitemap_view> {
    auto site = site_of(uow, scope, public_url);
    if (!site) return std::nullopt;
    help_sitemap_view v;
    v.site = *site;
    v.collections = uow.articles().collections(site->workspace_id);
    skb::article_filter f;
    f.status = "published";
    f.limit = 50000;  // a sitemap file's own limit
    v.articles = uow.articles().list(site->workspace_id, f);
    return v;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<bool>> help_vote(context& ctx, help_scope scope, std::string slug, bool helpful) {
  auto public_url = ctx.carriers.public_url;
  auto job = [scope, public_url, slug, helpful](store::unit_of_work& uow) {
    auto site = site_of(uow, scope, public_url);
    if (!site) return false;
    auto a = published(uow, site->workspace_id, slug);
    if (!a) return false;
    uow.articles().add_vote(site->workspace_id, a->id, helpful);
    return true;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::optional<skb::article>>> published_article(context& ctx, id_t ws, std::string slug) {
  auto job = [ws, slug](store::unit_of_work& uow) { return published(uow, ws, slug); };
  auto a = co_await ctx.db.read(std::move(job));
  if (!a || !*a) co_return a;
  auto id = (*a)->id;
  auto count = [ws, id](store::unit_of_work& uow) { uow.articles().add_view(ws, id); };
  co_await ctx.db.write(std::move(count));
  co_return a;
}

std::string help_center_url(const std::string& public_url, const help_center_settings& s) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!s.host_names.empty()) {
    auto scheme = base.rfind("http://", 0) == 0 ? std::string("http://") : std::string("https://");
    return scheme + s.host_names.front() + "/help";
  }
  if (s.slug) return base + "/hc/" + *s.slug;
  return base + "/help";
}

help_center_settings parse_help_center_settings(const std::optional<std::string>& text) {
  help_center_settings s;
  if (!text) return s;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return s;
  if (auto it = j.find("slug"); it != j.end() && it->is_string()) s.slug = it->get<std::string>();
  if (auto it = j.find("host_names"); it != j.end() && it->is_array())
    for (auto& h : *it)
      if (h.is_string()) s.host_names.push_back(h.get<std::string>());
  return s;
}

namespace {

bool valid_slug(const std::string& s) {
  if (s.empty() || s.size() > 60 || s.front() == '-' || s.back() == '-' || s.find("--") != std::string::npos)
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// A DNS name as typed in a browser, lower-cased, without scheme, port or path.
bool valid_host(const std::string& h) {
  if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.' || h.find("..") != std::string::npos)
    return false;
  std::size_t label = 0;
  for (char c : h) {
    if (c == '.') {
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') || ++label > 63) return false;
  }
  return h.find('.') != std::string::npos;
}

nlohmann::json settings_json(const help_center_settings& s) {
  return {{"slug", s.slug ? nlohmann::json(*s.slug) : nlohmann::json(nullptr)}, {"host_names", s.host_names}};
}

}  // namespace

asio::awaitable<result<help_center_settings>> help_center_settings_of(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.workspaces().setting(ws, help_setting); };
  auto text = co_await ctx.db.read(std::move(job));
  if (!text) co_return text.err();
  co_return parse_help_center_settings(*text);
}

asio::awaitable<result<help_center_settings>> update_help_center_settings(context& ctx, store::principal who,
                                                                         std::string ip, nlohmann::json body) {
  if (!body.is_object()) co_return error{"INVALID_INPUT", "the body must be a JSON object"};
  for (auto& [k, v] : body.items())
    if (k != "slug" && k != "host_names") co_return error{"INVALID_INPUT", k + ": unknown field"};
  std::optional<std::optional<std::string>> slug;
  if (auto it = body.find("slug"); it != body.end()) {
    if (it->is_null()) {
      slug = std::optional<std::string>();
    } else if (!it->is_string() || !valid_slug(it->get<std::string>())) {
      co_return error{"INVALID_INPUT", "slug: lowercase letters, digits and single hyphens, at most 60, or null"};
    } else {
      slug = it->get<std::string>();
    }
  }
  std::optional<std::vector<std::string>> hosts;
  if (auto it = body.find("host_names"); it != body.end()) {
    if (!it->is_array() || it->size() > help_host_names_max)
      co_return error{"INVALID_INPUT", "host_names: a list of at most 10 host names"};
    std::vector<std::string> list;
    for (auto& h : *it) {
      if (!h.is_string() || !valid_host(h.get<std::string>()))
        co_return error{"INVALID_INPUT", "host_names: each a lower-case host name like help.example.com (no scheme or port)"};
      if (std::find(list.begin(), list.end(), h.get<std::string>()) == list.end()) list.push_back(h.get<std::string>());
    }
    hosts = std::move(list);
  }
  auto ws = who.workspace_id;
  auto at = now_text(ctx);
  auto job = [ws, who, ip, body, slug, hosts, at](store::unit_of_work& uow) {
    auto s = parse_help_center_settings(uow.workspaces().setting(ws, help_setting));
    if (slug) s.slug = *slug;
    if (hosts) s.host_names = *hosts;
    // A slug or host name is one workspace's.
    for (auto& [other, text] : uow.workspaces().settings_named(help_setting)) {
      if (other == ws) continue;
      auto o = parse_help_center_settings(text);
      if (s.slug && o.slug == s.slug) throw store::job_error("CONFLICT", "another workspace's help center has this slug");
      for (auto& h : s.host_names)
        if (std::find(o.host_names.begin(), o.host_names.end(), h) != o.host_names.end())
          throw store::job_error("CONFLICT", "another workspace's help center has the host name " + h);
    }
    uow.workspaces().put_setting(ws, help_setting, settings_json(s).dump(), at);
    uow.auth().audit(ws, who.teammate_id, "help_center.updated", "workspace", ws, body, ip, at);
    return s;
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
