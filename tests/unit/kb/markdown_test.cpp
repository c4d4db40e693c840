// kb/markdown: GitHub-flavoured Markdown through libcmark-gfm in safe mode, the visible text,
// passages for the answer bot, excerpts, slugs, and inputs that must not hang or crash.
#include "switchboard/kb/markdown.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/core/encoding.hpp"

namespace kb = switchboard::kb;

namespace {

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// An ordinary help-center article: every feature once.
const std::string kArticle = R"(# Getting started

Switchboard answers **texts** and *calls* for your team. See the [guide](https://example.com/guide).

## Install

1. Download the package.
2. Run `switchboard serve`.
   - on port 8080
3. Open www.example.org in a browser.

| Plan | Price | Seats |
|:-----|------:|:-----:|
| Free | 0 | 3 |
| Team | 29 | [unlimited](https://example.com/pricing) |

- [x] Account created
- [ ] Number bought

> Tip: write to support@example.com when stuck.

```sh
switchboard   migrate
switchboard serve
```

---

~~Fax~~ is not supported. ![Dashboard](https://example.com/dash.png)
)";

bool operator==(const kb::passage& a, const kb::passage& b) { return a.heading == b.heading && a.text == b.text; }

}  // namespace

// ---- render_html -----------------------------------------------------------------------------

TEST(kb_render_html, renders_headings_emphasis_code_and_lists) {
  auto html = kb::render_html(kArticle);
  EXPECT_NE(html.find("<h1>Getting started</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2>Install</h2>"), std::string::npos);
  EXPECT_NE(html.find("<strong>texts</strong>"), std::string::npos);
  EXPECT_NE(html.find("<em>calls</em>"), std::string::npos);
  EXPECT_NE(html.find("<code>switchboard serve</code>"), std::string::npos);
  EXPECT_NE(html.find("<ol>\n<li>Download the package.</li>"), std::string::npos);
  EXPECT_NE(html.find("<ul>\n<li>on port 8080</li>\n</ul>"), std::string::npos);
  EXPECT_NE(html.find("<pre><code class=\"language-sh\">switchboard   migrate\n"), std::string::npos);
  EXPECT_NE(html.find("<blockquote>"), std::string::npos);
  EXPECT_NE(html.find("<hr />"), std::string::npos);
}

TEST(kb_render_html, renders_gfm_tables_strikethrough_autolinks_and_task_lists) {
  auto html = kb::render_html(kArticle);
  EXPECT_NE(html.find("<table>\n<thead>\n<tr>\n<th align=\"left\">Plan</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td align=\"right\">29</td>"), std::string::npos);
  EXPECT_NE(html.find("<th align=\"center\">Seats</th>"), std::string::npos);
  EXPECT_NE(html.find("<del>Fax</del>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"http://www.example.org\" rel=\"nofollow noopener\">www.example.org</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"mailto:support@example.com\">support@example.com</a>"), std::string::npos);
  EXPECT_NE(html.find("<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> Account created</li>"),
            std::string::npos);
  EXPECT_NE(html.find("<li><input type=\"checkbox\" disabled=\"\" /> Number bought</li>"), std::string::npos);
  EXPECT_NE(kb::render_html("see https://example.org/a?b=1 now").find("<a href=\"https://example.org/a?b=1\""),
            std::string::npos);
}

TEST(kb_render_html, raw_html_never_survives) {
  const std::string md =
      "<script>alert(1)</script>\n\n"
      "<iframe src=\"https://evil.example\"></iframe>\n\n"
      "<div onmouseover=\"alert(1)\">hover</div>\n\n"
      "text <img src=x onerror=alert(1)> and <b onclick=\"alert(1)\">bold</b> "
      "<script>alert(2)</script> <iframe srcdoc=\"x\">\n\n"
      "<style>body{display:none}</style>\n";
  auto html = lower(kb::render_html(md));
  for (const char* bad : {"<script", "</script", "<iframe", "<img", "onerror", "onclick", "onmouseover", "<div",
                          "<b ", "<style", "srcdoc"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad << " survived in\n" << html;
  EXPECT_GE(count(html, "<!-- raw html omitted -->"), 5u) << html;
  EXPECT_NE(html.find("bold"), std::string::npos) << "the text between tags stays";
}

TEST(kb_render_html, dangerous_links_get_an_empty_href) {
  const std::string md =
      "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:msgbox(1)) [d](file:///etc/passwd) "
      "[e](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)> [f][ref] ![g](javascript:alert(3)) "
      "![h](data:image/svg+xml;base64,PHN2Zz4=)\n\n[ref]: javascript:alert(4)\n";
  auto html = lower(kb::render_html(md));
  for (const char* bad : {"javascript:", "vbscript:", "file:", "data:text/html", "data:image/svg"})
    EXPECT_EQ(html.find(std::string("=\"") + bad), std::string::npos) << bad << " survived in\n" << html;
  EXPECT_GE(count(html, "href=\"\""), 6u) << html;
  EXPECT_NE(html.find("src=\"\" alt=\"g\""), std::string::npos) << html;
  // Raster images as data: URLs are kept, as cmark's safe mode allows them.
  EXPECT_NE(kb::render_html("![p](data:image/png;base64,iVBORw0KGgo=)").find("src=\"data:image/png;base64,iVBORw0KGgo=\""),
            std::string::npos);
}

TEST(kb_render_html, external_links_get_rel_nofollow_noopener_as_cmark_would_escape_them) {
  auto html = kb::render_html(
      "[a](https://example.com/a \"The \\\"A\\\" page\") [b](HTTP://example.com/b) [c](/help) [d](mailto:x@example.com) "
      "[e](<https://example.com/a b\"c>) [f](<relative a b\"c>)\n\n"
      "## [Heading link](https://example.com/h)\n\n| x |\n|---|\n| [cell](https://example.com/t) |\n");
  EXPECT_NE(html.find("<a href=\"https://example.com/a\" title=\"The &quot;A&quot; page\" rel=\"nofollow noopener\">a</a>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"HTTP://example.com/b\" rel=\"nofollow noopener\">b</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/help\">c</a>"), std::string::npos) << "internal links stay plain";
  EXPECT_NE(html.find("<a href=\"mailto:x@example.com\">d</a>"), std::string::npos);
  // The same escaping as cmark's own <a>: compare with the relative link's.
  EXPECT_NE(html.find("<a href=\"https://example.com/a%20b%22c\" rel=\"nofollow noopener\">e</a>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"relative%20a%20b%22c\">f</a>"), std::string::npos);
  EXPECT_NE(html.find("<h2><a href=\"https://example.com/h\" rel=\"nofollow noopener\">Heading link</a></h2>"),
            std::string::npos);
  EXPECT_NE(html.find("<td><a href=\"https://example.com/t\" rel=\"nofollow noopener\">cell</a></td>"), std::string::npos);
  // A link inside an image's description is alt text, never an <a>.
  auto image = kb::render_html("![see [x](https://example.com)](a.png)");
  EXPECT_EQ(image.find("<a"), std::string::npos) << image;
  EXPECT_NE(image.find("alt=\"see x\""), std::string::npos) << image;
}

TEST(kb_render_html, invalid_utf8_and_nul_become_replacement_characters) {
  const std::string md = std::string("caf\xC3 \xFF\xFE ok \xED\xA0\x80 nul:") + std::string(1, '\0') + "end\n";
  for (const std::string& out : {kb::render_html(md), kb::plain_text(md), kb::excerpt(md), kb::passages(md).at(0).text}) {
    EXPECT_TRUE(switchboard::valid_utf8(out)) << out;
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos) << out;
    EXPECT_EQ(out.find('\0'), std::string::npos);
    EXPECT_NE(out.find("end"), std::string::npos);
  }
}

// cmark-gfm adds and removes the extensions' special characters in a global table around each
// parse: without the module's lock, about every second run of this test saw "~~Fax~~" or a
// bare www. address come out unparsed.
TEST(kb_render_html, renders_the_same_from_many_threads_at_once) {
  const std::string expected = kb::render_html(kArticle);
  const std::string expected_text = kb::plain_text(kArticle);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i)
        same[t] += kb::render_html(kArticle) == expected && kb::plain_text(kArticle) == expected_text;
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(same[t], 100) << "thread " << t;
}

// ---- plain_text ------------------------------------------------------------------------------

TEST(kb_plain_text, is_the_visible_text_one_line_per_block) {
  EXPECT_EQ(kb::plain_text(kArticle),
            "Getting started\n"
            "Switchboard answers texts and calls for your team. See the guide.\n"
            "Install\n"
            "Download the package.\n"
            "Run switchboard serve.\n"
            "on port 8080\n"
            "Open www.example.org in a browser.\n"
            "Plan | Price | Seats\n"
            "Free | 0 | 3\n"
            "Team | 29 | unlimited\n"
            "Account created\n"
            "Number bought\n"
            "Tip: write to support@example.com when stuck.\n"
            "switchboard migrate\n"
            "switchboard serve\n"
            "Fax is not supported.");
}

TEST(kb_plain_text, has_no_markup_raw_html_or_urls_and_collapses_whitespace) {
  auto text = kb::plain_text(
      "Some   *spaced*\ttext\nover two   lines <span class=\"x\">inline</span> [link](https://example.com/secret)\n\n"
      "<div>\nblock html\n</div>\n\n![alt words](https://example.com/i.png)");
  EXPECT_EQ(text, "Some spaced text over two lines inline link");
  EXPECT_EQ(kb::plain_text(""), "");
  EXPECT_EQ(kb::plain_text("   \n\n\t\n"), "");
}

// ---- passages --------------------------------------------------------------------------------

TEST(kb_passages, one_per_block_with_the_nearest_heading) {
  std::vector<kb::passage> expected = {
      {"Getting started", "Switchboard answers texts and calls for your team. See the guide."},
      {"Install", "Download the package.\nRun switchboard serve.\non port 8080\nOpen www.example.org in a browser."},
      {"Install", "Plan | Price | Seats\nFree | 0 | 3\nTeam | 29 | unlimited"},
      {"Install", "Account created\nNumber bought"},
      {"Install", "Tip: write to support@example.com when stuck."},
      {"Install", "switchboard migrate\nswitchboard serve"},
      {"Install", "Fax is not supported."},
  };
  auto got = kb::passages(kArticle);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(got[i] == expected[i]) << i << ": [" << got[i].heading << "] " << got[i].text;
}

TEST(kb_passages, text_before_any_heading_has_none_and_empty_blocks_are_skipped) {
  auto got = kb::passages(
      "Intro.\n\n<div>raw html block</div>\n\n![only an image](a.png)\n\n***\n\n"
      "# First\n\n## Second *level*\n\nBody.\n\n<script>alert(1)</script>\n");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0] == (kb::passage{"", "Intro."}));
  EXPECT_TRUE(got[1] == (kb::passage{"Second level", "Body."}));
  EXPECT_TRUE(kb::passages("").empty());
  EXPECT_TRUE(kb::passages("# Only a heading").empty());
}

// ---- excerpt ---------------------------------------------------------------------------------

TEST(kb_excerpt, is_the_first_paragraphs_text) {
  EXPECT_EQ(kb::excerpt(kArticle), "Switchboard answers texts and calls for your team. See the guide.");
  EXPECT_EQ(kb::excerpt("# Title\n\n![img](a.png)\n\n- item\n\nSecond *para*."), "item");
  EXPECT_EQ(kb::excerpt("# Only a heading\n\n<p>raw</p>"), "");
}

TEST(kb_excerpt, cuts_at_a_word_boundary_with_an_ellipsis) {
  EXPECT_EQ(kb::excerpt("one two three four", 12), "one two\xE2\x80\xA6");
  EXPECT_EQ(kb::excerpt("one two three four", 18), "one two three four");
  EXPECT_EQ(kb::excerpt("one two three four", 17), "one two three\xE2\x80\xA6");
  EXPECT_EQ(kb::excerpt("first, second, third", 16), "first, second\xE2\x80\xA6") << "no dangling comma";
  EXPECT_EQ(kb::excerpt("a Supercalifragilisticexpialidocious", 10), "a Superca\xE2\x80\xA6")
      << "the only space is too early: cut inside the word";
  EXPECT_EQ(kb::excerpt("abc", 0), "");
  for (std::size_t max = 1; max < 80; ++max) {
    auto e = kb::excerpt(kArticle, max);
    EXPECT_LE(switchboard::utf8_length(e), max) << e;
  }
}

TEST(kb_excerpt, never_cuts_inside_a_multibyte_character) {
  const std::string japanese = "日本語のテキストはスペースがありません";  // 19 code points, no spaces
  EXPECT_EQ(kb::excerpt(japanese, 5), "日本語の\xE2\x80\xA6");
  const std::string mixed = "Crème brûlée 🍮 and café ünïcödé";
  for (std::size_t max = 1; max <= 40; ++max) {
    auto e = kb::excerpt(mixed, max);
    EXPECT_TRUE(switchboard::valid_utf8(e)) << max << ": " << e;
    EXPECT_LE(switchboard::utf8_length(e), max) << e;
  }
  EXPECT_EQ(kb::excerpt(mixed, 16), "Crème brûlée 🍮\xE2\x80\xA6");
}

// ---- slugify ---------------------------------------------------------------------------------

TEST(kb_slugify, lowercases_ascii_and_joins_words_with_one_dash) {
  EXPECT_EQ(kb::slugify("Hello, World!"), "hello-world");
  EXPECT_EQ(kb::slugify("  --Leading and trailing--  "), "leading-and-trailing");
  EXPECT_EQ(kb::slugify("Version 2.0 Release"), "version-2-0-release");
  EXPECT_EQ(kb::slugify("a___b...c"), "a-b-c");
  EXPECT_EQ(kb::slugify("How to set up SMS?"), "how-to-set-up-sms");
}

TEST(kb_slugify, drops_diacritics_of_latin1_letters) {
  EXPECT_EQ(kb::slugify("Crème brûlée"), "creme-brulee");
  EXPECT_EQ(kb::slugify("Über Straße"), "uber-strasse");
  EXPECT_EQ(kb::slugify("Ñandú ÇA"), "nandu-ca");
  EXPECT_EQ(kb::slugify("Ørsted Åse Æble"), "orsted-ase-aeble");
  EXPECT_EQ(kb::slugify("Þórr ÿ"), "thorr-y");
}

TEST(kb_slugify, drops_other_non_ascii_and_is_empty_when_nothing_is_left) {
  EXPECT_EQ(kb::slugify("日本語 guide"), "guide");
  EXPECT_EQ(kb::slugify("Привет"), "");
  EXPECT_EQ(kb::slugify("🙂"), "");
  EXPECT_EQ(kb::slugify(""), "");
  EXPECT_EQ(kb::slugify("!!! --- ???"), "");
  EXPECT_EQ(kb::slugify("10\u00A0km"), "10-km") << "a no-break space separates words";
  EXPECT_EQ(kb::slugify("A\u2014B 2×3"), "a-b-2-3") << "dashes and × separate words";
  EXPECT_EQ(kb::slugify("a\xFF\xC3z"), "az") << "invalid UTF-8 is dropped";
}

TEST(kb_slugify, is_at_most_80_characters_cut_at_a_dash) {
  std::string title = repeat("Configure the routing rules ", 10);
  auto slug = kb::slugify(title);
  EXPECT_LE(slug.size(), 80u);
  EXPECT_GT(slug.size(), 60u);
  EXPECT_NE(slug.back(), '-');
  std::string full = repeat("configure-the-routing-rules-", 10);
  EXPECT_EQ(full.substr(0, slug.size() + 1), slug + "-") << slug << ": cut at a word boundary";
  EXPECT_EQ(kb::slugify(std::string(100, 'x')), std::string(80, 'x')) << "one long word is cut at 80";
  EXPECT_EQ(kb::slugify(repeat("é", 100)).size(), 80u);
}

// ---- inputs that must neither crash nor hang -------------------------------------------------

TEST(kb_pathological, ten_thousand_nested_quotes_and_lists_render_without_recursion) {
  const std::string quotes = std::string(10'000, '>') + " deep";
  EXPECT_EQ(kb::over_limit(quotes), "");
  auto html = kb::render_html(quotes);
  EXPECT_EQ(count(html, "<blockquote>"), 10'000u);
  EXPECT_EQ(kb::plain_text(quotes), "deep");
  EXPECT_EQ(kb::passages(quotes).size(), 1u);
  EXPECT_EQ(kb::excerpt(quotes), "deep");

  const std::string lists = repeat("- ", 10'000) + "deep";
  EXPECT_EQ(count(kb::render_html(lists), "<ul>"), 10'000u);
  EXPECT_EQ(kb::plain_text(lists), "deep");
  EXPECT_EQ(kb::passages(lists).at(0).text, "deep");
}

TEST(kb_pathological, a_megabyte_of_ordinary_markdown_is_rendered) {
  std::string big;
  while (big.size() < 1'000'000) big += kArticle + "\n";
  EXPECT_EQ(kb::over_limit(big), "") << "real articles stay below every limit";
  auto html = kb::render_html(big);
  auto copies = count(big, "# Getting started");
  EXPECT_EQ(count(html, "<table>"), copies);
  EXPECT_EQ(count(html, "rel=\"nofollow noopener\""), 3 * copies);
  EXPECT_EQ(kb::passages(big).size(), 7 * copies);
  EXPECT_EQ(count(kb::plain_text(big), "\n") + 1, 16 * copies);
}

TEST(kb_pathological, inputs_that_take_debians_cmark_gfm_quadratic_time_are_shown_as_text) {
  // Each of these takes cmark-gfm 0.29.0.gfm.6 seconds to minutes, or gigabytes.
  const std::string square_table = "a" + repeat("|a", 3000) + "\n-" + repeat("|-", 3000) + "\n" + repeat("a\n", 3000);
  EXPECT_EQ(kb::over_limit(square_table), "tables with too many cells");
  EXPECT_EQ(kb::over_limit(repeat("![[]()", 150'000)), "too many images and links in one paragraph");
  EXPECT_EQ(kb::over_limit("[a]: /" + std::string(100'000, 'x') + "\n\n" + repeat("[a] ", 50'000)),
            "reference links that expand too much");
  EXPECT_EQ(kb::over_limit(std::string(100'000, '>') + " a"), "nested too deeply");
  EXPECT_EQ(kb::over_limit(std::string(20'000, '>') + " " + repeat("a *b* ", 50'000)),
            "too much content nested too deeply");
  EXPECT_EQ(kb::over_limit("a|b\n-|-\n" + std::string(500'000, '|')), "lines with too many '|'");
  EXPECT_EQ(kb::over_limit("www.example.com/" + std::string(500'000, ')')), "web addresses that are too long");
  EXPECT_EQ(kb::over_limit(repeat("a <?", 200'000)), "too many unclosed '<?' or '<!' in one paragraph");
  EXPECT_EQ(kb::over_limit(repeat("mailto:s@p.com/", 60'000)), "too many '@' in one paragraph");
  EXPECT_EQ(kb::over_limit(std::string((1 << 20) + 1, 'a')), "longer than 1 MiB");

  // Shown as text, completely and escaped, and every function returns.
  auto html = kb::render_html(square_table);
  EXPECT_TRUE(html.starts_with("<pre>a|a|a|")) << html.substr(0, 40);
  EXPECT_TRUE(html.ends_with("a\n</pre>\n"));
  EXPECT_EQ(count(kb::plain_text(square_table), "\n") + 1, 3002u);
  EXPECT_EQ(kb::passages(square_table).size(), 1u);
  EXPECT_EQ(kb::excerpt(square_table, 10), "a|a|a|a|a\xE2\x80\xA6");
}

TEST(kb_pathological, text_shown_unformatted_is_escaped_and_split_at_blank_lines) {
  const std::string md = std::string(200'000, '>') + " <script>alert(\"x\")</script> & more\n\n\n" +
                         "second   block\r\nline two\n \t\nthird \xFF";
  ASSERT_EQ(kb::over_limit(md), "nested too deeply");
  auto html = kb::render_html(md);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_TRUE(switchboard::valid_utf8(html));
  auto got = kb::passages(md);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[1] == (kb::passage{"", "second block\nline two"}));
  EXPECT_TRUE(got[2] == (kb::passage{"", "third \xEF\xBF\xBD"}));
  EXPECT_EQ(kb::excerpt(md, 8), ">>>>>>>\xE2\x80\xA6");
}
