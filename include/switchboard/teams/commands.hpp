#pragma once
// What a teammate types to the bot, as a pure, table-driven parser. The table
// also writes `help`, so a command cannot exist without being documented.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::teams {

enum class command_kind {
  help,
  status,
  available,
  away,
  provision,
  assign,
  unprovision,
  voicemail,
  sms,
  call,
  link
};

struct command_spec {
  command_kind kind;
  std::string_view name, usage, summary;
  std::string_view
      permission;      // what the teammate needs (auth/permissions.hpp); "" = checked per case
  bool admin = false;  // shown as an admin command in help
};
const std::vector<command_spec>& command_table();
const command_spec& spec_of(command_kind k);

struct command {
  command_kind kind = command_kind::help;
  std::string member;  // provision, assign: "me", an email or a name
  std::string number;  // E.164 (provision with a number, assign, unprovision, voicemail, sms, call)
  std::string area_code;  // provision by area code
  std::string carrier;    // provision -p twilio|signalwire|sandbox ("" = the configured default)
  std::string text;       // voicemail greeting (empty = show it), sms body
  std::string team;       // link team <name> ("" = link to me)
};

struct parse_outcome {
  std::optional<command> cmd;
  std::string error;  // for the teammate: what was wrong and the usage line
};
parse_outcome parse_command(std::string_view text);

// The help text, generated from command_table().
std::string help_text();

// Teams message text as typed: <at>…</at> mentions removed, tags stripped,
// the common HTML entities decoded, whitespace trimmed.
std::string clean_text(std::string_view html);

}  // namespace switchboard::teams
