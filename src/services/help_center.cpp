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

// The installation's workspace and what its pages show of it.
std::optional<help_site_facts> site_of(store::unit_of_work& uow) {
  auto ws = uow.workspaces().first();
  if (!ws) return std::nullopt;
  help_site_facts s;
  s.workspace_id = *ws;
  s.name = uow.workspaces().name_of(*ws).value_or("Help center");
  if (auto w = uow.widget().get_settings(*ws)) {
    s.color = w->color;
    s.chat_enabled = true;
  }
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

asio::awaitable<result<std::optional<help_home_view>>> help_home(context& ctx) {
  auto job = [](store::unit_of_work& uow) -> std::optional<help_home_view> {
    auto site = site_of(uow);
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

asio::awaitable<result<std::optional<help_collection_view>>> help_collection(context& ctx, std::string slug) {
  auto job = [slug](store::unit_of_work& uow) -> std::optional<help_collection_view> {
    auto site = site_of(uow);
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

asio::awaitable<result<std::optional<help_article_view>>> help_article(context& ctx, std::string slug) {
  auto job = [slug](store::unit_of_work& uow) -> std::optional<help_article_view> {
    auto site = site_of(uow);
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

asio::awaitable<result<std::optional<help_search_view>>> help_search(context& ctx, std::string text, int limit) {
  auto job = [](store::unit_of_work& uow) { return site_of(uow); };
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

asio::awaitable<result<std::optional<help_sitemap_view>>> help_sitemap(context& ctx) {
  auto job = [](store::unit_of_work& uow) -> std::optional<help_sitemap_view> {
    auto site = site_of(uow);
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

asio::awaitable<result<bool>> help_vote(context& ctx, std::string slug, bool helpful) {
  auto job = [slug, helpful](store::unit_of_work& uow) {
    auto site = site_of(uow);
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

}  // namespace switchboard::services
