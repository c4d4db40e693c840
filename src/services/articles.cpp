#include "switchboard/services/articles.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "switchboard/core/offload.hpp"
#include "switchboard/kb/markdown.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using json = nlohmann::json;
using store::id_t;
namespace skb = store::kb;

namespace {

// What an article's Markdown makes: HTML, visible text and the excerpt.
struct rendering {
  std::string html, text, excerpt;
};

// Rendered on the CPU pool when the context has one: never on the io_context
// thread (up to article_body_max of Markdown) nor the writer's (shared by every write).
asio::awaitable<result<rendering>> render(context& ctx, std::string markdown) {
  auto work = [markdown = std::move(markdown)] {
    return rendering{kb::render_html(markdown), kb::plain_text(markdown), kb::excerpt(markdown)};
  };
  if (!ctx.cpu_pool) co_return work();
  auto done = co_await offload(*ctx.cpu_pool, std::move(work));
  if (!done) co_return error{"INTERNAL", "the article could not be rendered"};
  co_return std::move(*done);
}

// `base`, else base-2, base-3, … : the first slug no other article of the
// workspace has (in this job's transaction; the unique index decides races).
std::string free_slug(store::article_repository& repo, id_t ws, const std::string& base, id_t self) {
  for (int n = 1; n < 1000; ++n) {
    auto candidate = n == 1 ? base : base + "-" + std::to_string(n);
    auto taken = repo.find_by_slug(ws, candidate);
    if (!taken || taken->id == self) return candidate;
  }
  throw store::job_error("CONFLICT", "no free slug for " + base);
}

void audit(store::unit_of_work& uow, const kb_actor& by, const std::string& action, const std::string& kind,
           id_t id, json details, const std::string& at) {
  uow.auth().audit(by.who.workspace_id, by.who.teammate_id, action, kind, id, std::move(details), by.ip, at);
}

void check_collection(store::unit_of_work& uow, id_t ws, const std::optional<id_t>& collection_id) {
  if (collection_id && !uow.articles().find_collection(ws, *collection_id))
    throw store::job_error("NOT_FOUND", "collection not found");
}

void add_revision(store::unit_of_work& uow, const skb::article& a, const kb_actor& by, const std::string& at) {
  skb::revision r;
  r.workspace_id = a.workspace_id;
  r.article_id = a.id;
  r.title = a.title;
  r.excerpt = a.excerpt;
  r.body = a.body;
  r.author_id = by.who.teammate_id;
  r.created_at = at;
  uow.articles().add_revision(r);
}

}  // namespace

asio::awaitable<result<std::string>> preview_html(context& ctx, std::string markdown) {
  auto r = co_await render(ctx, std::move(markdown));
  if (!r) co_return r.err();
  co_return std::move(r->html);
}

