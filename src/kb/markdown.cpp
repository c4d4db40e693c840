#include "switchboard/kb/markdown.hpp"

// libcmark-gfm (Debian's libcmark-gfm-dev, libcmark-gfm-extensions-dev). The public API is
// cmark-gfm.h, the extension API and the core extensions; render.h, buffer.h and houdini.h
// are the headers an extension's HTML renderer needs (cmark_html_renderer, cmark_strbuf and
// cmark's own escaping), which Debian installs under /usr/include/cmark-gfm/.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/buffer.h>
#include <cmark-gfm/houdini.h>
#include <cmark-gfm/render.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

namespace switchboard::kb {
namespace {

// Safe mode: CMARK_OPT_UNSAFE is never set, so raw HTML renders as "<!-- raw HTML omitted -->"
// and javascript:, vbscript:, file: and data: (but images) URLs as an empty href. Invalid
// UTF-8 and NUL become U+FFFD.
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

// ---------------------------------------------------------------------------------------------
// Limits. Debian bookworm ships cmark-gfm 0.29.0.gfm.6, which predates the upstream fixes of
// 0.29.0.gfm.7 … .13 (2023) for inputs that take quadratic time or memory. Measured with the
// Debian library: an 18 KB table with 3,000 columns and 3,000 short rows takes 42 s and 2.2 GB
// (every row is padded with empty cells); 90 KB of one reference definition and 20,000 uses of
// it make 200 MB of HTML; "![[]()" repeated over 240 KB takes 6 s; 64 KB of '>' followed by
// 64 KB of inline markup takes 18 s; one 128 KB line of '|' in a table takes 6.5 s.
// Before parsing, the input's bytes are counted (no Markdown is parsed here) into upper
// bounds of the work each of those paths can do; a document over any bound is not given to
// cmark at all and is shown as text (see unformatted_*). Real articles stay far below them.
// ---------------------------------------------------------------------------------------------
constexpr std::size_t kMaxInputBytes = 1 << 20;
// Container depth: lines × depth when matching open containers, and appending an inline at
// depth d walks d ancestors (cmark_node_append_child's check).
constexpr std::uint64_t kMaxDepth = 100'000;
constexpr std::uint64_t kMaxDepthWork = 50'000'000;
// Tables: cells of every table including the empty ones cmark adds to short rows; rendering a
// cell counts its previous siblings (columns² per row); a row's cells are appended to a list
// walked from its head (pipes² per row).
constexpr std::uint64_t kMaxTableCells = 1 << 18;
constexpr std::uint64_t kMaxTableRenderWork = 50'000'000;
constexpr std::uint64_t kMaxRowWork = 1'000'000'000;
// Every use of a reference link copies the definition's URL and title.
constexpr std::uint64_t kMaxReferenceBytes = 16 << 20;
// A link closes by walking back over every open image opener "![" of its paragraph.
constexpr std::uint64_t kMaxBracketWork = 50'000'000;
// "<?", "<!" (declarations, CDATA, comments) without an end scan to the paragraph's end.
constexpr std::uint64_t kMaxHtmlScanWork = 1'000'000'000;
// URL autolinks trim trailing ')' by counting parentheses over the whole link.
constexpr std::uint64_t kMaxUrlWork = 1'000'000'000;
// Each e-mail autolink copies the rest of its text node (up to 1,000 times per node).
constexpr std::uint64_t kMaxEmailWork = 50'000'000;

std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}
std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Upper bounds from byte counts, in one pass. Lines end at "\n", "\r" or "\r\n" as in
// CommonMark; a "run" is a stretch of lines without a blank one (only spaces and tabs), which
// no paragraph, table or reference definition crosses.
std::string_view exceeded_limit(std::string_view md) {
  if (md.size() > kMaxInputBytes) return "longer than 1 MiB";

  std::uint64_t lines = 0, max_prefix = 0, structural_prefix = 0, row_work = 0, closers = 0;
  std::uint64_t cells = 0, render_work = 0, bracket_work = 0, html_work = 0, email_work = 0;
  std::uint64_t max_definition_run = 0;
  // The current run.
  std::uint64_t run_bytes = 0, run_lines = 0, run_cols = 0, run_cols_sq = 0, run_images = 0,
                run_closers = 0, run_html = 0, run_ats = 0;
  bool run_has_definition = false;
  auto end_run = [&] {
    cells = sat_add(cells, sat_mul(run_cols, run_lines));
    render_work = sat_add(render_work, sat_mul(run_cols_sq, run_lines));
    bracket_work = sat_add(bracket_work, sat_mul(run_images, run_closers));
    html_work = sat_add(html_work, sat_mul(run_html, run_bytes));
    email_work = sat_add(email_work, sat_mul(std::min<std::uint64_t>(run_ats, 1000), run_bytes));
    if (run_has_definition) max_definition_run = std::max(max_definition_run, run_bytes);
    run_bytes = run_lines = run_cols = run_cols_sq = run_images = run_closers = run_html = run_ats = 0;
    run_has_definition = false;
  };

  const auto* p = reinterpret_cast<const unsigned char*>(md.data());
  const std::size_t n = md.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t start = i;
    while (i < n && p[i] != '\n' && p[i] != '\r') ++i;
    std::size_t end = i;
    if (i < n) i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
    ++lines;

    // Container prefix: every container the line continues or opens takes at least half a
    // byte of it (a tab is up to 4 columns, a list item's content at least 2), so the depth is
    // at most twice its length.
    std::size_t k = start;
    while (k < end && p[k] != 0 && std::strchr(" \t>*+-0123456789.)", p[k]) != nullptr) ++k;
    max_prefix = std::max<std::uint64_t>(max_prefix, k - start);
    // The part of it that never becomes inline nodes: spaces, tabs, '>' and list markers
    // followed by a space or tab ("-", "+", "*", "1." or "1)"). A marker-like "2. " that
    // continues a paragraph is text without special characters: one node for the line.
    std::size_t s = start;
    for (;;) {
      auto blank_at = [&](std::size_t j) { return j < end && (p[j] == ' ' || p[j] == '\t'); };
      if (s < end && (p[s] == ' ' || p[s] == '\t' || p[s] == '>')) {
        ++s;
      } else if (s < end && (p[s] == '-' || p[s] == '+' || p[s] == '*') && blank_at(s + 1)) {
        s += 2;
      } else {
        std::size_t d = s;
        while (d < end && d - s < 9 && p[d] >= '0' && p[d] <= '9') ++d;
        if (d == s || d >= end || (p[d] != '.' && p[d] != ')') || !blank_at(d + 1)) break;
        s = d + 2;
      }
    }
    structural_prefix += s - start;

    bool blank = true, delimiter_like = true, has_dash = false;
    std::uint64_t pipes = 0;
    for (std::size_t j = start; j < end; ++j) {
      unsigned char c = p[j];
      if (c != ' ' && c != '\t') blank = false;
      if (c == '|') ++pipes;
      if (c == '-') has_dash = true;
      if (c == 0 || std::strchr(" \t\v\f|:->*+.)0123456789", c) == nullptr) delimiter_like = false;
      if (c == ']') {
        ++closers;
        ++run_closers;
        if (j + 1 < end && p[j + 1] == ':') run_has_definition = true;
      }
      if (c == '!' && j + 1 < end && p[j + 1] == '[') ++run_images;
      if (c == '<' && j + 1 < end && (p[j + 1] == '?' || p[j + 1] == '!')) ++run_html;
      if (c == '@') ++run_ats;
    }
    row_work = sat_add(row_work, pipes * pipes);
    if (blank) {
      end_run();
      continue;
    }
    ++run_lines;
    run_bytes += i - start;
    if (delimiter_like && has_dash && pipes > 0) {  // could be a table's delimiter row
      run_cols += pipes + 1;
      run_cols_sq = sat_add(run_cols_sq, (pipes + 1) * (pipes + 1));
    }
  }
  end_run();

