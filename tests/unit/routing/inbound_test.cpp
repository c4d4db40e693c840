// The decisions behind a customer's text or call (routing/inbound.hpp and the
// sender classification in routing/sms.hpp), table by table, without sockets or SQL.
#include "switchboard/routing/inbound.hpp"

#include <gtest/gtest.h>

#include "switchboard/routing/sms.hpp"

namespace sb = switchboard;
using namespace std::chrono_literals;
using sb::routing::inbound_kind;

namespace {

sb::routing::business_hours weekdays_nine_to_five() {
  sb::routing::business_hours h;  // UTC
  for (int d = 0; d < 5; ++d) h.week[d] = {{9 * 60, 17 * 60}};
  return h;
}

// 2026-12-07 is a Monday.
std::chrono::system_clock::time_point monday_at(int hour, int minute = 0) {
  using namespace std::chrono;
  return sys_days{year{2026} / December / 7} + hours(hour) + minutes(minute);
}

}  // namespace

// One classification for both channels: the SMS and the voice webhooks ask the
// same function with the same facts. Before issue 17 voice decided on its own and
// never refused another teammate's phone (the rows marked "voice disagreed").
TEST(routing_inbound, a_sender_is_classified_the_same_for_a_text_and_a_call) {
  struct row {
    bool number_known, our_line, owner_phone, teammate_phone;
    inbound_kind expected;
    const char* why;
  };
  const row rows[] = {
      {false, false, false, false, inbound_kind::unknown_number, "not one of our lines"},
      {false, true, false, false, inbound_kind::unknown_number, "unknown line wins over everything"},
      {true, false, false, false, inbound_kind::customer, "a stranger is a customer"},
      {true, true, false, false, inbound_kind::loop, "one of our lines: the loop guard"},
      {true, true, true, false, inbound_kind::loop, "a line is never its own owner's phone"},
      {true, false, true, false, inbound_kind::owner, "the owner's own phone"},
      {true, false, true, true, inbound_kind::owner, "the owner is also a teammate"},
      {true, false, false, true, inbound_kind::other_teammate, "another teammate's phone (voice disagreed)"},
      {true, true, false, true, inbound_kind::loop, "loop before teammate (voice disagreed)"},
  };
  for (const auto& r : rows) {
    sb::routing::inbound_facts f{.number_known = r.number_known,
                                 .from_is_our_line = r.our_line,
                                 .from_is_owner_phone = r.owner_phone,
                                 .from_is_teammate_phone = r.teammate_phone};
    EXPECT_EQ(sb::routing::classify_inbound(f), r.expected) << r.why;
  }
}

TEST(routing_inbound, a_message_lands_in_the_newest_conversation_unless_it_was_resolved_and_the_workspace_starts_anew) {
  struct row {
    std::optional<std::string> latest;
    bool new_after_resolved;
    bool reuse, already_open;
  };
  const row rows[] = {
      {std::nullopt, false, false, false},  // first contact on this line: a new conversation
      {std::nullopt, true, false, false},
      {"open", false, true, true},
      {"pending", false, true, true},
      {"snoozed", false, true, false},  // reused, and the message wakes it
      {"resolved", false, true, false},  // reopened (routing.after_resolved = reopen)
      {"open", true, true, true},
      {"snoozed", true, true, false},
      {"resolved", true, false, false},  // routing.after_resolved = new
  };
  for (const auto& r : rows) {
    auto c = sb::routing::choose_thread({r.latest, r.new_after_resolved});
    auto label = r.latest.value_or("none") + (r.new_after_resolved ? " / new" : " / reopen");
    EXPECT_EQ(c.reuse, r.reuse) << label;
    EXPECT_EQ(c.already_open, r.already_open) << label;
  }
}

TEST(routing_inbound, a_new_conversation_goes_to_the_lines_teammate_or_its_team) {
  struct row {
    std::optional<std::int64_t> teammate, team;
    bool round_robin;
    std::optional<std::int64_t> assignee, assigned_team;
    bool picks_in_turn;
  };
  const row rows[] = {
      {7, std::nullopt, false, 7, std::nullopt, false},      // a teammate's line
      {7, std::nullopt, true, 7, std::nullopt, false},       // round robin means nothing without a team
      {std::nullopt, 3, false, std::nullopt, 3, false},      // a shared line: the team's queue
      {std::nullopt, 3, true, std::nullopt, 3, true},        // the team hands out in turn
      {std::nullopt, std::nullopt, false, std::nullopt, std::nullopt, false},  // unowned: unassigned
  };
  for (const auto& r : rows) {
    auto a = sb::routing::assign_new_conversation({r.teammate, r.team, r.round_robin});
    EXPECT_EQ(a.assignee_id, r.assignee);
    EXPECT_EQ(a.team_id, r.assigned_team);
    EXPECT_EQ(a.round_robin, r.picks_in_turn);
  }
}

