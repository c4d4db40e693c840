#include "switchboard/helpcenter/pages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

namespace switchboard::helpcenter {

namespace kb = store::kb;

namespace {

constexpr std::string_view default_color = "#2563eb";

// The rules every page shares; the site's colours come first as custom properties
// (--brand, --on-brand, --link), so this text is the same for every workspace.
constexpr std::string_view shared_css =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
    "color:#1f2937;background:#fff}"
    "a{color:var(--link)}"
    ":focus-visible{outline:3px solid var(--link);outline-offset:2px}"
    ".wrap{max-width:60rem;margin:0 auto;padding:0 1rem}"
    ".skip{position:absolute;left:-9999px;top:.5rem;z-index:1;background:#fff;padding:.5rem 1rem}"
    ".skip:focus{left:.5rem}"
    ".visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;"
    "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}"
    "header.site{background:var(--brand);color:var(--on-brand);padding:1rem 0}"
    "header.site .wrap{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;"
    "justify-content:space-between}"
    "header.site a{color:var(--on-brand);font-weight:600;font-size:1.125rem;text-decoration:none}"
    "header.site :focus-visible{outline-color:var(--on-brand)}"
    "form[role=search]{display:flex;gap:.5rem;flex:1;max-width:32rem}"
    "input[type=search]{flex:1;min-width:0;font:inherit;padding:.5rem .75rem;"
    "border:1px solid #6b7280;border-radius:.375rem;background:#fff;color:#111}"
    "button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.375rem;background:var(--link);"
    "color:#fff;cursor:pointer}"
    ".crumbs ol{list-style:none;display:flex;flex-wrap:wrap;margin:1rem auto 0;padding:0}"
    ".crumbs li+li::before{content:\"\\203A\";margin:0 .5rem;color:#4b5563}"
    "main{display:block;padding-bottom:2rem}"
    ".hero{text-align:center;padding:1.5rem 0}"
    ".hero form[role=search]{margin:0 auto}"
    ".cards{list-style:none;padding:0;display:grid;gap:1rem;"
    "grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}"
    ".card{border:1px solid #d1d5db;border-radius:.5rem;padding:1rem}"
    ".card h3{margin:0 0 .25rem;font-size:1.125rem}"
    ".card p{margin:.25rem 0}"
    ".sub{margin:.5rem 0 0;padding-left:1.25rem}"
    ".articles{padding-left:1.25rem}"
    ".articles li,.results li{margin:.5rem 0}"
    ".articles p,.results p{margin:.125rem 0}"
    ".results{list-style:none;padding:0}"
    ".results h2{font-size:1.125rem;margin:0}"
    ".muted{color:#4b5563}"
    "mark{background:#fef08a;color:inherit}"
    ".article-body img{max-width:100%;height:auto}"
    ".article-body pre{overflow:auto;background:#f3f4f6;padding:1rem;border-radius:.375rem}"
    ".article-body table{border-collapse:collapse}"
    ".article-body th,.article-body td{border:1px solid #d1d5db;padding:.25rem .5rem}"
    ".feedback,.chat{border-top:1px solid #d1d5db;margin-top:2rem;padding-top:1rem}"
    ".feedback h2{font-size:1.125rem}"
    ".feedback button{margin-right:.5rem}"
    "footer{border-top:1px solid #d1d5db;padding:1.5rem 0;color:#4b5563;font-size:.875rem}";

// ---- colours (WCAG 2 relative luminance and contrast) ----

using rgb = std::array<int, 3>;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<rgb> parse_color(std::string_view s) {
  if (s.size() != 7 || s[0] != '#') return std::nullopt;
  rgb out{};
  for (int i = 0; i < 3; ++i) {
    int hi = hex_digit(s[1 + 2 * i]), lo = hex_digit(s[2 + 2 * i]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = hi * 16 + lo;
  }
  return out;
}

std::string to_hex(const rgb& c) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "#";
  for (int v : c) {
    out += digits[v / 16];
    out += digits[v % 16];
  }
  return out;
}

double luminance(const rgb& c) {
  auto linear = [](int v) {
    double s = v / 255.0;
    return s <= 0.03928 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
}

double ratio(const rgb& a, const rgb& b) {
  double la = luminance(a), lb = luminance(b);
  if (la < lb) std::swap(la, lb);
  return (la + 0.05) / (lb + 0.05);
}

constexpr rgb white{255, 255, 255};
constexpr double min_contrast = 4.5;

// ---- text ----

std::string_view trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Whitespace runs collapsed to one space, trimmed, and at most `max` code points: a
// longer text is cut (at a space when one is near) and ends with "…".
std::string clamp_text(std::string_view text, std::size_t max) {
  std::string flat;
  bool pending_space = false;
  for (char c : trim(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = true;
      continue;
    }
    if (pending_space) flat += ' ';
    pending_space = false;
    flat += c;
  }
  auto lead = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  std::size_t points = 0, cut = flat.size();
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if (!lead(flat[i])) continue;
    if (points == max - 1) cut = i;  // where the text stops if it needs the ellipsis
    ++points;
  }
  if (points <= max) return flat;
  std::string_view kept(flat.data(), cut);
  auto space = kept.rfind(' ');
  if (space != std::string_view::npos && space > kept.size() / 2) kept = kept.substr(0, space);
  return std::string(trim(kept)) + "\u2026";
}

// "2024-03-05" from "2024-03-05T10:00:00Z" when those ten characters are a real date.
std::optional<std::string> date_of(std::string_view timestamp) {
  if (timestamp.size() < 10) return std::nullopt;
  auto d = timestamp.substr(0, 10);
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (d[i] < '0' || d[i] > '9') return std::nullopt;
  if (d[4] != '-' || d[7] != '-') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (d[i] - '0');
    return v;
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2);
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int last = days[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > last) return std::nullopt;
  return std::string(d);
}

// "March 5, 2024" from a date_of() value.
std::string display_date(std::string_view ymd) {
  static constexpr const char* months[] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
  int month = (ymd[5] - '0') * 10 + (ymd[6] - '0');
  int day = (ymd[8] - '0') * 10 + (ymd[9] - '0');
  return std::string(months[month - 1]) + " " + std::to_string(day) + ", " +
         std::string(ymd.substr(0, 4));
}

std::string count_text(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " article" : " articles");
}