asio::awaitable<result<skb::article>> create_article(context& ctx, kb_actor by, article_fields in) {
  auto at = now_text(ctx);
  skb::article a;
  a.workspace_id = by.who.workspace_id;
  a.title = in.title.value_or("");
  a.body = in.body.value_or("");
  a.status = in.status.value_or("draft");
  a.collection_id = in.collection_id.value_or(std::nullopt);
  a.author_id = by.who.teammate_id;
  a.created_at = a.updated_at = at;
  if (a.status == "published") a.published_at = at;
  auto made = co_await render(ctx, a.body);
  if (!made) co_return made.err();
  a.body_html = made->html;
  a.body_text = made->text;
  a.excerpt = in.excerpt ? *in.excerpt : made->excerpt;
  std::string base = in.slug ? *in.slug : kb::slugify(a.title);
  if (base.empty()) base = "article";
  const bool slug_given = in.slug.has_value();
  auto job = [draft = a, by, at, base, slug_given](store::unit_of_work& uow) {
    auto a = draft;
    check_collection(uow, a.workspace_id, a.collection_id);
    // A slug asked for is taken as it is (CONFLICT when in use); a made one is unique.
    a.slug = slug_given ? base : free_slug(uow.articles(), a.workspace_id, base, 0);
    a.id = uow.articles().insert(a);
    add_revision(uow, a, by, at);
    audit(uow, by, "article.created", "article", a.id, {{"title", a.title}, {"status", a.status}}, at);
    return a;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<skb::article>> update_article(context& ctx, kb_actor by, id_t id, article_fields in) {
  auto at = now_text(ctx);
  // Rendered before the job: the writer's thread is shared by every write.
  std::optional<rendering> made;
  // The old body and the excerpt it made, read (and rendered) on a reader: the
  // excerpt follows the body unless one was written by hand (it then differs).
  std::optional<std::pair<std::string, std::string>> old;
  if (in.body) {
    auto ws = by.who.workspace_id;
    auto read_old = [ws, id](store::unit_of_work& uow) {
      std::optional<std::pair<std::string, std::string>> out;
      if (auto row = uow.articles().find(ws, id)) out.emplace(row->body, kb::excerpt(row->body));
      return out;
    };
    auto was = co_await ctx.db.read(std::move(read_old));
    if (!was) co_return was.err();
    old = std::move(*was);
    auto r = co_await render(ctx, *in.body);
    if (!r) co_return r.err();
    made = std::move(*r);
  }
  auto job = [by, id, in, at, made, old](store::unit_of_work& uow) {
    auto ws = by.who.workspace_id;
    auto row = uow.articles().find(ws, id);
    if (!row) throw store::job_error("NOT_FOUND", "article not found");
    auto a = *row;
    if (in.title) a.title = *in.title;
    if (in.body) {
      // A body changed since it was read keeps its excerpt (rare; nothing rendered here).
      bool hand_written = !old || a.body != old->first || a.excerpt != old->second;
      a.body = *in.body;
      a.body_html = made->html;
      a.body_text = made->text;
      if (!hand_written) a.excerpt = made->excerpt;
    }
    if (in.excerpt) a.excerpt = *in.excerpt;
    if (in.collection_id) {
      check_collection(uow, ws, *in.collection_id);
      a.collection_id = *in.collection_id;
    }
    if (in.slug && *in.slug != a.slug) a.slug = *in.slug;  // CONFLICT from the index when in use
    std::string was_status = a.status;
    if (in.status) a.status = *in.status;
    if (a.status == "published" && !a.published_at) a.published_at = at;
    a.updated_at = at;
    uow.articles().update(a);
    bool words_changed = a.title != row->title || a.body != row->body || a.excerpt != row->excerpt;
    if (words_changed) add_revision(uow, a, by, at);
    json details = {{"status", a.status}};
    if (words_changed) details["revised"] = true;
    std::string action = a.status != was_status
                             ? (a.status == "published" ? "article.published"
                                : a.status == "archived" ? "article.archived"
                                                         : "article.unpublished")
                             : "article.updated";
    audit(uow, by, action, "article", a.id, details, at);
    return a;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> delete_article(context& ctx, kb_actor by, id_t id) {
  auto at = now_text(ctx);
  auto job = [by, id, at](store::unit_of_work& uow) {
    auto row = uow.articles().find(by.who.workspace_id, id);
    if (!row || !uow.articles().remove(by.who.workspace_id, id))
      throw store::job_error("NOT_FOUND", "article not found");
    audit(uow, by, "article.deleted", "article", id, {{"title", row->title}, {"slug", row->slug}}, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<skb::article>> get_article(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) {
    auto row = uow.articles().find(ws, id);
    if (!row) throw store::job_error("NOT_FOUND", "article not found");
    return *row;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<skb::article>>> list_articles(context& ctx, id_t ws, skb::article_filter f) {
  auto job = [ws, f](store::unit_of_work& uow) { return uow.articles().list(ws, f); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<skb::revision>>> list_revisions(context& ctx, id_t ws, id_t article_id) {
  auto job = [ws, article_id](store::unit_of_work& uow) {
    if (!uow.articles().find(ws, article_id)) throw store::job_error("NOT_FOUND", "article not found");
    return uow.articles().revisions(ws, article_id);
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<skb::article>> restore_revision(context& ctx, kb_actor by, id_t article_id, id_t revision_id) {
  auto ws = by.who.workspace_id;
  auto rev_job = [ws, article_id, revision_id](store::unit_of_work& uow) {
    auto r = uow.articles().find_revision(ws, article_id, revision_id);
    if (!r) throw store::job_error("NOT_FOUND", "revision not found");
    return *r;
  };
  auto rev = co_await ctx.db.read(std::move(rev_job));
  if (!rev) co_return rev.err();
  article_fields in;
  in.title = rev->title;
  in.body = rev->body;
  in.excerpt = rev->excerpt;
  co_return co_await update_article(ctx, by, article_id, in);
}

asio::awaitable<result<void>> reorder_articles(context& ctx, kb_actor by, std::vector<id_t> ids) {
  auto at = now_text(ctx);
  auto job = [by, ids, at](store::unit_of_work& uow) {
    for (auto id : ids)
      if (!uow.articles().find(by.who.workspace_id, id)) throw store::job_error("NOT_FOUND", "article not found");
    uow.articles().reorder(by.who.workspace_id, ids);
    audit(uow, by, "article.reordered", "article", ids.empty() ? 0 : ids.front(), {{"count", ids.size()}}, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<skb::article_hit>>> search_articles(context& ctx, id_t ws, article_search q) {
  skb::article_query query;
  std::string word;
  for (char ch : q.text) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (!word.empty()) query.words.push_back(std::move(word));
      word.clear();
    } else {
      word += ch;
    }
  }
  if (!word.empty()) query.words.push_back(std::move(word));
  // A prefix only for a word being typed at the end (not after a space).
  query.prefix_last = q.typing && !q.text.empty() && q.text.back() != ' ';
  query.match_all = !q.any;
  query.fix_typos = q.fix_typos;
  query.status = q.status;
  query.limit = q.limit;
  const bool any_if_none = q.any_if_none && !q.any;
  auto job = [ws, query, any_if_none](store::unit_of_work& uow) {
    auto hits = uow.articles().search(ws, query);
    if (!hits.empty() || !any_if_none) return hits;
    // Nothing has every word: the articles with any of them, best first.
    auto any = query;
    any.match_all = false;
    return uow.articles().search(ws, any);
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<skb::article>>> popular_articles(context& ctx, id_t ws, int limit) {
  auto job = [ws, limit](store::unit_of_work& uow) { return uow.articles().popular(ws, limit); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<skb::collection>>> list_collections(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.articles().collections(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

namespace {

// One level of nesting: the parent is top-level, and a collection that has
// sub-collections cannot become one.
void check_parent(store::unit_of_work& uow, id_t ws, id_t self, const std::optional<id_t>& parent_id) {
  if (!parent_id) return;
  if (*parent_id == self) throw store::job_error("INVALID_INPUT", "a collection cannot be its own parent");
  auto parent = uow.articles().find_collection(ws, *parent_id);
  if (!parent) throw store::job_error("NOT_FOUND", "parent collection not found");
  if (parent->parent_id) throw store::job_error("INVALID_INPUT", "collections nest one level: the parent has a parent");
  if (self)
    for (auto& c : uow.articles().collections(ws))
      if (c.parent_id == self)
        throw store::job_error("INVALID_INPUT", "collections nest one level: this one has sub-collections");
}

}  // namespace

asio::awaitable<result<skb::collection>> create_collection(context& ctx, kb_actor by, collection_fields in) {
  auto at = now_text(ctx);
  skb::collection c;
  c.workspace_id = by.who.workspace_id;
  c.name = in.name.value_or("");
  c.description = in.description.value_or("");
  c.parent_id = in.parent_id.value_or(std::nullopt);
  c.position = in.position.value_or(0);
  c.created_at = c.updated_at = at;
  std::string base = in.slug ? *in.slug : kb::slugify(c.name);
  if (base.empty()) base = "collection";
  const bool slug_given = in.slug.has_value();
  auto job = [draft = c, by, at, base, slug_given](store::unit_of_work& uow) {
    auto c = draft;
    check_parent(uow, c.workspace_id, 0, c.parent_id);
    c.slug = base;
    if (!slug_given)
      for (int n = 2; uow.articles().find_collection_by_slug(c.workspace_id, c.slug) && n < 1000; ++n)
        c.slug = base + "-" + std::to_string(n);
    c.id = uow.articles().insert_collection(c);
    audit(uow, by, "collection.created", "collection", c.id, {{"name", c.name}}, at);
    return c;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<skb::collection>> update_collection(context& ctx, kb_actor by, id_t id, collection_fields in) {
  auto at = now_text(ctx);
  auto job = [by, id, in, at](store::unit_of_work& uow) {
    auto ws = by.who.workspace_id;
    auto row = uow.articles().find_collection(ws, id);
    if (!row) throw store::job_error("NOT_FOUND", "collection not found");
    auto c = *row;
    if (in.name) c.name = *in.name;
    if (in.slug) c.slug = *in.slug;
    if (in.description) c.description = *in.description;
    if (in.position) c.position = *in.position;
    if (in.parent_id) {
      check_parent(uow, ws, id, *in.parent_id);
      c.parent_id = *in.parent_id;
    }
    c.updated_at = at;
    uow.articles().update_collection(c);
    audit(uow, by, "collection.updated", "collection", id, {{"name", c.name}}, at);
    return c;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> delete_collection(context& ctx, kb_actor by, id_t id) {
  auto at = now_text(ctx);
  auto job = [by, id, at](store::unit_of_work& uow) {
    auto row = uow.articles().find_collection(by.who.workspace_id, id);
    if (!row || !uow.articles().delete_collection(by.who.workspace_id, id))
      throw store::job_error("NOT_FOUND", "collection not found");
    audit(uow, by, "collection.deleted", "collection", id, {{"name", row->name}}, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
