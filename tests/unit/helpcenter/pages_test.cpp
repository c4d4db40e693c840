// The public help center's pages (issue 20): escaping, URLs, document structure,
// headings, colours, the chat block, search and the sitemap.
#include "switchboard/helpcenter/pages.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace hc = switchboard::helpcenter;
namespace kb = switchboard::store::kb;

namespace {

hc::site brightline() {
  hc::site s;
  s.name = "Brightline Fiber";
  s.base_url = "https://help.example.com/help";
  return s;
}

kb::collection collection(long id, std::string name, std::string slug,
                          std::optional<long> parent = std::nullopt) {
  kb::collection c;
  c.id = id;
  c.workspace_id = 1;
  c.parent_id = parent;
  c.name = std::move(name);
  c.slug = std::move(slug);
  c.description = "About " + c.name;
  return c;
}

kb::article article(long id, std::string title, std::string slug) {
  kb::article a;
  a.id = id;
  a.workspace_id = 1;
  a.title = std::move(title);
  a.slug = std::move(slug);
  a.excerpt = "Excerpt of " + a.title;
  a.body_html = "<p>Body of " + a.title + "</p>";
  a.body_text = "Body of " + a.title;
  a.status = "published";
  a.created_at = "2024-01-02T08:00:00Z";
  a.updated_at = "2024-03-05T10:30:00Z";
  return a;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos;
       at = hay.find(needle, at + needle.size()))
    ++n;
  return n;
}

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The text between the first `open` and the next `close`.
std::string between(const std::string& hay, const std::string& open, const std::string& close) {
  auto a = hay.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  auto b = hay.find(close, a);
  return b == std::string::npos ? std::string{} : hay.substr(a, b - a);
}

// The page without <div class="article-body">…</div> (its matching close, nested divs counted).
std::string without_article_body(const std::string& page) {
  const std::string open = "<div class=\"article-body\">";
  auto start = page.find(open);
  if (start == std::string::npos) return page;
  int depth = 0;
  std::size_t i = start;
  while (i < page.size()) {
    if (page.compare(i, 4, "<div") == 0) {
      ++depth;
      i += 4;
    } else if (page.compare(i, 6, "</div>") == 0) {
      --depth;
      i += 6;
      if (depth == 0) return page.substr(0, start) + page.substr(i);
    } else {
      ++i;
    }
  }
  return page.substr(0, start);  // unclosed: drop the rest
}

// "" when the page has exactly one h1, it is the first heading, and no heading is more
// than one level below the one before it; otherwise what is wrong.
std::string heading_problems(const std::string& html) {
  static const std::regex heading(R"(<h([1-6])[\s>])", std::regex::icase);
  std::vector<int> levels;
  for (std::sregex_iterator it(html.begin(), html.end(), heading), end; it != end; ++it)
    levels.push_back((*it)[1].str()[0] - '0');
  if (levels.empty()) return "no headings";
  int h1s = 0;
  for (int l : levels) h1s += l == 1;
  if (h1s != 1) return std::to_string(h1s) + " h1 elements";
  if (levels.front() != 1) return "the first heading is h" + std::to_string(levels.front());
  for (std::size_t i = 1; i < levels.size(); ++i)
    if (levels[i] > levels[i - 1] + 1)
      return "h" + std::to_string(levels[i - 1]) + " then h" + std::to_string(levels[i]);
  return "";
}

// WCAG 2 contrast, computed here independently of the module.
double independent_contrast(const std::string& a, const std::string& b) {
  auto lum = [](const std::string& hex) {
    double out = 0;
    const std::array<double, 3> weights{0.2126, 0.7152, 0.0722};
    for (int i = 0; i < 3; ++i) {
      double c = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16) / 255.0;
      c = c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
      out += weights[i] * c;
    }
    return out;
  };
  double la = lum(a), lb = lum(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05) / (lb + 0.05);
}

// Every kind of page, with enough content to have every section.
struct all_pages {
  std::vector<std::pair<std::string, std::string>> pages;  // name, html
};