std::string curly_quoted(std::string_view q) { return "\u201c" + escape_html(q) + "\u201d"; }

// ---- URLs ----

std::string base_of(const site& s) {
  std::string_view b = s.base_url;
  while (!b.empty() && b.back() == '/') b.remove_suffix(1);
  return std::string(b);
}
std::string home_url(const site& s) { return base_of(s) + "/"; }
std::string collection_url(const site& s, std::string_view slug) {
  return base_of(s) + "/collections/" + url_component(slug);
}
std::string article_url(const site& s, std::string_view slug) {
  return base_of(s) + "/articles/" + url_component(slug);
}
std::string search_url(const site& s, std::string_view query) {
  return query.empty() ? base_of(s) + "/search" : base_of(s) + "/search?q=" + url_component(query);
}

// A chat link only to a web address or a path on this host (never javascript: and the like).
std::optional<std::string> chat_link(const site& s) {
  if (!s.chat_enabled) return std::nullopt;
  std::string_view u = s.chat_url;
  auto starts = [&](std::string_view p) {
    if (u.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (static_cast<char>(std::tolower(static_cast<unsigned char>(u[i]))) != p[i]) return false;
    return true;
  };
  if (starts("https://") || starts("http://") || (starts("/") && !starts("//")))
    return std::string(u);
  return std::nullopt;
}

std::string site_title(const site& s) {
  return s.name.empty() ? "Help Center" : s.name + " Help Center";
}

// ---- the document ----

struct head {
  std::string title;        // before " – Name Help Center"; empty on the home page
  std::string description;  // plain text
  std::optional<std::string> canonical;
  std::string og_type = "website";
  bool noindex = false;
};

struct crumb {
  std::string label;
  std::string url;  // empty: the current page
};

std::string search_form(const site& s, std::string_view query) {
  return "<form role=\"search\" action=\"" + escape_html(base_of(s) + "/search") +
         "\" method=\"get\"><label for=\"q\" class=\"visually-hidden\">Search the help "
         "center</label>"
         "<input id=\"q\" name=\"q\" type=\"search\" value=\"" +
         escape_html(query) +
         "\" placeholder=\"Search articles\"><button type=\"submit\">Search</button></form>";
}

void add_link(std::string& out, const std::string& url, std::string_view label) {
  out += "<a href=\"" + escape_html(url) + "\">" + escape_html(label) + "</a>";
}

std::string document(const site& s, const head& h, const std::vector<crumb>& crumbs,
                     std::optional<std::string_view> header_search, std::string_view main) {
  const std::string name = site_title(s);
  const std::string full_title = h.title.empty() ? name : h.title + " \u2013 " + name;
  const std::string og_title = h.title.empty() ? name : h.title;
  const std::string description = escape_html(h.description);
  std::string out;
  out.reserve(main.size() + 6000);
  out +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape_html(full_title) + "</title>\n";
  out += "<meta name=\"description\" content=\"" + description + "\">\n";
  if (h.noindex) out += "<meta name=\"robots\" content=\"noindex\">\n";
  if (h.canonical) out += "<link rel=\"canonical\" href=\"" + escape_html(*h.canonical) + "\">\n";
  out += "<meta property=\"og:title\" content=\"" + escape_html(og_title) + "\">\n";
  out += "<meta property=\"og:description\" content=\"" + description + "\">\n";
  if (h.canonical)
    out += "<meta property=\"og:url\" content=\"" + escape_html(*h.canonical) + "\">\n";
  out += "<meta property=\"og:type\" content=\"" + h.og_type + "\">\n";
  out += "<meta property=\"og:site_name\" content=\"" + escape_html(name) + "\">\n";
  out += "<style>" + stylesheet(s) + "</style>\n</head>\n<body>\n";
  out += "<a class=\"skip\" href=\"#main\">Skip to content</a>\n";
  out += "<header class=\"site\"><div class=\"wrap\"><a href=\"" + escape_html(home_url(s)) +
         "\">" + escape_html(name) + "</a>";
  if (header_search) out += search_form(s, *header_search);
  out += "</div></header>\n";
  out += "<nav class=\"crumbs wrap\" aria-label=\"Breadcrumb\"><ol>";
  for (auto& c : crumbs) {
    out += "<li>";
    if (c.url.empty())
      out += "<span aria-current=\"page\">" + escape_html(c.label) + "</span>";
    else
      add_link(out, c.url, c.label);
    out += "</li>";
  }
  out += "</ol></nav>\n";
  out += "<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n";
  out += main;
  out += "</main>\n";
  out += "<footer><div class=\"wrap\"><p>";
  add_link(out, home_url(s), name);
  out += "</p></div></footer>\n</body>\n</html>\n";
  return out;
}

std::string article_description(const kb::article& a) {
  auto from = trim(a.excerpt).empty() ? std::string_view(a.body_text) : std::string_view(a.excerpt);
  return clamp_text(from, 160);
}

// <ul class="articles"> of title links with their excerpts.
std::string article_list(const site& s, const std::vector<kb::article>& articles) {
  std::string out = "<ul class=\"articles\">\n";
  for (auto& a : articles) {
    out += "<li>";
    add_link(out, article_url(s, a.slug), a.title);
    if (!trim(a.excerpt).empty()) out += "<p class=\"muted\">" + escape_html(a.excerpt) + "</p>";
    out += "</li>\n";
  }
  out += "</ul>\n";
  return out;
}

std::string section(std::string_view id, std::string_view heading, std::string_view body) {
  return "<section aria-labelledby=\"" + std::string(id) + "\"><h2 id=\"" + std::string(id) +
         "\">" + escape_html(heading) + "</h2>\n" + std::string(body) + "</section>\n";
}

std::vector<crumb> trail(const site& s, const std::optional<kb::collection>& parent,
                         const std::optional<kb::collection>& collection) {
  std::vector<crumb> out{{"Home", home_url(s)}};
  if (parent) out.push_back({parent->name, collection_url(s, parent->slug)});
  if (collection) out.push_back({collection->name, collection_url(s, collection->slug)});
  return out;
}

}  // namespace

