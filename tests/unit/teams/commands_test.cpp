// The bot's command parser, table-tested; help comes from the same table.
#include "switchboard/teams/commands.hpp"

#include <gtest/gtest.h>

namespace t = switchboard::teams;
using k = t::command_kind;

namespace {
struct parsed_case {
  // A constructor, not an aggregate: most rows leave the trailing fields out.
  parsed_case(std::string input, bool ok, k kind, std::string member = "", std::string number = "",
              std::string area_code = "", std::string carrier = "", std::string text = "", std::string team = "")
      : input(std::move(input)), ok(ok), kind(kind), member(std::move(member)), number(std::move(number)),
        area_code(std::move(area_code)), carrier(std::move(carrier)), text(std::move(text)), team(std::move(team)) {}
  std::string input;
  bool ok;
  k kind;
  std::string member, number, area_code, carrier, text, team;
};
}  // namespace

TEST(teams_commands, parse_table) {
  const std::vector<parsed_case> cases = {
      {"", true, k::help},
      {"help", true, k::help},
      {"HELP", true, k::help},
      {"status", true, k::status},
      {"available", true, k::available},
      {"away", true, k::away},
      {"away now", false, k::away},
      {"provision me 415", true, k::provision, "me", "", "415"},
      {"provision dana@example.com 510 -p twilio", true, k::provision, "dana@example.com", "",
       "510", "twilio"},
      {"provision \"Dana Scully\" +1 (415) 555-0123 -p SignalWire", false, k::provision},
      {"provision Dana +14155550123 -p signalwire", true, k::provision, "Dana", "+14155550123", "",
       "signalwire"},
      {"provision me 415 -p bandwidth", false, k::provision},
      {"provision me 115", false, k::provision},
      {"provision me", false, k::provision},
      {"provision me 415 extra", false, k::provision},
      {"assign amy +14155550101", true, k::assign, "amy", "+14155550101"},
      {"assign amy", false, k::assign},
      {"assign amy not-a-number", false, k::assign},
      {"unprovision +14155550101", true, k::unprovision, "", "+14155550101"},
      {"unprovision", false, k::unprovision},
      {"voicemail +14155550101", true, k::voicemail, "", "+14155550101"},
      {"voicemail +14155550101 Hi, leave a message.", true, k::voicemail, "", "+14155550101", "",
       "", "Hi, leave a message."},
      {"sms +14155550199 Your order  is ready", true, k::sms, "", "+14155550199", "", "",
       "Your order  is ready"},
      {"sms +14155550199", false, k::sms},
      {"call +14155550199", true, k::call, "", "+14155550199"},
      {"call 12", false, k::call},
      {"link", true, k::link},
      {"link team Support Desk", true, k::link, "", "", "", "", "", "Support Desk"},
      {"link team", false, k::link},
      {"link channel", false, k::link},
      {"dance", false, k::help},
  };
  for (auto& c : cases) {
    auto r = t::parse_command(c.input);
    ASSERT_EQ(r.cmd.has_value(), c.ok) << c.input << ": " << r.error;
    if (!c.ok) {
      EXPECT_FALSE(r.error.empty()) << c.input;
      continue;
    }
    EXPECT_EQ(r.cmd->kind, c.kind) << c.input;
    EXPECT_EQ(r.cmd->member, c.member) << c.input;
    EXPECT_EQ(r.cmd->number, c.number) << c.input;
    EXPECT_EQ(r.cmd->area_code, c.area_code) << c.input;
    EXPECT_EQ(r.cmd->carrier, c.carrier) << c.input;
    EXPECT_EQ(r.cmd->text, c.text) << c.input;
    EXPECT_EQ(r.cmd->team, c.team) << c.input;
  }
}

TEST(teams_commands, errors_carry_the_usage_line) {
  auto r = t::parse_command("assign amy");
  EXPECT_NE(r.error.find("assign <member|me> <number>"), std::string::npos) << r.error;
  EXPECT_NE(t::parse_command("dance").error.find("help"), std::string::npos);
}

TEST(teams_commands, help_lists_every_command_and_marks_admin_ones) {
  auto help = t::help_text();
  for (auto& spec : t::command_table()) {
    EXPECT_NE(help.find(std::string(spec.usage)), std::string::npos) << spec.name;
    auto line_start = help.find(std::string(spec.usage));
    auto line = help.substr(line_start, help.find('\n', line_start) - line_start);
    EXPECT_EQ(line.find("(admins)") != std::string::npos, spec.admin) << line;
  }
  EXPECT_TRUE(t::spec_of(k::provision).admin);
  EXPECT_EQ(t::spec_of(k::unprovision).permission, "numbers.manage");
  EXPECT_FALSE(t::spec_of(k::sms).admin);
}

TEST(teams_commands, clean_text_drops_mentions_tags_and_entities) {
  EXPECT_EQ(t::clean_text("<at>Switchboard</at> provision me 415"), "provision me 415");
  EXPECT_EQ(
      t::clean_text("<p><at>Switchboard</at>&nbsp;sms +14155550199 Tom &amp; Jerry&#39;s</p>"),
      "sms +14155550199 Tom & Jerry's");
  EXPECT_EQ(t::clean_text("<div>Hello<br>there</div>"), "Hello\nthere");
  EXPECT_EQ(t::clean_text("  plain  "), "plain");
  EXPECT_EQ(t::clean_text("a < b"),
            "a");  // an unclosed tag ends the text rather than leaking markup
  EXPECT_EQ(t::clean_text("<attachment id=\"1\"></attachment>hi"), "hi");
}
