#pragma once
// The public help center (issue 20) as server-side HTML: pure functions from the
// knowledge base's rows to complete HTML5 documents (and the sitemap), with no
// sockets, no SQL and no clock. The routes read the rows and serve the strings.
//
// URLs, all absolute under site::base_url:
//   home {base}/   collection {base}/collections/{slug}   article {base}/articles/{slug}
//   search {base}/search?q=…   vote (POST) {base}/articles/{slug}/vote   sitemap {base}/sitemap.xml
// Slugs and the query are percent-encoded in URLs; every user-provided string is
// HTML-escaped; an article's body_html is trusted (the Markdown renderer sanitised it)
// and placed inside <div class="article-body"> with its headings fitted under the
// page's h1 (fit_headings below).
//
// Each page: <html lang="en">, charset, viewport, <title>, description, canonical,
// OpenGraph tags, one inline <style> (stylesheet() below) and no script or external
// resource; a "Skip to content" link, <header>, <nav aria-label="Breadcrumb">,
// <main id="main">, <footer>, one <h1> and headings in order, and one search form.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/store/models.hpp"

namespace switchboard::helpcenter {

// What every page needs.
struct site {
  std::string name;      // the workspace's name, e.g. "Brightline Fiber"
  std::string base_url;  // absolute URL of the help center's root, no trailing slash
                         // (trailing slashes are dropped), e.g. "https://help.example.com/help"
  std::string color = "#2563eb";  // brand colour (#rrggbb; anything else → the default)
  bool chat_enabled = false;      // the website chat widget is on: article pages offer a chat
  std::string chat_url;           // where "Chat with us" goes; empty, or neither http(s)://
                                  // nor a path starting with '/' → no chat block
};

// Home: h1 "How can we help?", the search form, the top-level collections as cards
// (name, description, article count — its own plus its sub-collections' — and the
// sub-collections listed under it; a sub-collection whose parent is not in the list
// gets a card of its own), then "Popular articles".
std::string home_page(
    const site& s, const std::vector<store::kb::collection>& collections,
    const std::map<store::id_t, std::size_t>& article_counts,  // per collection id
    const std::vector<store::kb::article>& popular);

// A collection: h1 its name, its description, its sub-collections, its articles
// (title link and excerpt), or an empty state. Breadcrumb Home › parent › collection.
std::string collection_page(const site& s, const store::kb::collection& c,
                            const std::vector<store::kb::collection>& children,
                            const std::vector<store::kb::article>& articles,
                            const std::optional<store::kb::collection>& parent);

// An article: h1 its title, "Updated <time>", body_html (fit_headings: the body's own
// "#" headings do not make a second h1), "Was this helpful?" (a POST
// form to {base}/articles/{slug}/vote with buttons helpful=yes / helpful=no), the chat
// block when s.chat_enabled, related articles. Breadcrumb Home › parent › collection ›
// article; `parent` is the collection's parent, when it has one (the trailing
// parameter is an addition to the API the issue sketched, which had no way to name it).
std::string article_page(const site& s, const store::kb::article& a,
                         const std::optional<store::kb::collection>& collection,
                         const std::vector<store::kb::article>& related,
                         const std::optional<store::kb::collection>& parent = std::nullopt);

// Search results (robots noindex): h1 `Search results for “q”` or "Search" for an
// empty query, each hit's title link and snippet_html(snippet), or "No articles match …".
std::string search_page(const site& s, const std::string& query,
                        const std::vector<store::kb::article_hit>& hits);

// The 404 page (robots noindex; no canonical URL, as it has no address of its own).
std::string not_found_page(const site& s);

// An article body's headings moved so that its highest level is h2, under the page's
// h1: in a body whose highest heading is "#" every heading goes one level down
// (# → h2, ## → h3), in one whose highest is "###" one level up; h6 is the lowest
// (levels pushed past it stay h6). Relative levels, and any level the author skipped
// inside the body, are kept. Only the renderer's <hN> and </hN> tags are touched (raw
// HTML never reaches body_html, and a "<" in text is escaped).
std::string fit_headings(std::string_view body_html);

// sitemaps.org XML: home, each collection, each article whose status is "published"
// (others are skipped) with <lastmod> the date of updated_at.
std::string sitemap_xml(const site& s, const std::vector<store::kb::collection>& collections,
                        const std::vector<store::kb::article>& published);

// & < > " ' as entities (also valid in XML).
std::string escape_html(std::string_view text);
// A search snippet: escaped, then each \x01 … \x02 span as <mark>…</mark>. A stray \x02
// or a nested \x01 is dropped, and a mark left open is closed at the end.
std::string snippet_html(std::string_view marked);
// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, every
// other byte as %XX; for a path segment or a query value.
std::string url_component(std::string_view text);

// The colours a brand colour gives the pages (#rrggbb, lower case).
struct palette {
  std::string brand;     // the header's background: the site's colour, or the default
  std::string on_brand;  // the header's text: #ffffff when white reaches 4.5:1 on it, else
                         // #111111 when that does, else #000000 (mid greys such as #777777,
                         // on which neither white nor #111111 reaches 4.5:1)
  std::string link;      // links on white: the brand colour when it reaches 4.5:1 on white,
                         // else the brand colour darkened until it does
};
palette palette_for(std::string_view color);
// WCAG 2 contrast ratio of two #rrggbb colours (1 … 21); 0 when either is malformed.
double contrast_ratio(std::string_view a, std::string_view b);

// The exact text of every page's <style> element for this site (the shared rules and
// the site's colours), e.g. for a Content-Security-Policy hash of it.
std::string stylesheet(const site& s);

}  // namespace switchboard::helpcenter