  // Autolinks run to the next whitespace: bound each candidate by its whitespace-free word.
  std::uint64_t url_work = 0;
  for (std::size_t w = 0; w < n;) {
    while (w < n && is_ascii_space(p[w])) ++w;
    std::size_t start = w;
    while (w < n && !is_ascii_space(p[w])) ++w;
    std::string_view word = md.substr(start, w - start);
    if (word.find("://") != std::string_view::npos || word.find("www.") != std::string_view::npos)
      url_work = sat_add(url_work, sat_mul(word.size(), word.size()));
  }

  const std::uint64_t depth = 2 * max_prefix + 1;
  const std::uint64_t content = n - std::min<std::uint64_t>(n, structural_prefix);
  if (depth > kMaxDepth) return "nested too deeply";
  if (sat_mul(depth, lines + content) > kMaxDepthWork) return "too much content nested too deeply";
  if (cells > kMaxTableCells) return "tables with too many cells";
  if (render_work > kMaxTableRenderWork) return "tables with too many columns";
  if (row_work > kMaxRowWork) return "lines with too many '|'";
  if (sat_mul(closers, max_definition_run) > kMaxReferenceBytes) return "reference links that expand too much";
  if (bracket_work > kMaxBracketWork) return "too many images and links in one paragraph";
  if (html_work > kMaxHtmlScanWork) return "too many unclosed '<?' or '<!' in one paragraph";
  if (url_work > kMaxUrlWork) return "web addresses that are too long";
  if (email_work > kMaxEmailWork) return "too many '@' in one paragraph";
  return {};
}

