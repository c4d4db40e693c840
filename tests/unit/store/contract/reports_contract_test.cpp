// Contract: reports (issue 21). A conversation's reporting state round-trips; rollup
// rows add up (the same key twice in one call too) and are read back per scope,
// period range, metric and period; events are narrowed by kind, time, team,
// teammate, channel, line and the conversation's label now; messages are counted
// for conversations matching a filter; the drill-down rows carry the conversation
// as it is now with its first response, last resolution, labels and rating, by
// cursor. Nothing crosses workspaces.
#include <set>
#include <stdexcept>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

namespace rp = st::reports;

class reports_contract : public contract_test {
 protected:
  rp::event event(id_t ws, id_t conversation, const std::string& kind, int minute,
                  std::optional<std::int64_t> wall = std::nullopt, std::optional<id_t> team = std::nullopt,
                  std::optional<id_t> teammate = std::nullopt, const std::string& channel = "sms") {
    rp::event e;
    e.workspace_id = ws;
    e.conversation_id = conversation;
    e.kind = kind;
    e.at = t(minute);
    e.team_id = team;
    e.teammate_id = teammate;
    e.channel = channel;
    e.wall_seconds = wall;
    if (wall) e.business_seconds = *wall / 2;
    write([&](st::unit_of_work& u) { u.reports().add_event(e); });
    return e;
  }
  std::map<std::string, std::int64_t> sums(const std::vector<rp::rollup_sum>& rows) {
    std::map<std::string, std::int64_t> out;
    for (auto& r : rows) out[r.period + "/" + r.metric + "/" + std::to_string(r.bucket)] = r.n * 1000000 + r.total;
    return out;
  }
};

TEST_P(reports_contract, a_conversations_state_round_trips_in_its_workspace) {
  auto other = store_->add_workspace("Other");
  auto ada = add_contact(ws_, "Ada");
  auto conv = add_conversation(ws_, ada, 1);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.reports().state_of(ws_, conv); }));
  rp::conversation_state s;
  s.workspace_id = ws_;
  s.conversation_id = conv;
  s.waiting_since = t(2);
  s.opened_at = t(1);
  s.responded = false;
  write([&](st::unit_of_work& u) { u.reports().save_state(s); });
  auto got = read([&](st::unit_of_work& u) { return u.reports().state_of(ws_, conv); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->waiting_since, t(2));
  EXPECT_EQ(got->opened_at, t(1));
  EXPECT_FALSE(got->responded);
  s.waiting_since.reset();
  s.responded = true;
  write([&](st::unit_of_work& u) { u.reports().save_state(s); });
  got = read([&](st::unit_of_work& u) { return u.reports().state_of(ws_, conv); });
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->waiting_since);
  EXPECT_TRUE(got->responded);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.reports().state_of(other, conv); }));
}