// ---- public helpers ----

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string snippet_html(std::string_view marked) {
  std::string out;
  bool open = false;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) { out += escape_html(marked.substr(start, end - start)); };
  for (std::size_t i = 0; i < marked.size(); ++i) {
    char c = marked[i];
    if (c != '\x01' && c != '\x02') continue;
    flush(i);
    start = i + 1;
    if (c == '\x01' && !open) {
      out += "<mark>";
      open = true;
    } else if (c == '\x02' && open) {
      out += "</mark>";
      open = false;
    }
  }
  flush(marked.size());
  if (open) out += "</mark>";
  return out;
}

std::string url_component(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xF];
    }
  }
  return out;
}

palette palette_for(std::string_view color) {
  rgb brand = parse_color(color).value_or(*parse_color(default_color));
  palette p;
  p.brand = to_hex(brand);
  // White when it reaches 4.5:1, else near-black, else black: on a mid grey such as #777777
  // neither white (4.48:1) nor #111111 (4.22:1) does, and black always does when white fails.
  constexpr rgb near_black{0x11, 0x11, 0x11};
  p.on_brand = ratio(brand, white) >= min_contrast        ? "#ffffff"
               : ratio(brand, near_black) >= min_contrast ? "#111111"
                                                          : "#000000";
  // Darken in steps of 1 % toward black (which has 21:1) until the link passes on white.
  rgb link = brand;
  for (int step = 1; ratio(link, white) < min_contrast && step <= 100; ++step)
    for (int i = 0; i < 3; ++i)
      link[i] = static_cast<int>(std::lround(brand[i] * (100 - step) / 100.0));
  p.link = to_hex(link);
  return p;
}