// ---------------------------------------------------------------------------------------------
// UTF-8 and whitespace.
// ---------------------------------------------------------------------------------------------
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The code point at s[i] and its length; length 0 for a byte that starts no well-formed
// sequence (Unicode table 3-7: no overlongs, surrogates or code points past U+10FFFF).
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return {c, 1};
  std::size_t len;
  char32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    unsigned char cc = b(i + k);
    if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) return {0, 0};
    cp = (cp << 6) | (cc & 0x3F);
  }
  return {cp, len};
}

// Well-formed UTF-8 without NUL: each bad byte and NUL become U+FFFD, as cmark does.
std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto [cp, len] = decode(s, i);
    if (len == 0 || cp == 0) {
      out += kReplacement;
      i += len == 0 ? 1 : len;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

// Runs of ASCII whitespace become one space; none at either end.
std::string collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (is_ascii_space(static_cast<unsigned char>(c))) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += sep;
    out += part;
  }
  return out;
}

// Text split into lines at "\n", "\r" and "\r\n".
template <typename F>
void for_each_line(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t end = s.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = s.size();
    f(s.substr(i, end - i));
    if (end == s.size()) break;
    i = end + ((s[end] == '\r' && end + 1 < s.size() && s[end + 1] == '\n') ? 2 : 1);
  }
}

// ---------------------------------------------------------------------------------------------
// A document over the limits is text, not Markdown: escaped in a <pre>, and for the text
// functions its lines, with blank lines separating passages.
// ---------------------------------------------------------------------------------------------
std::string unformatted_html(std::string_view md) {
  std::string text = sanitize_utf8(md);
  std::string out = "<pre>";
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  out += "</pre>\n";
  return out;
}