TEST_P(reports_contract, rollup_rows_add_up_and_are_read_by_scope_range_and_metric) {
  auto other = store_->add_workspace("Other");
  write([&](st::unit_of_work& u) {
    u.reports().add_rollups(ws_, {{"2026-03-01", "reply", "", "", 20, 1, 600},
                                  {"2026-03-01", "reply", "", "", 20, 1, 660},  // the same key twice in one call
                                  {"2026-03-01", "reply", "team", "3", 20, 1, 600},
                                  {"2026-03-02", "reply", "", "", 30, 1, 3600},
                                  {"2026-03-02", "conversation_created", "", "", -1, 1, 0},
                                  {"2026-03-05", "conversation_created", "", "", -1, 1, 0},
                                  {"2026-03-01T09", "reply", "hour", "", 20, 1, 600}});
  });
  write([&](st::unit_of_work& u) {
    u.reports().add_rollups(ws_, {{"2026-03-02", "conversation_created", "", "", -1, 2, 0}});
    u.reports().add_rollups(other, {{"2026-03-01", "reply", "", "", 20, 5, 5}});
  });
  auto all = read([&](st::unit_of_work& u) {
    return u.reports().rollups(ws_, "", "", "2026-03-01", "2026-03-04", false, {});
  });
  EXPECT_EQ(sums(all), (std::map<std::string, std::int64_t>{{"/reply/20", 2 * 1000000 + 1260},
                                                             {"/reply/30", 1 * 1000000 + 3600},
                                                             {"/conversation_created/-1", 3 * 1000000}}));
  auto by_day = read([&](st::unit_of_work& u) {
    return u.reports().rollups(ws_, "", "", "2026-03-01", "2026-03-05", true, {"conversation_created"});
  });
  EXPECT_EQ(sums(by_day), (std::map<std::string, std::int64_t>{{"2026-03-02/conversation_created/-1", 3 * 1000000},
                                                                {"2026-03-05/conversation_created/-1", 1000000}}));
  auto team = read([&](st::unit_of_work& u) {
    return u.reports().rollups(ws_, "team", "3", "2026-03-01", "2026-03-31", false, {});
  });
  EXPECT_EQ(sums(team), (std::map<std::string, std::int64_t>{{"/reply/20", 1000000 + 600}}));
  auto hours = read([&](st::unit_of_work& u) {
    return u.reports().rollups(ws_, "hour", "", "2026-03-01T00", "2026-03-01T23", true, {});
  });
  EXPECT_EQ(sums(hours), (std::map<std::string, std::int64_t>{{"2026-03-01T09/reply/20", 1000000 + 600}}));
  auto theirs = read([&](st::unit_of_work& u) {
    return u.reports().rollups(other, "", "", "2026-03-01", "2026-03-01", false, {});
  });
  EXPECT_EQ(sums(theirs), (std::map<std::string, std::int64_t>{{"/reply/20", 5 * 1000000 + 5}}));
}

TEST_P(reports_contract, events_are_narrowed_by_kind_time_scope_and_label) {
  auto other = store_->add_workspace("Other");
  auto ada = add_contact(ws_, "Ada"), bob = add_contact(ws_, "Bob");
  auto agent = add_teammate(ws_, "agent@acme.test");
  auto a = add_conversation(ws_, ada, 1), b = add_conversation(ws_, bob, 2);
  write([&](st::unit_of_work& u) {
    st::conversations::patch p;
    p.labels = std::vector<std::string>{"VIP"};
    u.conversations().update(ws_, a, p, t(3));
  });
  event(ws_, a, "conversation_created", 1, std::nullopt, 7);
  event(ws_, b, "conversation_created", 2, std::nullopt, std::nullopt, std::nullopt, "chat");
  event(ws_, a, "first_response", 10, 540, 7, agent);
  event(ws_, b, "first_response", 20, 1080, std::nullopt, agent, "chat");
  event(other, a, "first_response", 10, 1);
  auto kinds = [](const std::vector<rp::event>& es) {
    std::vector<std::string> out;
    for (auto& e : es) out.push_back(e.kind + "@" + std::to_string(e.conversation_id));
    return out;
  };
  auto in = [&](rp::event_filter f, std::vector<std::string> ks = {}, int from = 0, int to = 60) {
    return read([&](st::unit_of_work& u) { return u.reports().events(ws_, f, t(from), t(to), ks); });
  };
  auto all = in({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].kind, "first_response");
  EXPECT_EQ(all[2].wall_seconds, 540);
  EXPECT_EQ(all[2].business_seconds, 270);
  EXPECT_EQ(all[2].team_id, 7);
  EXPECT_EQ(all[2].teammate_id, agent);
  EXPECT_EQ(all[2].channel, "sms");
  EXPECT_EQ(all[2].at, t(10));
  std::string fa = "first_response@" + std::to_string(a), fb = "first_response@" + std::to_string(b);
  EXPECT_EQ(kinds(in({}, {"first_response"})), (std::vector<std::string>{fa, fb}));
  EXPECT_EQ(kinds(in({}, {"first_response"}, 10, 20)), (std::vector<std::string>{fa}));  // [from, to)
  rp::event_filter team;
  team.team_id = 7;
  EXPECT_EQ(in(team).size(), 2u);
  rp::event_filter chat;
  chat.channel = "chat";
  EXPECT_EQ(kinds(in(chat, {"first_response"})), (std::vector<std::string>{fb}));
  rp::event_filter replier;
  replier.teammate_id = agent;
  EXPECT_EQ(in(replier).size(), 2u);
  rp::event_filter vip;
  vip.label = "vip";  // labels match without regard to case
  EXPECT_EQ(kinds(in(vip, {"first_response"})), (std::vector<std::string>{fa}));
  vip.channel = "chat";
  EXPECT_TRUE(in(vip).empty());
}

