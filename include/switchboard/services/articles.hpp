#pragma once
// The knowledge base (issue 20): articles written in Markdown, rendered when saved
// (kb/markdown.hpp: safe HTML, visible text, excerpt, slug), kept with a revision
// per change of their words, grouped in collections one level deep, searched with
// ranking and highlighted snippets. Every change is audited (article.*,
// collection.*) with the teammate and address that made it.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// Bounds on what a teammate writes (the API refuses more with INVALID_INPUT).
inline constexpr std::size_t article_title_max = 200;
inline constexpr std::size_t article_body_max = 200'000;  // bytes of Markdown
inline constexpr std::size_t article_excerpt_max = 300;
inline constexpr std::size_t collection_name_max = 100;
inline constexpr std::size_t collection_description_max = 500;

// Who changes the knowledge base, and from where (for the audit log).
struct kb_actor {
  store::principal who;
  std::string ip;
};

// Fields of a new article or of a change; absent ones stay (or take defaults).
struct article_fields {
  std::optional<std::string> title, body, status, slug, excerpt;
  std::optional<std::optional<store::id_t>> collection_id;  // {} absent, {nullopt} none
};

// CONFLICT for a slug in use, NOT_FOUND for an unknown collection. Without a slug,
// one is made from the title (slugify), unique in the workspace.
boost::asio::awaitable<result<store::kb::article>> create_article(context& ctx, kb_actor by, article_fields in);
// A change of title, body or excerpt adds a revision; publishing sets published_at.
boost::asio::awaitable<result<store::kb::article>> update_article(context& ctx, kb_actor by, store::id_t id,
                                                                  article_fields in);
boost::asio::awaitable<result<void>> delete_article(context& ctx, kb_actor by, store::id_t id);
boost::asio::awaitable<result<store::kb::article>> get_article(context& ctx, store::id_t ws, store::id_t id);
boost::asio::awaitable<result<std::vector<store::kb::article>>> list_articles(context& ctx, store::id_t ws,
                                                                              store::kb::article_filter f);
boost::asio::awaitable<result<std::vector<store::kb::revision>>> list_revisions(context& ctx, store::id_t ws,
                                                                                store::id_t article_id);
// The revision's title, excerpt and body become the article's (a new revision).
boost::asio::awaitable<result<store::kb::article>> restore_revision(context& ctx, kb_actor by, store::id_t article_id,
                                                                    store::id_t revision_id);
// Positions in the order given; NOT_FOUND when an id is not the workspace's.
boost::asio::awaitable<result<void>> reorder_articles(context& ctx, kb_actor by, std::vector<store::id_t> ids);

// Full-text search. `text` is what a person typed: its last word is also a prefix
// while `typing`; `any` ranks articles with any of the words (questions) rather
// than all of them (a search box); `any_if_none` searches every word and, when no
// article has them all, any of them (in the same read). `fix_typos`: in a short
// query, a word that matches nothing is replaced by the closest words of the
// articles (store/article_search.hpp, term_groups).
struct article_search {
  std::string text;
  bool typing = true;
  bool any = false;
  bool any_if_none = false;
  bool fix_typos = true;
  std::optional<std::string> status = std::string("published");
  int limit = 10;
};
// The most read published articles (the Help tab before anything is typed).
boost::asio::awaitable<result<std::vector<store::kb::article>>> popular_articles(context& ctx, store::id_t ws, int limit);
boost::asio::awaitable<result<std::vector<store::kb::article_hit>>> search_articles(context& ctx, store::id_t ws,
                                                                                    article_search q);

struct collection_fields {
  std::optional<std::string> name, slug, description;
  std::optional<std::optional<store::id_t>> parent_id;
  std::optional<std::int64_t> position;
};
boost::asio::awaitable<result<std::vector<store::kb::collection>>> list_collections(context& ctx, store::id_t ws);
// INVALID_INPUT when the parent is itself a sub-collection (one level) or, on a
// change, when a collection with sub-collections would get a parent.
boost::asio::awaitable<result<store::kb::collection>> create_collection(context& ctx, kb_actor by,
                                                                        collection_fields in);
boost::asio::awaitable<result<store::kb::collection>> update_collection(context& ctx, kb_actor by, store::id_t id,
                                                                        collection_fields in);
boost::asio::awaitable<result<void>> delete_collection(context& ctx, kb_actor by, store::id_t id);

// Renders Markdown as the article pages show it (the editor's preview), off the io_context.
boost::asio::awaitable<result<std::string>> preview_html(context& ctx, std::string markdown);

}  // namespace switchboard::services