std::vector<std::vector<std::string>> unformatted_blocks(std::string_view md) {
  std::vector<std::vector<std::string>> blocks(1);
  for_each_line(sanitize_utf8(md), [&](std::string_view line) {
    std::string text = collapse(line);
    if (!text.empty()) {
      blocks.back().push_back(std::move(text));
    } else if (!blocks.back().empty()) {
      blocks.emplace_back();
    }
  });
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// cmark: the parser, the document, walks.
// ---------------------------------------------------------------------------------------------
struct parser_free {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct node_free {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct iter_free {
  void operator()(cmark_iter* it) const { cmark_iter_free(it); }
};
using iter_ptr = std::unique_ptr<cmark_iter, iter_free>;

iter_ptr iterate(cmark_node* root) {
  iter_ptr it(cmark_iter_new(root));
  if (!it) throw std::bad_alloc();
  return it;
}

// An external link renders as cmark's own <a> with rel="nofollow noopener": the link node keeps
// its type (a table cell accepts only links, not custom nodes) and gets this extension, whose
// HTML hook cmark calls instead of its own. It is never attached to a parser.
void render_external_link(cmark_syntax_extension*, cmark_html_renderer* renderer, cmark_node* node,
                          cmark_event_type ev, int) {
  cmark_strbuf* html = renderer->html;
  if (ev != CMARK_EVENT_ENTER) {
    cmark_strbuf_puts(html, "</a>");
    return;
  }
  // As cmark's renderer does for a link (the URL is http(s), so its safety check passes).
  const char* url = cmark_node_get_url(node);
  const char* title = cmark_node_get_title(node);
  cmark_strbuf_puts(html, "<a href=\"");
  if (url != nullptr)
    houdini_escape_href(html, reinterpret_cast<const uint8_t*>(url), static_cast<bufsize_t>(std::strlen(url)));
  if (title != nullptr && *title != '\0') {
    cmark_strbuf_puts(html, "\" title=\"");
    houdini_escape_html0(html, reinterpret_cast<const uint8_t*>(title), static_cast<bufsize_t>(std::strlen(title)), 0);
  }
  cmark_strbuf_puts(html, "\" rel=\"nofollow noopener\">");
}

struct registry {
  cmark_syntax_extension* table;
  cmark_syntax_extension* strikethrough;
  cmark_syntax_extension* autolink;
  cmark_syntax_extension* tasklist;
  cmark_syntax_extension* external_link;
};

// cmark_gfm_core_extensions_ensure_registered is not thread-safe in gfm.6 (a plain static
// flag); the registry is read-only after this.
const registry& extensions() {
  static const registry r = [] {
    cmark_gfm_core_extensions_ensure_registered();
    registry out{cmark_find_syntax_extension("table"), cmark_find_syntax_extension("strikethrough"),
                 cmark_find_syntax_extension("autolink"), cmark_find_syntax_extension("tasklist"),
                 cmark_syntax_extension_new("switchboard_external_link")};
    if (!out.table || !out.strikethrough || !out.autolink || !out.tasklist || !out.external_link)
      throw std::runtime_error("libcmark-gfm: a GFM extension is missing");
    cmark_syntax_extension_set_html_render_func(out.external_link, render_external_link);
    return out;
  }();
  return r;
}

// One parse at a time in the process: cmark-gfm's inline parser keeps the extensions' special
// characters ('~' for strikethrough, ':' and 'w' for autolinks) in a global table that every
// parse adds to when its inlines start and removes from when they end (process_inlines in
// blocks.c, still so in 0.29.0.gfm.13), so a parse on another thread would miss strikethrough
// and autolinks (the concurrency test caught it). Rendering and the walks need no lock.
std::mutex parse_mutex;

class document {
 public:
  explicit document(std::string_view md) {
    const registry& ext = extensions();
    parser_.reset(cmark_parser_new(kOptions));
    if (!parser_) throw std::bad_alloc();
    for (auto* e : {ext.table, ext.strikethrough, ext.autolink, ext.tasklist})
      if (!cmark_parser_attach_syntax_extension(parser_.get(), e))
        throw std::runtime_error("libcmark-gfm: cannot attach an extension");
    std::lock_guard lock(parse_mutex);
    cmark_parser_feed(parser_.get(), md.data(), md.size());
    root_.reset(cmark_parser_finish(parser_.get()));
    if (!root_) throw std::bad_alloc();
  }
  cmark_node* root() const { return root_.get(); }
  cmark_llist* syntax_extensions() const { return cmark_parser_get_syntax_extensions(parser_.get()); }

 private:
  std::unique_ptr<cmark_parser, parser_free> parser_;  // declared first: the tree is freed first
  std::unique_ptr<cmark_node, node_free> root_;
};

enum class kind { other, table, table_row, table_cell };

kind kind_of(cmark_node* n) {
  const char* type = cmark_node_get_type_string(n);
  if (type == nullptr) return kind::other;
  if (std::strcmp(type, "table") == 0) return kind::table;
  if (std::strcmp(type, "table_row") == 0 || std::strcmp(type, "table_header") == 0) return kind::table_row;
  if (std::strcmp(type, "table_cell") == 0) return kind::table_cell;
  return kind::other;
}

bool is_block(cmark_node_type t) { return (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK; }

// The visible text under root, one line per block: paragraphs, headings, list items'
// paragraphs, table rows ("cell | cell"), code block lines. Iterative (cmark's iterator), so
// the depth of the tree costs no stack.
std::vector<std::string> text_lines(cmark_node* root) {
  std::vector<std::string> lines;
  std::string current;
  auto flush = [&] {
    std::string line = collapse(current);
    if (!line.empty()) lines.push_back(std::move(line));
    current.clear();
  };
  auto it = iterate(root);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it.get());
    const bool enter = ev == CMARK_EVENT_ENTER;
    const cmark_node_type type = cmark_node_get_type(n);
    switch (type) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE:
        if (const char* s = cmark_node_get_literal(n)) current += s;
        break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK:
        current += ' ';
        break;
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_HTML_INLINE:
        break;  // raw HTML is never text
      case CMARK_NODE_IMAGE:
        // Alt text is not visible text; skip the image's children.
        if (enter) cmark_iter_reset(it.get(), n, CMARK_EVENT_EXIT);
        break;
      case CMARK_NODE_CODE_BLOCK:
        flush();
        if (const char* s = cmark_node_get_literal(n))
          for_each_line(s, [&](std::string_view line) {
            current = line;
            flush();
          });
        break;
      default:
        if (!is_block(type)) break;  // emphasis, links, strikethrough: their text follows
        if (kind_of(n) == kind::table_cell) {
          if (enter && cmark_node_previous(n) != nullptr) current += " | ";
          break;
        }
        flush();
    }
  }
  flush();
  return lines;
}

bool is_external(const char* url) {
  if (url == nullptr) return false;
  auto starts = [&](const char* prefix) {
    std::size_t len = std::strlen(prefix);
    for (std::size_t i = 0; i < len; ++i)
      if (url[i] == '\0' || (url[i] | 0x20) != prefix[i]) return false;  // ASCII case-insensitive
    return true;
  };
  return starts("http://") || starts("https://");
}

}  // namespace