double contrast_ratio(std::string_view a, std::string_view b) {
  auto ca = parse_color(a), cb = parse_color(b);
  if (!ca || !cb) return 0;
  return ratio(*ca, *cb);
}

std::string stylesheet(const site& s) {
  auto p = palette_for(s.color);
  return ":root{--brand:" + p.brand + ";--on-brand:" + p.on_brand + ";--link:" + p.link + "}" +
         std::string(shared_css);
}

// ---- pages ----

std::string home_page(const site& s, const std::vector<kb::collection>& collections,
                      const std::map<store::id_t, std::size_t>& article_counts,
                      const std::vector<kb::article>& popular) {
  auto count_of = [&](store::id_t id) {
    auto it = article_counts.find(id);
    return it == article_counts.end() ? std::size_t{0} : it->second;
  };
  // Cards for the top-level collections (and for any whose parent is not listed or is
  // not top-level itself), each sub-collection under its parent's card.
  std::unordered_map<store::id_t, const kb::collection*> by_id;
  for (auto& c : collections) by_id.emplace(c.id, &c);
  auto top_level = [&](const kb::collection& c) {
    return !c.parent_id || *c.parent_id == c.id || !by_id.count(*c.parent_id);
  };
  std::unordered_map<store::id_t, std::vector<const kb::collection*>> children;
  std::vector<const kb::collection*> cards;
  for (auto& c : collections) {
    if (!top_level(c) && top_level(*by_id.at(*c.parent_id)))
      children[*c.parent_id].push_back(&c);
    else
      cards.push_back(&c);
  }

  std::string main =
      "<div class=\"hero\"><h1>How can we help?</h1>\n" + search_form(s, "") + "</div>\n";
  if (!cards.empty()) {
    std::string list = "<ul class=\"cards\">\n";
    for (auto* c : cards) {
      auto subs = children.find(c->id);
      std::size_t total = count_of(c->id);
      if (subs != children.end())
        for (auto* sub : subs->second) total += count_of(sub->id);
      list += "<li class=\"card\"><h3>";
      add_link(list, collection_url(s, c->slug), c->name);
      list += "</h3>";
      if (!trim(c->description).empty()) list += "<p>" + escape_html(c->description) + "</p>";
      list += "<p class=\"muted\">" + count_text(total) + "</p>";
      if (subs != children.end()) {
        list += "<ul class=\"sub\">";
        for (auto* sub : subs->second) {
          list += "<li>";
          add_link(list, collection_url(s, sub->slug), sub->name);
          list += "</li>";
        }
        list += "</ul>";
      }
      list += "</li>\n";
    }
    list += "</ul>\n";
    main += section("collections-title", "Collections", list);
  }
  if (!popular.empty())
    main += section("popular-title", "Popular articles", article_list(s, popular));
  if (cards.empty() && popular.empty())
    main += "<p class=\"empty\">There are no articles here yet.</p>\n";

  head h;
  h.description = clamp_text(
      "Help center of " + (s.name.empty() ? std::string("this workspace") : s.name), 160);
  h.canonical = home_url(s);
  return document(s, h, {{"Home", ""}}, std::nullopt, main);
}

