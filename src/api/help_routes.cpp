// The public help center (issue 20): server-rendered pages under /help/ that work
// without JavaScript (helpcenter/pages.hpp), for the installation's workspace.
// Nobody signs in here: every page and vote is limited per client address like
// the widget's API, and only published articles are ever shown.
#include <algorithm>
#include <cctype>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/helpcenter/pages.hpp"
#include "switchboard/services/help_center.hpp"

namespace switchboard::api {

namespace {

namespace hc = switchboard::helpcenter;

// Which help center: /hc/{hc}/… names it by slug, otherwise the Host header (a
// custom domain) or the installation's first workspace.
services::help_scope scope_of(const request& req) {
  services::help_scope s;
  std::string host(req.headers.get("Host").value_or(""));
  if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
    host.resize(colon);
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  s.host = host;
  if (auto it = req.params.find("hc"); it != req.params.end()) s.slug = it->second;
  return s;
}

hc::site site_of(const api_context&, const services::help_site_facts& f) {
  hc::site s;
  s.name = f.name;
  s.base_url = f.base_url;
  s.color = f.color;
  s.chat_enabled = f.chat_enabled;
  // The widget opens on the help center's own pages (same origin) at #chat.
  if (f.chat_enabled) s.chat_url = "#chat";
  return s;
}

response html(int status, std::string body) {
  auto r = response::text(status, std::move(body), "text/html; charset=utf-8");
  r.headers.add("Cache-Control", "public, max-age=60");
  r.headers.add("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; "
                "frame-ancestors 'none'; base-uri 'none'");
  r.headers.add("X-Content-Type-Options", "nosniff");
  return r;
}

response not_found(const api_context& ctx, const std::optional<services::help_site_facts>& f) {
  if (!f) {
    hc::site bare;
    bare.name = "Help center";
    bare.base_url = ctx.carriers.public_url + "/help";
    return html(404, hc::not_found_page(bare));
  }
  return html(404, hc::not_found_page(site_of(ctx, *f)));
}

std::optional<response> limited(api_context& ctx, const request& req) {
  if (auto wait = ctx.widget.per_ip.hit(req.remote, ctx.now())) {
    auto r = response::text(429, "Too many requests from this address; retry later.\n");
    r.headers.add("Retry-After", std::to_string(wait));
    return r;
  }
  return std::nullopt;
}

asio::awaitable<response> home(api_context& ctx, request& req) {
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto v = co_await services::help_home(ctx, std::move(scope));
  if (!v) co_return response::text(500, "The help center could not be read.\n");
  if (!*v) co_return not_found(ctx, std::nullopt);
  co_return html(200, hc::home_page(site_of(ctx, (*v)->site), (*v)->collections, (*v)->article_counts, (*v)->popular));
}

asio::awaitable<response> collection(api_context& ctx, request& req) {
  auto slug = req.params.at("slug");
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto v = co_await services::help_collection(ctx, std::move(scope), slug);
  if (!v) co_return response::text(500, "The help center could not be read.\n");
  if (!*v) co_return not_found(ctx, std::nullopt);
  auto& c = **v;
  co_return html(200, hc::collection_page(site_of(ctx, c.site), c.collection, c.children, c.articles, c.parent));
}

asio::awaitable<response> article(api_context& ctx, request& req) {
  auto slug = req.params.at("slug");
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto v = co_await services::help_article(ctx, std::move(scope), slug);
  if (!v) co_return response::text(500, "The help center could not be read.\n");
  if (!*v) co_return not_found(ctx, std::nullopt);
  auto& a = **v;
  co_return html(200, hc::article_page(site_of(ctx, a.site), a.article, a.collection, a.related, a.parent));
}

asio::awaitable<response> search(api_context& ctx, request& req) {
  auto q = trim(req.query_param("q").value_or(""));
  if (q.size() > 200) q = q.substr(0, 200);
  if (q.empty()) {
    auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
    auto home_view = co_await services::help_home(ctx, std::move(scope));
    if (!home_view) co_return response::text(500, "The help center could not be read.\n");
    if (!*home_view) co_return not_found(ctx, std::nullopt);
    co_return html(200, hc::search_page(site_of(ctx, (*home_view)->site), "", {}));
  }
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto v = co_await services::help_search(ctx, std::move(scope), q, 20);
  if (!v) co_return response::text(500, "The help center could not be read.\n");
  if (!*v) co_return not_found(ctx, std::nullopt);
  co_return html(200, hc::search_page(site_of(ctx, (*v)->site), q, (*v)->hits));
}

asio::awaitable<response> sitemap(api_context& ctx, request& req) {
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto v = co_await services::help_sitemap(ctx, std::move(scope));
  if (!v) co_return response::text(500, "The help center could not be read.\n");
  if (!*v) co_return not_found(ctx, std::nullopt);
  co_return response::text(200, hc::sitemap_xml(site_of(ctx, (*v)->site), (*v)->collections, (*v)->articles),
                           "application/xml; charset=utf-8");
}

// "Was this helpful?" from the article page's form: counted, then back to the
// article (303, so a reload does not post again).
asio::awaitable<response> vote(api_context& ctx, request& req) {
  auto slug = req.params.at("slug");
  std::string choice;
  std::size_t start = 0;
  while (start <= req.body.size()) {
    auto end = req.body.find('&', start);
    if (end == std::string::npos) end = req.body.size();
    auto part = req.body.substr(start, end - start);
    if (part == "helpful=yes" || part == "helpful=no") choice = part.substr(8);
    start = end + 1;
  }
  if (choice.empty()) co_return response::text(400, "helpful must be yes or no.\n");
  bool helpful = choice == "yes";
  auto scope = scope_of(req);  // named: GCC 12 and temporaries in co_await
  auto counted = co_await services::help_vote(ctx, std::move(scope), slug, helpful);
  if (!counted) co_return response::text(500, "The vote could not be saved.\n");
  if (!*counted) co_return not_found(ctx, std::nullopt);
  auto r = response::text(303, "");
  auto where = scope_of(req);
  r.headers.add("Location", (where.slug ? "/hc/" + *where.slug : std::string("/help")) + "/articles/" + slug +
                                "?voted=" + choice);
  co_return r;
}

}  // namespace

void add_help_routes(http::router& r, api_context& ctx) {
  auto wrap = [&ctx](auto fn) {
    return [&ctx, fn](request& q) -> asio::awaitable<response> {
      if (auto l = limited(ctx, q)) co_return std::move(*l);
      co_return co_await fn(ctx, q);
    };
  };
  r.add("GET", "/help", [](request&) -> asio::awaitable<response> {
    auto res = response::text(301, "");
    res.headers.add("Location", "/help/");
    co_return res;
  });
  r.add("GET", "/help/", wrap(home));
  r.add("GET", "/help/collections/{slug}", wrap(collection));
  r.add("GET", "/help/articles/{slug}", wrap(article));
  r.add("POST", "/help/articles/{slug}/vote", wrap(vote), http::route_options{1024});
  r.add("GET", "/help/search", wrap(search));
  r.add("GET", "/help/sitemap.xml", wrap(sitemap));
  // A workspace's help center by its slug (help_center settings), when several share a server.
  r.add("GET", "/hc/{hc}", [](request& q) -> asio::awaitable<response> {
    auto& slug = q.params.at("hc");
    // Only a slug's characters go into the Location header.
    bool ok = !slug.empty() && slug.size() <= 60 &&
              std::all_of(slug.begin(), slug.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
    if (!ok) co_return response::text(404, "Not found.\n");
    auto res = response::text(301, "");
    res.headers.add("Location", "/hc/" + slug + "/");
    co_return res;
  });
  r.add("GET", "/hc/{hc}/", wrap(home));
  r.add("GET", "/hc/{hc}/collections/{slug}", wrap(collection));
  r.add("GET", "/hc/{hc}/articles/{slug}", wrap(article));
  r.add("POST", "/hc/{hc}/articles/{slug}/vote", wrap(vote), http::route_options{1024});
  r.add("GET", "/hc/{hc}/search", wrap(search));
  r.add("GET", "/hc/{hc}/sitemap.xml", wrap(sitemap));
}

}  // namespace switchboard::api