TEST_P(reports_contract, messages_are_counted_for_conversations_matching_a_filter) {
  auto ada = add_contact(ws_, "Ada");
  auto a = add_conversation(ws_, ada, 1), b = add_conversation(ws_, ada, 2);
  write([&](st::unit_of_work& u) {
    u.messages().insert(text(ws_, a, "hello", 3));
    u.messages().insert(text(ws_, a, "hi there", 4, "teammate"));
    auto note = text(ws_, a, "a note", 5, "teammate");
    note.is_private = true;
    note.direction = "internal";
    u.messages().insert(note);
    u.messages().insert(text(ws_, b, "other", 6));
    st::conversations::patch p;
    p.labels = std::vector<std::string>{"billing"};
    u.conversations().update(ws_, a, p, t(7));
  });
  auto ticks = [&](rp::event_filter f, int from, int to) {
    return read([&](st::unit_of_work& u) { return u.reports().messages(ws_, f, t(from), t(to)); });
  };
  auto all = ticks({}, 0, 60);
  EXPECT_EQ(all.size(), 3u);  // not the private note
  rp::event_filter billing;
  billing.label = "billing";
  auto a_only = ticks(billing, 0, 60);
  ASSERT_EQ(a_only.size(), 2u);
  int inbound = 0;
  for (auto& m : a_only) inbound += m.inbound ? 1 : 0;
  EXPECT_EQ(inbound, 1);
  EXPECT_EQ(ticks(billing, 4, 60).size(), 1u);
}

// Conversations from before the log (report_backfill, listed by the schema
// upgrade that began it): listed in workspace and id order across workspaces, a
// page at a time, and taken off once each — in its own workspace only — so two
// instances never replay one twice (services::replay_report_history replays it).
TEST_P(reports_contract, conversations_from_before_the_log_are_listed_and_taken_once) {
  auto other = store_->add_workspace("Other");
  auto ada = add_contact(ws_, "Ada"), bo = add_contact(other, "Bo");
  auto a = add_conversation(ws_, ada, 1), b = add_conversation(other, bo, 2), c = add_conversation(ws_, ada, 3);
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.reports().backfill_pending(10); }).empty());
  store_->list_for_backfill(other, b, t(8));
  store_->list_for_backfill(ws_, c, t(8));
  store_->list_for_backfill(ws_, a, t(8));
  auto first = read([&](st::unit_of_work& u) { return u.reports().backfill_pending(2); });
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].workspace_id, std::min(ws_, other));
  EXPECT_EQ(first[0].through, t(8));
  auto all = read([&](st::unit_of_work& u) { return u.reports().backfill_pending(10); });
  ASSERT_EQ(all.size(), 3u);
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LT(std::make_pair(all[i - 1].workspace_id, all[i - 1].conversation_id),
              std::make_pair(all[i].workspace_id, all[i].conversation_id));

  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.reports().take_backfill(ws_, b); }));  // not this workspace's
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.reports().take_backfill(ws_, a); }));
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.reports().take_backfill(ws_, a); }));
  // Taken in a job that then fails: the conversation stays listed.
  EXPECT_NE(write_error([&](st::unit_of_work& u) {
              u.reports().take_backfill(ws_, c);
              throw std::runtime_error("the replay failed");
            }),
            "");
  auto left = read([&](st::unit_of_work& u) { return u.reports().backfill_pending(10); });
  ASSERT_EQ(left.size(), 2u);
  std::set<id_t> ids{left[0].conversation_id, left[1].conversation_id};
  EXPECT_EQ(ids, (std::set<id_t>{b, c}));
}

