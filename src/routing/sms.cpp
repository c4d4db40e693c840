#include "switchboard/routing/sms.hpp"

#include <cctype>

namespace switchboard::routing {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// 1..99 from one or two digits at the start of s; the digits are consumed.
std::optional<int> take_selector(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && n < 3 && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
  if (n == 0 || n > 2) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[i] - '0');
  if (v < 1) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool starts_with_word(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
  return s.size() == word.size() || std::isspace(static_cast<unsigned char>(s[word.size()]));
}

}  // namespace

teammate_text parse_teammate_text(std::string_view body) {
  auto s = trim(body);
  teammate_text t;
  if (s.empty()) return t;
  if (s == "?") {
    t.what = teammate_text::kind::list;
    return t;
  }
  if (s.front() == '@') {
    auto rest = s.substr(1);
    if (auto n = take_selector(rest); n && (rest.empty() || std::isspace(static_cast<unsigned char>(rest.front())) ||
                                            rest.front() == ':' || rest.front() == ',')) {
      if (!rest.empty() && (rest.front() == ':' || rest.front() == ',')) rest.remove_prefix(1);
      t.what = teammate_text::kind::reply_to;
      t.selector = *n;
      t.text = std::string(trim(rest));
      return t;
    }
  }
  if (starts_with_word(s, "call")) {
    auto rest = trim(s.substr(4));
    if (!rest.empty() && rest.front() == '@') rest.remove_prefix(1);
    if (auto n = take_selector(rest); n && trim(rest).empty()) {
      t.what = teammate_text::kind::call;
      t.selector = *n;
      return t;
    }
  }
  t.what = teammate_text::kind::plain;
  t.text = std::string(s);
  return t;
}

inbound_kind classify_inbound(const inbound_facts& f) {
  if (!f.number_known) return inbound_kind::unknown_number;
  if (f.from_is_our_line) return inbound_kind::loop;
  if (f.from_is_owner_phone) return inbound_kind::owner;
  if (f.from_is_teammate_phone) return inbound_kind::other_teammate;
  return inbound_kind::customer;
}

bool after_hours_reply_due(std::optional<std::chrono::system_clock::time_point> closed_since,
                           std::optional<std::chrono::system_clock::time_point> last_reply) {
  if (!closed_since) return false;  // open
  return !last_reply || *last_reply < *closed_since;
}

std::string help_text() {
  return "Switchboard: reply with @N your text (N from the list), ? for the list, call N to call a customer. "
         "Plain text goes to the conversation you last heard from.";
}

std::string format_list(const std::vector<listed_conversation>& active) {
  if (active.empty()) return "No open conversations on this line.";
  std::string out = "Open conversations:";
  for (auto& c : active) out += "\n@" + std::to_string(c.selector) + " " + c.who;
  out += "\nReply @N text, or call N.";
  return out;
}

std::string format_forward(int selector, std::string_view who, std::string_view body) {
  return clip_sms("@" + std::to_string(selector) + " " + std::string(who) + ": " + std::string(body));
}

std::string clip_sms(std::string_view body, std::size_t max_chars) {
  // Count UTF-8 code points, never cutting one in half.
  std::size_t chars = 0, i = 0;
  for (; i < body.size(); ++i) {
    if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) break;
      ++chars;
    }
  }
  if (i >= body.size()) return std::string(body);
  // Make room for the ellipsis: drop one more code point.
  std::size_t cut = i;
  do {
    --cut;
  } while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80);
  return std::string(body.substr(0, cut)) + "…";
}

phone_decision decide_teammate_text(const teammate_text& t, const phone_context& c) {
  phone_decision d;
  auto unknown = [&](int n) {
    d.what = phone_decision::action::tell;
    d.to_teammate = "No conversation @" + std::to_string(n) + ". " + format_list(c.active);
    return d;
  };
  switch (t.what) {
    case teammate_text::kind::empty:
      d.to_teammate = help_text();
      return d;
    case teammate_text::kind::list:
      d.to_teammate = format_list(c.active);
      return d;
    case teammate_text::kind::reply_to:
      if (!c.selected) return unknown(t.selector);
      if (t.text.empty()) {
        d.to_teammate = "Nothing to send: write @" + std::to_string(t.selector) + " followed by your text.";
        return d;
      }
      d.what = phone_decision::action::reply;
      d.conversation_id = c.selected;
      d.text = t.text;
      return d;
    case teammate_text::kind::call:
      if (!c.selected) return unknown(t.selector);
      d.what = phone_decision::action::call;
      d.conversation_id = c.selected;
      return d;
    case teammate_text::kind::plain:
      if (c.sticky && c.sticky_at && c.now - *c.sticky_at <= c.sticky_idle) {
        d.what = phone_decision::action::reply;
        d.conversation_id = c.sticky;
        d.text = t.text;
        return d;
      }
      if (c.active.empty()) {
        d.to_teammate = "Not sent: there is no open conversation on this line. " + help_text();
        return d;
      }
      d.to_teammate = "Not sent: which conversation? Reply @N with your text.\n" + format_list(c.active);
      return d;
  }
  d.to_teammate = help_text();
  return d;
}

}  // namespace switchboard::routing