std::string_view over_limit(std::string_view markdown) { return exceeded_limit(markdown); }

std::string render_html(std::string_view markdown) {
  if (!exceeded_limit(markdown).empty()) return unformatted_html(markdown);
  document doc(markdown);
  {
    auto it = iterate(doc.root());
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
      cmark_node* n = cmark_iter_get_node(it.get());
      if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_LINK &&
          cmark_node_get_syntax_extension(n) == nullptr && is_external(cmark_node_get_url(n)))
        cmark_node_set_syntax_extension(n, extensions().external_link);
    }
  }
  char* html = cmark_render_html(doc.root(), kOptions, doc.syntax_extensions());
  if (html == nullptr) throw std::bad_alloc();
  std::string out(html);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

std::string plain_text(std::string_view markdown) {
  if (!exceeded_limit(markdown).empty()) {
    std::vector<std::string> lines;
    for (auto& block : unformatted_blocks(markdown))
      for (auto& line : block) lines.push_back(std::move(line));
    return join(lines, "\n");
  }
  document doc(markdown);
  return join(text_lines(doc.root()), "\n");
}

std::vector<passage> passages(std::string_view markdown) {
  std::vector<passage> out;
  if (!exceeded_limit(markdown).empty()) {
    for (auto& block : unformatted_blocks(markdown)) out.push_back({"", join(block, "\n")});
    return out;
  }
  document doc(markdown);
  std::string heading;
  auto it = iterate(doc.root());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it.get());
    const cmark_node_type type = cmark_node_get_type(n);
    const bool whole = type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_LIST ||
                       type == CMARK_NODE_CODE_BLOCK || kind_of(n) == kind::table;
    if (type == CMARK_NODE_HEADING) {
      heading = join(text_lines(n), " ");
    } else if (whole) {
      std::string text = join(text_lines(n), "\n");
      if (!text.empty()) out.push_back({heading, std::move(text)});
    } else {
      continue;  // the document, block quotes: their blocks follow; HTML, rules: nothing
    }
    if (cmark_node_first_child(n) != nullptr) cmark_iter_reset(it.get(), n, CMARK_EVENT_EXIT);
  }
  return out;
}

