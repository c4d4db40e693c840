#include "switchboard/teams/commands.hpp"

#include <algorithm>
#include <cctype>

#include "switchboard/carriers/phone.hpp"

namespace switchboard::teams {
namespace {

const std::vector<command_spec> table = {
    {command_kind::help, "help", "help", "Show this list.", ""},
    {command_kind::status, "status", "status",
     "Your availability, your numbers and where your conversations go.", "me.read"},
    {command_kind::available, "available", "available", "Take calls and conversations again.",
     "me.update"},
    {command_kind::away, "away", "away", "Stop ringing you; callers reach your voicemail.",
     "me.update"},
    {command_kind::provision, "provision",
     "provision <member|me> <area code|number> [-p twilio|signalwire|sandbox]",
     "Buy a number in an area code (or a given number) and give it to a teammate.",
     "numbers.manage", true},
    {command_kind::assign, "assign", "assign <member|me> <number>",
     "Give an existing number to a teammate.", "numbers.manage", true},
    {command_kind::unprovision, "unprovision", "unprovision <number>",
     "Release a number at its carrier.", "numbers.manage", true},
    {command_kind::voicemail, "voicemail", "voicemail <number> [greeting]",
     "Show a line's voicemail greeting, or set it to the text given.", ""},
    {command_kind::sms, "sms", "sms <number> <text>", "Text a customer from your business number.",
     "conversations.reply"},
    {command_kind::call, "call", "call <number>",
     "Call a customer: your phone rings first, then theirs.", "conversations.reply"},
    {command_kind::link, "link", "link [team <name>]",
     "Run in a channel: your (or a team's) customer conversations are posted here, one thread "
     "each.",
     "me.update"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Words, with "double quoted" phrases as one word.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    if (s[i] == '"') {
      auto end = s.find('"', i + 1);
      if (end == std::string_view::npos) end = s.size();
      out.emplace_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    auto start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

// The text after the first n words, as typed (spacing inside kept).
std::string rest_after(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t w = 0; w < n; ++w) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i < s.size() && s[i] == '"') {
      auto end = s.find('"', i + 1);
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    }
  }
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  auto out = std::string(s.substr(i));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

bool is_area_code(const std::string& a) {
  return a.size() == 3 && a[0] >= '2' && a[0] <= '9' &&
         std::isdigit(static_cast<unsigned char>(a[1])) &&
         std::isdigit(static_cast<unsigned char>(a[2]));
}

std::optional<std::string> phone(const std::string& text) {
  auto n = carriers::normalize_e164(text);
  if (!n) return std::nullopt;
  return *n;
}

parse_outcome usage(command_kind k, std::string why) {
  auto& s = spec_of(k);
  return {std::nullopt, why + ". Usage: " + std::string(s.usage)};
}

parse_outcome ok(command c) { return {std::move(c), {}}; }

}  // namespace

const std::vector<command_spec>& command_table() { return table; }

const command_spec& spec_of(command_kind k) {
  return *std::find_if(table.begin(), table.end(), [k](auto& s) { return s.kind == k; });
}

parse_outcome parse_command(std::string_view text) {
  auto w = words(text);
  if (w.empty()) return ok(command{});  // kind defaults to help
  auto name = lower(w[0]);
  auto it = std::find_if(table.begin(), table.end(), [&](auto& s) { return s.name == name; });
  if (it == table.end())
    return {std::nullopt, "I don't know \"" + w[0] + "\". Type help for what I can do."};
  command c;
  c.kind = it->kind;
  auto args = w.size() - 1;
  switch (c.kind) {
    case command_kind::help:
    case command_kind::status:
    case command_kind::available:
    case command_kind::away:
      if (args) return usage(c.kind, std::string(it->name) + " takes no arguments");
      return ok(c);
    case command_kind::provision: {
      if (args < 2) return usage(c.kind, "Say who gets the number and where");
      c.member = w[1];
      if (is_area_code(w[2])) {
        c.area_code = w[2];
      } else if (auto n = phone(w[2])) {
        c.number = *n;
      } else {
        return usage(c.kind, "\"" + w[2] + "\" is neither a 3-digit area code nor a phone number");
      }
      std::size_t i = 3;
      if (i < w.size() && (w[i] == "-p" || w[i] == "--provider")) {
        if (i + 1 >= w.size()) return usage(c.kind, "-p needs a carrier");
        c.carrier = lower(w[i + 1]);
        if (c.carrier != "twilio" && c.carrier != "signalwire" && c.carrier != "sandbox")
          return usage(c.kind, "the carrier must be twilio, signalwire or sandbox");
        i += 2;
      }
      if (i != w.size()) return usage(c.kind, "Unexpected \"" + w[i] + "\"");
      return ok(c);
    }
    case command_kind::assign: {
      if (args != 2) return usage(c.kind, "Say who and which number");
      c.member = w[1];
      auto n = phone(w[2]);
      if (!n) return usage(c.kind, "\"" + w[2] + "\" is not a phone number");
      c.number = *n;
      return ok(c);
    }
    case command_kind::unprovision:
    case command_kind::call: {
      if (args != 1) return usage(c.kind, "Say which number");
      auto n = phone(w[1]);
      if (!n) return usage(c.kind, "\"" + w[1] + "\" is not a phone number");
      c.number = *n;
      return ok(c);
    }
    case command_kind::voicemail:
    case command_kind::sms: {
      if (args < 1) return usage(c.kind, "Say which number");
      auto n = phone(w[1]);
      if (!n) return usage(c.kind, "\"" + w[1] + "\" is not a phone number");
      c.number = *n;
      c.text = rest_after(text, 2);
      if (c.kind == command_kind::sms && c.text.empty()) return usage(c.kind, "Say what to send");
      return ok(c);
    }
    case command_kind::link:
      if (args == 0) return ok(c);
      if (lower(w[1]) != "team" || args < 2) return usage(c.kind, "Say link, or link team <name>");
      c.team = rest_after(text, 2);
      if (!c.team.empty() && c.team.front() == '"' && c.team.back() == '"' && c.team.size() >= 2)
        c.team = c.team.substr(1, c.team.size() - 2);
      return ok(c);
  }
  return {std::nullopt, "Type help for what I can do."};
}

std::string help_text() {
  std::string out = "Here is what I can do:\n\n";
  for (auto& s : table) {
    out += "- **" + std::string(s.usage) + "**: " + std::string(s.summary);
    if (s.admin) out += " (admins)";
    out += "\n";
  }
  out +=
      "\nIn a conversation's thread, what you write goes to the customer; start with ;; for a "
      "private note.";
  return out;
}

std::string clean_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    if (html.substr(i, 3) == "<at" &&
        (i + 3 >= html.size() || html[i + 3] == '>' || html[i + 3] == ' ')) {
      // A mention: drop it with its text (the bot's name).
      auto end = html.find("</at>", i);
      i = end == std::string_view::npos ? html.size() : end + 5;
      continue;
    }
    if (html[i] == '<') {
      auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      auto tag = lower(html.substr(i, end - i + 1));
      if (tag.starts_with("<br") || tag.starts_with("</p") || tag.starts_with("</div")) out += '\n';
      i = end + 1;
      continue;
    }
    if (html[i] == '&') {
      static const std::pair<std::string_view, char> entities[] = {
          {"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},  {"&quot;", '"'},
          {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
      bool matched = false;
      for (auto& [name, ch] : entities)
        if (html.substr(i, name.size()) == name) {
          out += ch;
          i += name.size();
          matched = true;
          break;
        }
      if (matched) continue;
    }
    out += html[i++];
  }
  auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = out.find_last_not_of(" \t\r\n");
  return out.substr(first, last - first + 1);
}

}  // namespace switchboard::teams
