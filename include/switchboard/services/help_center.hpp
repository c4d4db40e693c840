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

#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// A workspace's help center address when several share a server (the workspace
// setting "help_center"): a slug, served at /hc/{slug}/, and host names (custom
// domains) whose /help/ is that workspace's. Neither: the installation's first
// workspace is served at /help/.
struct help_center_settings {
  std::optional<std::string> slug;
  std::vector<std::string> host_names;
};
inline constexpr std::size_t help_host_names_max = 10;
// The help center's public base URL (no trailing slash): https://{first host}/help
// (public_url's scheme), else public_url/hc/{slug}, else public_url/help.
std::string help_center_url(const std::string& public_url, const help_center_settings& s);
// nlohmann::json text as stored; unreadable or absent: no slug, no hosts.
help_center_settings parse_help_center_settings(const std::optional<std::string>& text);

// Which help center a public request is for: its Host header (without the port)
// and, under /hc/{slug}/, the slug.
struct help_scope {
  std::string host;
  std::optional<std::string> slug;
};

struct help_site_facts {
  store::id_t workspace_id = 0;
  std::string name;
  std::string color = "#2563eb";  // the widget's colour
  bool chat_enabled = false;      // the website widget is set up
  std::string base_url;           // where this help center's pages are (help_center_url, or the host asked for)
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
// A slug that no workspace has is nullopt (404); a host no workspace names is the
// first workspace's help center.
boost::asio::awaitable<result<std::optional<help_home_view>>> help_home(context& ctx, help_scope scope);
boost::asio::awaitable<result<std::optional<help_collection_view>>> help_collection(context& ctx, help_scope scope,
                                                                                    std::string slug);
boost::asio::awaitable<result<std::optional<help_article_view>>> help_article(context& ctx, help_scope scope,
                                                                              std::string slug);
boost::asio::awaitable<result<std::optional<help_search_view>>> help_search(context& ctx, help_scope scope,
                                                                            std::string text, int limit);
boost::asio::awaitable<result<std::optional<help_sitemap_view>>> help_sitemap(context& ctx, help_scope scope);
// "Was this helpful?": false when no such published article.
boost::asio::awaitable<result<bool>> help_vote(context& ctx, help_scope scope, std::string slug, bool helpful);

// The workspace's help center address, and its change by an admin: INVALID_INPUT
// for a bad slug or host name, CONFLICT when another workspace has it. Audited as
// help_center.updated.
boost::asio::awaitable<result<help_center_settings>> help_center_settings_of(context& ctx, store::id_t ws);
boost::asio::awaitable<result<help_center_settings>> update_help_center_settings(context& ctx, store::principal who,
                                                                                std::string ip,
                                                                                nlohmann::json body);
// The published article of the widget's Help tab (counts a view); nullopt when none.
boost::asio::awaitable<result<std::optional<store::kb::article>>> published_article(context& ctx, store::id_t ws,
                                                                                   std::string slug);

}  // namespace switchboard::services