std::string collection_page(const site& s, const kb::collection& c,
                            const std::vector<kb::collection>& children,
                            const std::vector<kb::article>& articles,
                            const std::optional<kb::collection>& parent) {
  std::string main = "<h1>" + escape_html(c.name) + "</h1>\n";
  if (!trim(c.description).empty())
    main += "<p class=\"muted\">" + escape_html(c.description) + "</p>\n";
  if (!children.empty()) {
    std::string list = "<ul class=\"cards\">\n";
    for (auto& child : children) {
      list += "<li class=\"card\"><h3>";
      add_link(list, collection_url(s, child.slug), child.name);
      list += "</h3>";
      if (!trim(child.description).empty()) list += "<p>" + escape_html(child.description) + "</p>";
      list += "</li>\n";
    }
    list += "</ul>\n";
    main += section("sections-title", "Sections", list);
  }
  if (!articles.empty()) main += section("articles-title", "Articles", article_list(s, articles));
  if (articles.empty() && children.empty()) {
    main += "<p class=\"empty\">There are no articles in this collection yet. ";
    add_link(main, home_url(s), "Browse the help center");
    main += ".</p>\n";
  }

  head h;
  h.title = c.name;
  h.description = trim(c.description).empty()
                      ? clamp_text(c.name + " \u2013 articles in the " + site_title(s), 160)
                      : clamp_text(c.description, 160);
  h.canonical = collection_url(s, c.slug);
  auto crumbs = trail(s, parent, std::nullopt);
  crumbs.push_back({c.name, ""});
  return document(s, h, crumbs, std::string_view{}, main);
}

std::string article_page(const site& s, const kb::article& a,
                         const std::optional<kb::collection>& collection,
                         const std::vector<kb::article>& related,
                         const std::optional<kb::collection>& parent) {
  std::string main = "<article>\n<h1>" + escape_html(a.title) + "</h1>\n";
  if (auto day = date_of(a.updated_at))
    main += "<p class=\"muted\">Updated <time datetime=\"" + *day + "\">" + display_date(*day) +
            "</time></p>\n";
  main += "<div class=\"article-body\">\n";
  main += fit_headings(a.body_html);
  main += "\n</div>\n</article>\n";
  main +=
      "<section class=\"feedback\" aria-labelledby=\"feedback-title\"><h2 id=\"feedback-title\">"
      "Was this helpful?</h2>\n<form method=\"post\" action=\"" +
      escape_html(article_url(s, a.slug) + "/vote") +
      "\"><button type=\"submit\" name=\"helpful\" value=\"yes\">Yes</button>"
      "<button type=\"submit\" name=\"helpful\" value=\"no\">No</button></form></section>\n";
  if (auto chat = chat_link(s)) {
    main += "<div class=\"chat\"><p>Still need help? ";
    add_link(main, *chat, "Chat with us");
    main += "</p></div>\n";
  }
  if (!related.empty())
    main += section("related-title", "Related articles", article_list(s, related));

  head h;
  h.title = a.title;
  h.description = article_description(a);
  h.canonical = article_url(s, a.slug);
  h.og_type = "article";
  // The parent only means something above the article's own collection.
  auto crumbs = trail(s, collection ? parent : std::nullopt, collection);
  crumbs.push_back({a.title, ""});
  return document(s, h, crumbs, std::string_view{}, main);
}