TEST(routing_inbound, a_shared_line_answers_once_per_closed_period) {
  auto hours = weekdays_nine_to_five();
  auto friday_evening = monday_at(18) - 72h;  // Friday 18:00: closed since 17:00
  struct row {
    const char* why;
    bool team_line, textable, has_hours;
    std::chrono::system_clock::time_point now;
    std::optional<std::chrono::system_clock::time_point> last;
    std::optional<std::string> configured;
    std::optional<std::string> expected;
  };
  const std::string dflt = sb::routing::default_after_hours_reply;
  const row rows[] = {
      {"closed, never answered", true, true, true, monday_at(20), std::nullopt, std::nullopt, dflt},
      {"the team's own text", true, true, true, monday_at(20), std::nullopt, "Back at 9", "Back at 9"},
      {"open: nothing", true, true, true, monday_at(10), std::nullopt, std::nullopt, std::nullopt},
      {"already answered tonight", true, true, true, monday_at(22), monday_at(20), std::nullopt, std::nullopt},
      {"answered last Friday, closed again", true, true, true, monday_at(20), friday_evening, std::nullopt, dflt},
      {"answered before today's opening, still night", true, true, true, monday_at(7), monday_at(6), std::nullopt,
       std::nullopt},
      {"a teammate's line never auto-answers", false, true, true, monday_at(20), std::nullopt, std::nullopt,
       std::nullopt},
      {"a short code cannot take a text", true, false, true, monday_at(20), std::nullopt, std::nullopt, std::nullopt},
      {"no hours set: always open", true, true, false, monday_at(20), std::nullopt, std::nullopt, std::nullopt},
  };
  for (const auto& r : rows) {
    sb::routing::after_hours_facts f;
    f.team_line = r.team_line;
    f.sender_textable = r.textable;
    if (r.has_hours) f.hours = hours;
    f.now = r.now;
    f.last_reply = r.last;
    f.configured_reply = r.configured;
    EXPECT_EQ(sb::routing::after_hours_reply(f), r.expected) << r.why;
  }
}

TEST(routing_inbound, a_text_is_forwarded_to_the_owners_phone_only_when_they_asked_for_it) {
  struct row {
    const char* why;
    std::string forwarding;
    std::optional<std::string> phone;
    std::string text;
    std::size_t attachments;
    std::optional<std::string> expected_body;
  };
  const row rows[] = {
      {"forwarding on", "phone", "+14155550100", "Is my order ready?", 0, "@2 Dana: Is my order ready?"},
      {"with pictures", "phone", "+14155550100", "Look", 2, "@2 Dana: Look [2 attachment(s)]"},
      {"a picture alone", "phone", "+14155550100", "", 1, "@2 Dana: [1 attachment(s)]"},
      {"forwarding off", "none", "+14155550100", "hi", 0, std::nullopt},
      {"no phone to forward to", "phone", std::nullopt, "hi", 0, std::nullopt},
      {"an empty phone", "phone", "", "hi", 0, std::nullopt},
  };
  for (const auto& r : rows) {
    auto relay = sb::routing::forward_to_phone({r.forwarding, r.phone, 2, "Dana", r.text, r.attachments});
    ASSERT_EQ(relay.has_value(), r.expected_body.has_value()) << r.why;
    // The question a service asks before it allocates a selector agrees.
    EXPECT_EQ(sb::routing::forwards_to_phone(r.forwarding, r.phone), relay.has_value()) << r.why;
    if (!relay) continue;
    EXPECT_EQ(relay->to, *r.phone) << r.why;
    EXPECT_EQ(relay->body, *r.expected_body) << r.why;
  }
}

TEST(routing_inbound, a_delivery_status_only_moves_forward) {
  struct row {
    const char* current;
    const char* reported;
    std::optional<std::string> expected;
  };
  const row rows[] = {
      {"queued", "sent", "sent"},
      {"queued", "accepted", std::nullopt},  // same rank: nothing to write
      {"queued", "sending", std::nullopt},
      {"queued", "delivered", "delivered"},
      {"sent", "delivered", "delivered"},
      {"delivered", "sent", std::nullopt},  // a late "sent" never overwrites "delivered"
      {"delivered", "failed", std::nullopt},
      {"sent", "undelivered", "failed"},    // the carrier's word mapped to ours
      {"failed", "undelivered", std::nullopt},
      {"failed", "delivered", "delivered"},  // a carrier that retried on its own
      {"delivered", "read", "read"},
      {"read", "delivered", std::nullopt},
      {"received", "sent", "sent"},          // not a status a carrier reports: anything moves it
      {"sent", "bogus", std::nullopt},       // unknown words never change anything
  };
  for (const auto& r : rows)
    EXPECT_EQ(sb::routing::next_message_status(r.current, r.reported), r.expected)
        << r.current << " <- " << r.reported;
  EXPECT_LT(sb::routing::message_status_rank("bogus"), 0);
  EXPECT_LT(sb::routing::message_status_rank(""), 0);
  EXPECT_GE(sb::routing::message_status_rank("accepted"), 0);
}
