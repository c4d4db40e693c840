#pragma once
// The public help center (issue 20): what each page of /help/ shows, read in one
// job, for the workspace the help center belongs to (the installation's
// workspace). Only published articles and their collections are ever read here:
// nobody is signed in.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

struct help_site_facts {
  store::id_t workspace_id = 0;
  std::string name;
  std::string color = "#2563eb";  // the widget's colour
  bool chat_enabled = false;      // the website widget is set up
};

struct help_home_view {
  help_site_facts site;
  std::vector<store::kb::collection> collections;  // those with published articles, and their parents
  std::map<store::id_t, std::size_t> article_counts;
  std::vector<store::kb::article> popular;
};
struct help_collection_view {
  help_site_facts site;
  store::kb::collection collection;
  std::optional<store::kb::collection> parent;
  std::vector<store::kb::collection> children;
  std::vector<store::kb::article> articles;
};
struct help_article_view {
  help_site_facts site;
  store::kb::article article;
  std::optional<store::kb::collection> collection;
  std::optional<store::kb::collection> parent;  // the collection's
  std::vector<store::kb::article> related;  // others of its collection
};
struct help_search_view {
  help_site_facts site;
  std::vector<store::kb::article_hit> hits;
};
struct help_sitemap_view {
  help_site_facts site;
  std::vector<store::kb::collection> collections;
  std::vector<store::kb::article> articles;
};

// Each: nullopt when there is no workspace yet, or (collection, article) no such
// published page. Reading an article counts a view.
boost::asio::awaitable<result<std::optional<help_home_view>>> help_home(context& ctx);
boost::asio::awaitable<result<std::optional<help_collection_view>>> help_collection(context& ctx, std::string slug);
boost::asio::awaitable<result<std::optional<help_article_view>>> help_article(context& ctx, std::string slug);
boost::asio::awaitable<result<std::optional<help_search_view>>> help_search(context& ctx, std::string text, int limit);
boost::asio::awaitable<result<std::optional<help_sitemap_view>>> help_sitemap(context& ctx);
// "Was this helpful?": false when no such published article.
boost::asio::awaitable<result<bool>> help_vote(context& ctx, std::string slug, bool helpful);
// The published article of the widget's Help tab (counts a view); nullopt when none.
boost::asio::awaitable<result<std::optional<store::kb::article>>> published_article(context& ctx, store::id_t ws,
                                                                                   std::string slug);

}  // namespace switchboard::services