std::string search_page(const site& s, const std::string& query,
                        const std::vector<kb::article_hit>& hits) {
  const std::string q(trim(query));
  std::string main;
  head h;
  if (q.empty()) {
    h.title = "Search";
    main += "<h1>Search</h1>\n<p>Type a question or a few words in the search box, or ";
    add_link(main, home_url(s), "browse the help center");
    main += ".</p>\n";
  } else {
    h.title = "Search results for \u201c" + q + "\u201d";
    main += "<h1>Search results for " + curly_quoted(q) + "</h1>\n";
    if (hits.empty()) {
      main += "<p class=\"empty\">No articles match " + curly_quoted(q) + ". Try other words, or ";
      add_link(main, home_url(s), "browse the help center");
      main += ".</p>\n";
    } else {
      main +=
          "<p class=\"muted\">" + count_text(hits.size()) + " found</p>\n<ol class=\"results\">\n";
      for (auto& hit : hits) {
        main += "<li><h2>";
        add_link(main, article_url(s, hit.a.slug), hit.a.title);
        main += "</h2>";
        if (!hit.snippet.empty())
          main += "<p>" + snippet_html(hit.snippet) + "</p>";
        else if (!trim(hit.a.excerpt).empty())
          main += "<p>" + escape_html(hit.a.excerpt) + "</p>";
        main += "</li>\n";
      }
      main += "</ol>\n";
    }
  }
  h.description = "Search the " + site_title(s);
  h.canonical = search_url(s, q);
  h.noindex = true;
  std::vector<crumb> crumbs{{"Home", home_url(s)}, {"Search", ""}};
  return document(s, h, crumbs, std::string_view(q), main);
}

std::string not_found_page(const site& s) {
  std::string main =
      "<h1>Page not found</h1>\n<p>The page you were looking for does not exist or has moved. "
      "Try a search, or ";
  add_link(main, home_url(s), "go to the help center");
  main += ".</p>\n";
  head h;
  h.title = "Page not found";
  h.description = "This page of the " + site_title(s) + " does not exist.";
  h.noindex = true;
  return document(s, h, {{"Home", home_url(s)}, {"Page not found", ""}}, std::string_view{}, main);
}

std::string fit_headings(std::string_view html) {
  // Where a heading tag's digit is: "<h3>", "<h3 …>" or "</h3>" starting at i.
  auto digit_at = [&](std::size_t i) -> std::optional<std::size_t> {
    if (html[i] != '<') return std::nullopt;
    std::size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    if (j + 2 >= html.size() || html[j] != 'h' || html[j + 1] < '1' || html[j + 1] > '6')
      return std::nullopt;
    if (html[j + 2] != '>' && html[j + 2] != ' ') return std::nullopt;
    return j + 1;
  };
  int highest = 7;
  for (std::size_t i = 0; i < html.size(); ++i)
    if (auto d = digit_at(i)) highest = std::min(highest, html[*d] - '0');
  std::string out(html);
  if (highest == 7 || highest == 2) return out;
  const int shift = 2 - highest;
  for (std::size_t i = 0; i < html.size(); ++i)
    if (auto d = digit_at(i))
      out[*d] = static_cast<char>('0' + std::min(6, html[*d] - '0' + shift));
  return out;
}

std::string sitemap_xml(const site& s, const std::vector<kb::collection>& collections,
                        const std::vector<kb::article>& published) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  auto url = [&](const std::string& loc, const std::optional<std::string>& lastmod) {
    out += "<url><loc>" + escape_html(loc) + "</loc>";
    if (lastmod) out += "<lastmod>" + *lastmod + "</lastmod>";
    out += "</url>\n";
  };
  url(home_url(s), std::nullopt);
  for (auto& c : collections)
    if (!c.slug.empty()) url(collection_url(s, c.slug), std::nullopt);
  for (auto& a : published)
    if (a.status == "published" && !a.slug.empty())
      url(article_url(s, a.slug), date_of(a.updated_at));
  out += "</urlset>\n";
  return out;
}

}  // namespace switchboard::helpcenter