TEST_P(reports_contract, drill_down_rows_carry_the_conversation_and_its_figures_by_cursor) {
  auto ada = add_contact(ws_, "Ada"), bob = add_contact(ws_, "Bob");
  auto agent = add_teammate(ws_, "agent@acme.test");
  auto a = add_conversation(ws_, ada, 1), b = add_conversation(ws_, bob, 2);
  write([&](st::unit_of_work& u) {
    st::conversations::patch p;
    p.labels = std::vector<std::string>{"vip", "billing"};
    p.assignee_id = std::optional<id_t>(agent);
    p.status = "resolved";
    u.conversations().update(ws_, a, p, t(30));
  });
  event(ws_, a, "conversation_created", 1);
  event(ws_, b, "conversation_created", 2);
  event(ws_, a, "first_response", 10, 540);
  event(ws_, a, "resolved", 20, 1140);
  event(ws_, a, "resolved", 30, 1740);  // resolved again later: the last one counts
  auto rows = read([&](st::unit_of_work& u) {
    return u.reports().conversations(ws_, {}, "conversation_created", t(0), t(60), std::nullopt, 10);
  });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, a);
  EXPECT_EQ(rows[0].status, "resolved");
  EXPECT_EQ(rows[0].contact_name, "Ada");
  EXPECT_EQ(rows[0].assignee_id, agent);
  EXPECT_EQ(rows[0].assignee_name, "agent");
  EXPECT_EQ(rows[0].labels, (std::vector<std::string>{"billing", "vip"}));
  EXPECT_EQ(rows[0].first_response_wall, 540);
  EXPECT_EQ(rows[0].first_response_business, 270);
  EXPECT_EQ(rows[0].resolution_wall, 1740);
  EXPECT_EQ(rows[0].resolution_business, 870);
  EXPECT_EQ(rows[0].event_at, t(1));
  EXPECT_EQ(rows[1].id, b);
  EXPECT_TRUE(rows[1].labels.empty());
  EXPECT_FALSE(rows[1].first_response_wall);
  EXPECT_FALSE(rows[1].csat_rating);

  auto first = read([&](st::unit_of_work& u) {
    return u.reports().conversations(ws_, {}, "conversation_created", t(0), t(60), std::nullopt, 1);
  });
  ASSERT_EQ(first.size(), 1u);
  auto next = read([&](st::unit_of_work& u) {
    return u.reports().conversations(ws_, {}, "conversation_created", t(0), t(60),
                                     std::pair<std::string, id_t>{first[0].event_at, first[0].event_id}, 1);
  });
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].id, b);
  rp::event_filter vip;
  vip.label = "VIP";
  auto resolved = read([&](st::unit_of_work& u) {
    return u.reports().conversations(ws_, vip, "resolved", t(0), t(60), std::nullopt, 10);
  });
  // One row per conversation: its later resolution in the range, else the one the
  // range holds.
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].event_at, t(30));
  auto earlier = read([&](st::unit_of_work& u) {
    return u.reports().conversations(ws_, vip, "resolved", t(0), t(25), std::nullopt, 10);
  });
  ASSERT_EQ(earlier.size(), 1u);
  EXPECT_EQ(earlier[0].event_at, t(20));
}

CONTRACT_SUITE(reports_contract);

}  // namespace
}  // namespace contract