all_pages render_all(const hc::site& s) {
  auto billing = collection(1, "Billing", "billing");
  auto invoices = collection(2, "Invoices", "invoices", 1);
  auto setup = collection(3, "Setup", "setup");
  auto a = article(10, "Reading your invoice", "reading-your-invoice");
  a.collection_id = 2;
  a.body_html =
      "<h1>Body h1</h1><div class=\"note\"><h4>deep</h4><div>x</div></div><h2>Body "
      "h2</h2><p>text</p>";
  auto b = article(11, "Paying by card", "paying-by-card");
  kb::article_hit hit;
  hit.a = b;
  hit.snippet =
      "pay by \x01"
      "card\x02";
  all_pages out;
  out.pages.push_back(
      {"home", hc::home_page(s, {billing, invoices, setup}, {{1, 2}, {2, 3}}, {a, b})});
  out.pages.push_back({"home, empty", hc::home_page(s, {}, {}, {})});
  out.pages.push_back(
      {"collection", hc::collection_page(s, billing, {invoices}, {a, b}, std::nullopt)});
  out.pages.push_back({"sub-collection", hc::collection_page(s, invoices, {}, {a}, billing)});
  out.pages.push_back({"collection, empty", hc::collection_page(s, setup, {}, {}, std::nullopt)});
  out.pages.push_back({"article", hc::article_page(s, a, invoices, {b}, billing)});
  out.pages.push_back({"article, alone", hc::article_page(s, b, std::nullopt, {})});
  out.pages.push_back({"search", hc::search_page(s, "card", {hit})});
  out.pages.push_back({"search, no hits", hc::search_page(s, "modem", {})});
  out.pages.push_back({"search, no query", hc::search_page(s, "", {})});
  out.pages.push_back({"not found", hc::not_found_page(s)});
  return out;
}

}  // namespace

// ---- escaping ----