std::string excerpt(std::string_view markdown, std::size_t max_chars) {
  std::string text;
  if (!exceeded_limit(markdown).empty()) {
    auto blocks = unformatted_blocks(markdown);
    if (!blocks.empty()) text = join(blocks.front(), " ");
  } else {
    document doc(markdown);
    auto it = iterate(doc.root());
    cmark_event_type ev;
    while (text.empty() && (ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE) {
      cmark_node* n = cmark_iter_get_node(it.get());
      if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH) {
        text = join(text_lines(n), " ");
        if (cmark_node_first_child(n) != nullptr) cmark_iter_reset(it.get(), n, CMARK_EVENT_EXIT);
      }
    }
  }

  // Code points: the text is well-formed UTF-8 (cmark validated it, or sanitize_utf8 did).
  auto is_lead = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  std::size_t count = 0;
  for (char c : text) count += is_lead(c);
  if (count <= max_chars) return text;
  if (max_chars == 0) return {};

  // The byte offset after max_chars - 1 code points, leaving one for "…".
  std::size_t end = 0;
  for (std::size_t seen = 0; end < text.size(); ++end) {
    if (is_lead(text[end]) && seen++ == max_chars - 1) break;
  }
  std::size_t cut = end;
  if (text[end] != ' ') {
    std::size_t space = end == 0 ? std::string::npos : text.rfind(' ', end - 1);
    if (space != std::string::npos && space >= end / 2) cut = space;
  }
  text.resize(cut);
  while (!text.empty() && std::strchr(" ,;:", text.back()) != nullptr) text.pop_back();
  return text + "\xE2\x80\xA6";  // …
}

std::string slugify(std::string_view title) {
  // U+00C0 … U+00FF without diacritics; "" for × and ÷, which separate words.
  static constexpr const char* kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e",  "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u",  "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e",  "e", "i", "i", "i",  "i",
      "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u",  "u", "u", "y", "th", "y"};
  std::string out;
  bool separate = false;
  auto emit = [&](std::string_view s) {
    if (separate && !out.empty()) out += '-';
    separate = false;
    out += s;
  };
  for (std::size_t i = 0; i < title.size();) {
    auto [cp, len] = decode(title, i);
    i += len == 0 ? 1 : len;
    if (len == 0) continue;  // invalid UTF-8: dropped
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        emit(std::string_view(&c, 1));
      } else {
        separate = true;
      }
    } else if (cp >= 0xC0 && cp <= 0xFF && *kLatin1[cp - 0xC0] != '\0') {
      emit(kLatin1[cp - 0xC0]);
    } else if (cp <= 0xFF || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000) {
      separate = true;  // Latin-1 symbols and spaces, × ÷, General Punctuation, ideographic space
    }  // other non-ASCII: dropped
  }
  constexpr std::size_t kMax = 80;
  if (out.size() > kMax) {
    std::size_t cut = kMax;
    if (out[kMax] != '-') {
      std::size_t dash = out.rfind('-', kMax - 1);
      if (dash != std::string::npos && dash > 0) cut = dash;
    }
    out.resize(cut);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out;
}

}  // namespace switchboard::kb
