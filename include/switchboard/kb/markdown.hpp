#pragma once
// Knowledge base: help-center articles written in GitHub-flavoured Markdown. Pure functions
// over Debian's libcmark-gfm (the only Markdown parser; its headers stay in markdown.cpp).
// Every function takes any bytes: invalid UTF-8 comes out as U+FFFD, and the tree walks are
// iterative, so deep nesting (10,000 '>') cannot overflow the stack. A document over_limit
// names is not parsed as Markdown but shown as text (see there). Safe from any thread: parses
// take a process-wide lock (cmark-gfm's inline parser changes a global table during each).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::kb {

// GitHub-flavoured Markdown (tables, strikethrough, autolinks, task lists) as HTML, in
// cmark's safe mode: raw HTML becomes "<!-- raw HTML omitted -->", and javascript:,
// vbscript:, file: and data: links (but data:image/png|gif|jpeg|webp) get an empty href.
// Links to http(s) URLs carry rel="nofollow noopener".
std::string render_html(std::string_view markdown);

// The visible text: text, code, link text (no markup, no raw HTML, no URLs, no image alt
// text). One line per block (paragraph, heading, list item's paragraph, table row with its
// cells joined by " | ", code block line); whitespace inside a line collapsed to one space.
// For search indexing, excerpts and meta descriptions.
std::string plain_text(std::string_view markdown);

// A piece of an article for the answer bot.
struct passage {
  std::string heading;  // the nearest preceding heading's text, "" before any heading
  std::string text;     // lines as in plain_text
};

// One passage per paragraph, whole list (its items, nested lists included, one line each),
// table (one "cell | cell" line per row) and code block, in document order; paragraphs inside
// block quotes are passages of their own. Headings are not passages; empty blocks are skipped.
std::vector<passage> passages(std::string_view markdown);

// The first non-empty paragraph's plain text. When it is longer than max_chars code points,
// it is cut at a word boundary (at a code point boundary when the only space is in the first
// half) and ends with "…"; the result is then at most max_chars code points, "…" included.
std::string excerpt(std::string_view markdown, std::size_t max_chars = 160);

// A URL slug: lowercase ASCII letters and digits, every other run becomes one "-", no "-" at
// either end, at most 80 characters (cut at a "-" when there is one). Latin-1 letters lose
// their diacritics (é→e, ü→u, ß→ss, ñ→n, ø→o, å→a, æ→ae, ç→c, þ→th); Latin-1 and General
// Punctuation symbols and spaces separate words; other non-ASCII characters are dropped.
// "" when nothing is left (the caller picks a default such as "article").
std::string slugify(std::string_view title);

// Why markdown would be shown as text instead of rendered, or "" (every real article). Debian
// bookworm's libcmark-gfm (0.29.0.gfm.6) predates upstream's 2023 fixes for inputs that take
// it quadratic time or memory (a few KB of table can take a minute and gigabytes). A document
// over 1 MiB, or whose bytes bound such work above a limit, is not given to cmark: render_html
// shows it escaped in a <pre>, plain_text and excerpt use its lines, and passages its
// blank-line separated blocks (heading ""). An editor can refuse to save such an article.
std::string_view over_limit(std::string_view markdown);

}  // namespace switchboard::kb