TEST(helpcenter_escape, the_five_characters_become_entities) {
  EXPECT_EQ(hc::escape_html(R"(<a href="x">Tom & 'Jerry'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(hc::escape_html("plain café"), "plain café");
}

TEST(helpcenter_escape, a_hostile_title_is_escaped_in_every_place_it_appears) {
  const std::string hostile = R"(<script>alert("x")</script> & 'q')";
  const std::string escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;";
  auto s = brightline();
  s.name = "Acme <b>\"Co\"</b>";
  auto a = article(1, hostile, "slug");
  a.excerpt = hostile;
  a.body_html = "<p>Trusted body</p>";  // body_html is placed as is; everything else is escaped
  auto c = collection(2, hostile, "c");
  auto page = hc::article_page(s, a, c, {article(3, hostile, "other")});

  EXPECT_FALSE(has(page, "<script")) << page;
  EXPECT_FALSE(has(page, "<b>"));
  EXPECT_EQ(between(page, "<title>", "</title>"),
            escaped + " \u2013 Acme &lt;b&gt;&quot;Co&quot;&lt;/b&gt; Help Center");
  EXPECT_EQ(between(page, "<h1>", "</h1>"), escaped);
  EXPECT_TRUE(has(page, "<meta property=\"og:title\" content=\"" + escaped + "\">"));
  EXPECT_TRUE(has(page, "<meta property=\"og:description\" content=\"" + escaped + "\">"));
  EXPECT_TRUE(has(page, "<meta name=\"description\" content=\"" + escaped + "\">"));
  EXPECT_TRUE(has(page,
                  "<meta property=\"og:site_name\" content=\"Acme "
                  "&lt;b&gt;&quot;Co&quot;&lt;/b&gt; Help Center\">"));
  EXPECT_TRUE(has(page, "<span aria-current=\"page\">" + escaped + "</span>"));  // breadcrumb
  EXPECT_TRUE(has(page, ">" + escaped + "</a>"));  // collection crumb, related

  auto home = hc::home_page(s, {c}, {}, {a});
  EXPECT_FALSE(has(home, "<script"));
  EXPECT_TRUE(has(home, ">" + escaped + "</a></h3>"));
  auto search = hc::search_page(s, hostile, {});
  EXPECT_FALSE(has(search, "<script"));
  EXPECT_TRUE(has(search, "value=\"" + escaped + "\""));
  EXPECT_EQ(between(search, "<h1>", "</h1>"), "Search results for \u201c" + escaped + "\u201d");
}

TEST(helpcenter_escape, slugs_are_percent_encoded_in_urls) {
  auto s = brightline();
  auto a = article(1, "T", "caf\xc3\xa9 & \"x\"/y");
  auto page = hc::article_page(s, a, std::nullopt, {});
  EXPECT_TRUE(
      has(page, "href=\"https://help.example.com/help/articles/caf%C3%A9%20%26%20%22x%22%2Fy\""));
  EXPECT_TRUE(
      has(page,
          "action=\"https://help.example.com/help/articles/caf%C3%A9%20%26%20%22x%22%2Fy/vote\""));
  EXPECT_EQ(hc::url_component("a-Z_0.9~"), "a-Z_0.9~");
  EXPECT_EQ(hc::url_component("a b+c?"), "a%20b%2Bc%3F");
}

TEST(helpcenter_escape, a_snippet_is_escaped_and_its_marks_become_mark_elements) {
  EXPECT_EQ(hc::snippet_html("a<b \x01x\x02"), "a&lt;b <mark>x</mark>");
  EXPECT_EQ(hc::snippet_html("\x01one\x02 and \x01two\x02"),
            "<mark>one</mark> and <mark>two</mark>");
  EXPECT_EQ(hc::snippet_html("<mark>\x01x\x02"), "&lt;mark&gt;<mark>x</mark>");
  EXPECT_EQ(hc::snippet_html("plain"), "plain");
}

TEST(helpcenter_escape, unbalanced_snippet_marks_are_closed_safely) {
  EXPECT_EQ(hc::snippet_html("cut \x01off"), "cut <mark>off</mark>");
  EXPECT_EQ(hc::snippet_html("stray\x02 close"), "stray close");
  EXPECT_EQ(hc::snippet_html("\x01"
                             "a\x01"
                             "b\x02"
                             "c\x02"),
            "<mark>ab</mark>c");
  EXPECT_EQ(hc::snippet_html("\x02\x02\x01"), "<mark></mark>");
  auto html = hc::snippet_html("x\x01<i>\x01&\x02\x02\x02\x01");
  EXPECT_EQ(count(html, "<mark>"), count(html, "</mark>")) << html;
}

// ---- URLs ----

TEST(helpcenter_urls, canonical_and_og_urls_are_absolute) {
  auto s = brightline();
  s.base_url += "/";  // a trailing slash is dropped
  auto c = collection(1, "Billing", "billing");
  auto a = article(2, "Paying", "paying");
  struct expect {
    std::string page, url;
  };
  const std::string base = "https://help.example.com/help";
  std::vector<expect> cases = {
      {hc::home_page(s, {c}, {}, {a}), base + "/"},
      {hc::collection_page(s, c, {}, {a}, std::nullopt), base + "/collections/billing"},
      {hc::article_page(s, a, c, {}), base + "/articles/paying"},
      {hc::search_page(s, "fiber speed", {}), base + "/search?q=fiber%20speed"},
  };
  for (auto& e : cases) {
    EXPECT_EQ(between(e.page, "<link rel=\"canonical\" href=\"", "\""), e.url);
    EXPECT_EQ(between(e.page, "<meta property=\"og:url\" content=\"", "\""), e.url);
    EXPECT_TRUE(has(e.page, "<a href=\"" + base + "/\">")) << "a link home";
    EXPECT_FALSE(has(e.page, "help//")) << e.url;
  }
  EXPECT_TRUE(has(cases[0].page, "<meta property=\"og:type\" content=\"website\">"));
  EXPECT_TRUE(has(cases[2].page, "<meta property=\"og:type\" content=\"article\">"));
  EXPECT_TRUE(has(cases[2].page,
                  "<meta property=\"og:site_name\" content=\"Brightline Fiber Help Center\">"));
  // The 404 has no address of its own: no canonical, and it is not indexed.
  auto missing = hc::not_found_page(s);
  EXPECT_FALSE(has(missing, "rel=\"canonical\""));
  EXPECT_TRUE(has(missing, "<meta name=\"robots\" content=\"noindex\">"));
}

// ---- document structure ----

TEST(helpcenter_document, every_page_is_a_complete_accessible_document) {
  auto s = brightline();
  const std::string form =
      "<form role=\"search\" action=\"https://help.example.com/help/search\" method=\"get\">"
      "<label for=\"q\" class=\"visually-hidden\">Search the help center</label>"
      "<input id=\"q\" name=\"q\" type=\"search\" value=\"";
  for (auto& [name, page] : render_all(s).pages) {
    SCOPED_TRACE(name);
    EXPECT_EQ(
        page.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0), 0u);
    EXPECT_TRUE(
        has(page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    EXPECT_EQ(count(page, "<title>"), 1u);
    EXPECT_EQ(count(page, "<meta name=\"description\" content=\""), 1u);
    for (auto og : {"og:title", "og:description", "og:type", "og:site_name"})
      EXPECT_EQ(count(page, std::string("<meta property=\"") + og + "\""), 1u) << og;
    EXPECT_TRUE(has(page, "</html>\n"));
    // One style block, the site's stylesheet, small; no script, nothing fetched from elsewhere.
    EXPECT_EQ(count(page, "<style>"), 1u);
    auto css = between(page, "<style>", "</style>");
    EXPECT_EQ(css, hc::stylesheet(s));
    EXPECT_LT(css.size(), 4096u);
    EXPECT_FALSE(has(page, "<script"));
    EXPECT_FALSE(has(page, "src="));
    EXPECT_FALSE(has(page, "@import"));
    EXPECT_FALSE(has(page, "url("));
    EXPECT_FALSE(has(page, "rel=\"stylesheet\""));
    // The skip link comes first in the body, to the main landmark.
    EXPECT_TRUE(has(page, "<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>"));
    EXPECT_EQ(count(page, "<main id=\"main\""), 1u);
    EXPECT_EQ(count(page, "<header"), 1u);
    EXPECT_EQ(count(page, "<footer"), 1u);
    EXPECT_EQ(count(page, "<nav class=\"crumbs wrap\" aria-label=\"Breadcrumb\">"), 1u);
    EXPECT_EQ(count(page, form), 1u);
    EXPECT_TRUE(has(page, "<button type=\"submit\">Search</button></form>"));
    EXPECT_EQ(count(page, "id=\"q\""), 1u);
  }
}

TEST(helpcenter_document, one_h1_and_no_skipped_heading_levels_on_every_page) {
  // The checker itself: it sees the faults it is for.
  EXPECT_NE(heading_problems("<h1>a</h1><h3>b</h3>"), "");
  EXPECT_NE(heading_problems("<h1>a</h1><h2>b</h2><h1>c</h1>"), "");
  EXPECT_NE(heading_problems("<h2>a</h2><h1>b</h1>"), "");
  EXPECT_EQ(heading_problems("<h1>a</h1><h2 id=\"x\">b</h2><h3>c</h3><h2>d</h2>"), "");
  EXPECT_EQ(without_article_body("a<div class=\"article-body\"><div><h1>x</h1></div><h9></div>b"),
            "ab");

  for (auto& [name, page] : render_all(brightline()).pages) {
    SCOPED_TRACE(name);
    EXPECT_EQ(heading_problems(without_article_body(page)), "") << page;
  }
  // The article's own headings are fitted under the page's h1, one level down here (its
  // highest is an h1); the level it skipped itself (h1 then h4) stays skipped.
  auto pages = render_all(brightline()).pages;
  auto& article = pages[5].second;
  ASSERT_TRUE(has(article,
                  "<div class=\"article-body\">\n<h2>Body h1</h2><div class=\"note\"><h5>deep</h5>"
                  "<div>x</div></div><h3>Body h2</h3>"));
  EXPECT_EQ(count(article, "<h1"), 1u);
  EXPECT_EQ(heading_problems(article), "h2 then h5");
}

TEST(helpcenter_document, an_article_body_starting_at_any_level_fits_under_the_title) {
  auto s = brightline();
  auto page_with = [&](std::string body_html) {
    auto a = article(1, "Title", "title");
    a.body_html = std::move(body_html);
    return hc::article_page(s, a, std::nullopt, {});
  };
  // "#" sections under the title, "##" as they are, "###" up a level: no second h1, no skip.
  for (auto body : {"<h1>A</h1><p>x</p><h2>B</h2><h1>C</h1>", "<h2>A</h2><h3>B</h3><h2>C</h2>",
                    "<h3>A</h3><h4>B</h4><h3>C</h3>", "<p>No headings</p>"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(heading_problems(page_with(body)), "");
  }
  EXPECT_EQ(hc::fit_headings("<h1>A</h1><h2>B</h2><h6>Z</h6>"), "<h2>A</h2><h3>B</h3><h6>Z</h6>");
  EXPECT_EQ(hc::fit_headings("<h2>A</h2><h3>B</h3>"), "<h2>A</h2><h3>B</h3>");
  EXPECT_EQ(hc::fit_headings("<h4>A</h4>\n<h5>B</h5>"), "<h2>A</h2>\n<h3>B</h3>");
  // Attributes kept; rules, escaped text and code are not headings.
  EXPECT_EQ(hc::fit_headings("<h1 id=\"a\">A</h1><hr />"), "<h2 id=\"a\">A</h2><hr />");
  EXPECT_EQ(hc::fit_headings("<p>&lt;h1&gt;</p><pre><code>&lt;h1&gt;x&lt;/h1&gt;</code></pre>"),
            "<p>&lt;h1&gt;</p><pre><code>&lt;h1&gt;x&lt;/h1&gt;</code></pre>");
  EXPECT_EQ(hc::fit_headings(""), "");
  EXPECT_EQ(hc::fit_headings("<h"), "<h");
  EXPECT_EQ(hc::fit_headings("</h1"), "</h1");
}

TEST(helpcenter_document, a_breadcrumb_names_the_collection_and_its_parent) {
  auto s = brightline();
  auto billing = collection(1, "Billing", "billing");
  auto invoices = collection(2, "Invoices", "invoices", 1);
  auto a = article(3, "Reading your invoice", "reading");
  auto nav = between(hc::article_page(s, a, invoices, {}, billing), "aria-label=\"Breadcrumb\">",
                     "</nav>");
  EXPECT_EQ(nav,
            "<ol><li><a href=\"https://help.example.com/help/\">Home</a></li>"
            "<li><a href=\"https://help.example.com/help/collections/billing\">Billing</a></li>"
            "<li><a href=\"https://help.example.com/help/collections/invoices\">Invoices</a></li>"
            "<li><span aria-current=\"page\">Reading your invoice</span></li></ol>");
  // Without a collection there is no parent to show either.
  auto alone = between(hc::article_page(s, a, std::nullopt, {}, billing),
                       "aria-label=\"Breadcrumb\">", "</nav>");
  EXPECT_FALSE(has(alone, "Billing"));
  auto sub = between(hc::collection_page(s, invoices, {}, {a}, billing),
                     "aria-label=\"Breadcrumb\">", "</nav>");
  EXPECT_TRUE(has(
      sub,
      ">Home</a></li><li><a href=\"https://help.example.com/help/collections/billing\">Billing</a>"
      "</li><li><span aria-current=\"page\">Invoices</span>"));
}

// ---- colours ----

TEST(helpcenter_colors, yellow_gets_dark_header_text_and_a_darkened_link_colour) {
  auto p = hc::palette_for("#ffff00");
  EXPECT_EQ(p.brand, "#ffff00");
  EXPECT_EQ(p.on_brand, "#111111");
  EXPECT_NE(p.link, "#ffff00");
  EXPECT_GE(independent_contrast(p.link, "#ffffff"), 4.5) << p.link;
  // Darkened, not replaced: still a yellow (red = green, no blue).
  EXPECT_EQ(p.link.substr(1, 2), p.link.substr(3, 2));
  EXPECT_EQ(p.link.substr(5, 2), "00");
  EXPECT_GT(std::stoi(p.link.substr(1, 2), nullptr, 16), 0x50) << "darkened no further than needed";
  auto s = brightline();
  s.color = "#FFFF00";
  auto css = hc::stylesheet(s);
  EXPECT_TRUE(has(css, "--brand:#ffff00;--on-brand:#111111;--link:" + p.link)) << css;
  EXPECT_TRUE(has(css, "header.site{background:var(--brand);color:var(--on-brand)"));
  EXPECT_TRUE(has(css, "a{color:var(--link)}"));
}

TEST(helpcenter_colors, dark_blue_gets_white_text_and_is_its_own_link_colour) {
  auto p = hc::palette_for("#1e3a8a");
  EXPECT_EQ(p.on_brand, "#ffffff");
  EXPECT_EQ(p.link, "#1e3a8a");
  EXPECT_GE(independent_contrast("#1e3a8a", "#ffffff"), 4.5);
}

TEST(helpcenter_colors, header_text_reaches_4_5_to_1_on_every_grey) {
  // On mid greys neither white nor #111111 reaches 4.5:1; black does.
  EXPECT_LT(independent_contrast("#777777", "#ffffff"), 4.5);
  EXPECT_LT(independent_contrast("#777777", "#111111"), 4.5);
  EXPECT_EQ(hc::palette_for("#777777").on_brand, "#000000");
  EXPECT_EQ(hc::palette_for("#ffff00").on_brand, "#111111");
  EXPECT_EQ(hc::palette_for("#1e3a8a").on_brand, "#ffffff");
  static constexpr char digits[] = "0123456789abcdef";
  for (int v = 0; v < 256; ++v) {
    std::string grey = "#";
    for (int i = 0; i < 3; ++i) grey += std::string{digits[v / 16], digits[v % 16]};
    auto p = hc::palette_for(grey);
    EXPECT_GE(independent_contrast(p.on_brand, p.brand), 4.5) << grey << " with " << p.on_brand;
    EXPECT_GE(independent_contrast(p.link, "#ffffff"), 4.5) << grey << " link " << p.link;
  }
  // And on a sample of colours across the cube.
  for (int r = 0; r < 256; r += 17)
    for (int g = 0; g < 256; g += 17)
      for (int b = 0; b < 256; b += 17) {
        std::string c = "#";
        for (int v : {r, g, b}) c += std::string{digits[v / 16], digits[v % 16]};
        auto p = hc::palette_for(c);
        EXPECT_GE(independent_contrast(p.on_brand, p.brand), 4.5) << c << " with " << p.on_brand;
      }
}

TEST(helpcenter_colors, anything_but_rrggbb_falls_back_to_the_default) {
  for (auto bad : {"red", "#fff", "#12345g", "", "#1234567", "javascript:x"}) {
    auto p = hc::palette_for(bad);
    EXPECT_EQ(p.brand, "#2563eb") << bad;
  }
  auto s = brightline();
  s.color = "red;}body{display:none";
  EXPECT_FALSE(has(hc::stylesheet(s), "display:none"));
  EXPECT_NEAR(hc::contrast_ratio("#000000", "#ffffff"), 21.0, 1e-9);
  EXPECT_NEAR(hc::contrast_ratio("#2563eb", "#ffffff"), independent_contrast("#2563eb", "#ffffff"),
              1e-9);
  EXPECT_EQ(hc::contrast_ratio("nope", "#ffffff"), 0);
}

// ---- pages ----

TEST(helpcenter_pages, the_chat_block_appears_only_when_chat_is_enabled) {
  auto s = brightline();
  auto a = article(1, "T", "t");
  EXPECT_FALSE(has(hc::article_page(s, a, std::nullopt, {}), "Chat with us"));
  s.chat_url = "https://www.example.com/contact";
  EXPECT_FALSE(has(hc::article_page(s, a, std::nullopt, {}), "Chat with us"))
      << "a URL alone is not enough";
  s.chat_enabled = true;
  auto page = hc::article_page(s, a, std::nullopt, {});
  EXPECT_TRUE(
      has(page, "Still need help? <a href=\"https://www.example.com/contact\">Chat with us</a>"));
  EXPECT_FALSE(has(hc::home_page(s, {}, {}, {a}), "Chat with us")) << "article pages only";
  s.chat_url = "";
  EXPECT_FALSE(has(hc::article_page(s, a, std::nullopt, {}), "Chat with us"));
  s.chat_url = "javascript:alert(1)";
  EXPECT_FALSE(has(hc::article_page(s, a, std::nullopt, {}), "javascript:"));
}

TEST(helpcenter_pages, an_article_has_its_date_body_vote_form_and_related_articles) {
  auto s = brightline();
  auto a = article(1, "Resetting the router", "resetting-the-router");
  a.body_html = "<p>Hold <strong>reset</strong> for 10 s.</p>";
  auto page = hc::article_page(s, a, std::nullopt, {article(2, "Lights on the router", "lights")});
  EXPECT_TRUE(has(page, "Updated <time datetime=\"2024-03-05\">March 5, 2024</time>"));
  EXPECT_TRUE(has(
      page, "<div class=\"article-body\">\n<p>Hold <strong>reset</strong> for 10 s.</p>\n</div>"));
  EXPECT_TRUE(has(page,
                  "<form method=\"post\" "
                  "action=\"https://help.example.com/help/articles/resetting-the-router/vote\">"));
  EXPECT_TRUE(has(page, "<button type=\"submit\" name=\"helpful\" value=\"yes\">Yes</button>"));
  EXPECT_TRUE(has(page, "<button type=\"submit\" name=\"helpful\" value=\"no\">No</button>"));
  EXPECT_TRUE(has(page, "Was this helpful?"));
  EXPECT_TRUE(has(page, "Related articles"));
  EXPECT_TRUE(has(
      page, "<a href=\"https://help.example.com/help/articles/lights\">Lights on the router</a>"));
  EXPECT_EQ(between(page, "<title>", "</title>"),
            "Resetting the router \u2013 Brightline Fiber Help Center");
  // A malformed timestamp gets no <time> at all.
  a.updated_at = "yesterday";
  EXPECT_FALSE(has(hc::article_page(s, a, std::nullopt, {}), "<time"));
}

TEST(helpcenter_pages, without_an_excerpt_the_description_is_the_start_of_the_text) {
  auto s = brightline();
  auto a = article(1, "Long", "long");
  a.excerpt = "";
  a.body_text.clear();
  for (int i = 0; i < 60; ++i) a.body_text += "word\u00e9 \n";
  auto page = hc::article_page(s, a, std::nullopt, {});
  auto description = between(page, "<meta name=\"description\" content=\"", "\"");
  EXPECT_EQ(description.rfind("word\u00e9 word\u00e9 ", 0), 0u) << description;
  EXPECT_FALSE(has(description, "\n"));
  std::size_t points = 0;
  for (unsigned char c : description) points += (c & 0xC0) != 0x80;
  EXPECT_LE(points, 160u);
  EXPECT_GT(points, 100u);
  EXPECT_EQ(description.substr(description.size() - 3), "\u2026");
  EXPECT_EQ(between(page, "<meta property=\"og:description\" content=\"", "\""), description);
}

TEST(helpcenter_pages, the_home_page_lists_collections_with_counts_and_popular_articles) {
  auto s = brightline();
  auto billing = collection(1, "Billing", "billing");
  auto invoices = collection(2, "Invoices", "invoices", 1);
  auto setup = collection(3, "Setup", "setup");
  auto page = hc::home_page(s, {billing, invoices, setup}, {{1, 2}, {2, 3}, {3, 1}},
                            {article(9, "Paying by card", "paying-by-card")});
  EXPECT_EQ(between(page, "<h1>", "</h1>"), "How can we help?");
  EXPECT_EQ(between(page, "<title>", "</title>"), "Brightline Fiber Help Center");
  EXPECT_TRUE(has(page, "<meta name=\"description\" content=\"Help center of Brightline Fiber\">"));
  EXPECT_EQ(count(page, "<li class=\"card\">"), 2u) << "sub-collections are not cards of their own";
  auto billing_card = between(page, "collections/billing\">Billing</a></h3>", "</li>\n");
  EXPECT_TRUE(has(billing_card, "<p>About Billing</p>"));
  EXPECT_TRUE(has(billing_card, "5 articles")) << "its own and its sub-collection's";
  EXPECT_TRUE(has(billing_card,
                  "<ul class=\"sub\"><li><a "
                  "href=\"https://help.example.com/help/collections/invoices\">Invoices</a>"));
  EXPECT_TRUE(has(between(page, "collections/setup\">Setup</a></h3>", "</li>\n"), "1 article<"));
  EXPECT_TRUE(has(page, "<h2 id=\"popular-title\">Popular articles</h2>"));
  EXPECT_TRUE(
      has(page,
          "<a href=\"https://help.example.com/help/articles/paying-by-card\">Paying by card</a>"));
  EXPECT_TRUE(has(hc::home_page(s, {}, {}, {}), "There are no articles here yet."));
}

TEST(helpcenter_pages, a_collection_lists_its_sections_and_articles_or_says_it_is_empty) {
  auto s = brightline();
  auto billing = collection(1, "Billing", "billing");
  auto page = hc::collection_page(s, billing, {collection(2, "Invoices", "invoices", 1)},
                                  {article(3, "Paying by card", "paying-by-card")}, std::nullopt);
  EXPECT_EQ(between(page, "<h1>", "</h1>"), "Billing");
  EXPECT_TRUE(has(page, "<p class=\"muted\">About Billing</p>"));
  EXPECT_TRUE(
      has(page, "<a href=\"https://help.example.com/help/collections/invoices\">Invoices</a>"));
  EXPECT_TRUE(
      has(page,
          "<a href=\"https://help.example.com/help/articles/paying-by-card\">Paying by card</a>"
          "<p class=\"muted\">Excerpt of Paying by card</p>"));
  EXPECT_FALSE(has(page, "There are no articles"));
  auto empty = hc::collection_page(s, billing, {}, {}, std::nullopt);
  EXPECT_TRUE(has(empty, "There are no articles in this collection yet."));
  EXPECT_FALSE(has(empty, "<h2"));
}

TEST(helpcenter_pages, search_is_noindex_and_encodes_the_query) {
  auto s = brightline();
  const std::string q = "fiber & \"wifi\" caf\xc3\xa9";
  kb::article_hit hit;
  hit.a = article(1, "Wifi <speeds>", "wifi-speeds");
  hit.snippet = "your \x01wifi\x02 & more";
  auto page = hc::search_page(s, q, {hit});
  EXPECT_TRUE(has(page, "<meta name=\"robots\" content=\"noindex\">"));
  EXPECT_EQ(between(page, "<link rel=\"canonical\" href=\"", "\""),
            "https://help.example.com/help/search?q=fiber%20%26%20%22wifi%22%20caf%C3%A9");
  EXPECT_EQ(between(page, "<h1>", "</h1>"),
            "Search results for \u201c"
            "fiber &amp; &quot;wifi&quot; caf\xc3\xa9"
            "\u201d");
  EXPECT_TRUE(has(page, "value=\"fiber &amp; &quot;wifi&quot; caf\xc3\xa9\""));
  EXPECT_TRUE(has(
      page,
      "<a href=\"https://help.example.com/help/articles/wifi-speeds\">Wifi &lt;speeds&gt;</a>"));
  EXPECT_TRUE(has(page, "<p>your <mark>wifi</mark> &amp; more</p>"));
  EXPECT_TRUE(has(page, "1 article found"));

  auto none = hc::search_page(s, "modem", {});
  EXPECT_TRUE(has(none, "No articles match \u201cmodem\u201d"));
  EXPECT_TRUE(has(none, "<a href=\"https://help.example.com/help/\">browse the help center</a>"));
  auto blank = hc::search_page(s, "  ", {});
  EXPECT_EQ(between(blank, "<h1>", "</h1>"), "Search");
  EXPECT_TRUE(has(blank, "<meta name=\"robots\" content=\"noindex\">"));
  EXPECT_FALSE(has(hc::home_page(s, {}, {}, {}), "noindex"));
  EXPECT_FALSE(has(hc::article_page(s, hit.a, std::nullopt, {}), "noindex"));
}

TEST(helpcenter_pages, the_not_found_page_links_home) {
  auto page = hc::not_found_page(brightline());
  EXPECT_EQ(between(page, "<h1>", "</h1>"), "Page not found");
  EXPECT_TRUE(has(page, "<a href=\"https://help.example.com/help/\">go to the help center</a>"));
}

// ---- sitemap ----

TEST(helpcenter_sitemap, lists_home_collections_and_published_articles_with_lastmod) {
  auto s = brightline();
  s.base_url = "https://help.example.com/h?a=1&b=2";  // escaped as XML
  auto published = article(1, "A", "a");
  auto other = article(2, "B", "b & c");
  other.updated_at = "2024-02-29 12:00:00";
  auto draft = article(3, "Draft", "draft-slug");
  draft.status = "draft";
  auto xml =
      hc::sitemap_xml(s, {collection(1, "Billing", "billing"), collection(2, "Setup", "setup")},
                      {published, other, draft});
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
                      0),
            0u);
  EXPECT_TRUE(xml.ends_with("</urlset>\n"));
  EXPECT_EQ(count(xml, "<url>"), 5u) << xml;  // home, 2 collections, 2 published articles
  EXPECT_EQ(count(xml, "</url>"), 5u);
  EXPECT_EQ(count(xml, "<loc>"), 5u);
  EXPECT_EQ(count(xml, "</loc>"), 5u);
  EXPECT_EQ(count(xml, "<lastmod>"), 2u);
  EXPECT_TRUE(has(xml,
                  "<url><loc>https://help.example.com/h?a=1&amp;b=2/articles/a</loc>"
                  "<lastmod>2024-03-05</lastmod></url>"));
  EXPECT_TRUE(has(xml, "/articles/b%20%26%20c</loc><lastmod>2024-02-29</lastmod>"));
  EXPECT_TRUE(has(xml, "<url><loc>https://help.example.com/h?a=1&amp;b=2/</loc></url>"));
  EXPECT_TRUE(has(xml, "/collections/setup</loc>"));
  EXPECT_FALSE(has(xml, "draft-slug"));
  EXPECT_FALSE(has(xml, "&b=")) << "a bare ampersand is not XML";
}
