// Contract: conversations, the inbox's list and its filters, canned responses, labels.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

using filter = st::conversations::list_filter;

class conversations_contract : public contract_test {
 protected:
  std::vector<id_t> list_ids(const filter& f, id_t ws = 0) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> ids;
      for (auto& c : u.conversations().list(ws ? ws : ws_, f)) ids.push_back(c.id);
      return ids;
    });
  }
  void patch(id_t id, const st::conversations::patch& p) {
    write([&](st::unit_of_work& u) { u.conversations().update(ws_, id, p, t(100)); });
  }
};

TEST_P(conversations_contract, insert_and_find_round_trip) {
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto id = write([&](st::unit_of_work& u) {
    st::conversation c;
    c.workspace_id = ws_;
    c.contact_id = k;
    c.status = "pending";
    c.priority = "high";
    c.assignee_id = owner_;
    c.channel = "sms";
    c.subject = "Billing";
    c.labels = {"vip", "billing"};
    c.created_at = t(5);
    return u.conversations().insert(c);
  });
  auto c = read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id); });
  ASSERT_TRUE(c);
  EXPECT_EQ(c->contact_id, k);
  EXPECT_EQ(c->contact_name, "Ada");
  EXPECT_EQ(c->contact_phone, "+14155550100");
  EXPECT_EQ(c->status, "pending");
  EXPECT_EQ(c->priority, "high");
  EXPECT_EQ(c->assignee_id, owner_);
  EXPECT_EQ(c->channel, "sms");
  EXPECT_EQ(c->subject, "Billing");
  EXPECT_EQ(c->labels, (std::vector<std::string>{"billing", "vip"}));  // by name
  EXPECT_EQ(c->created_at, t(5));
  EXPECT_FALSE(c->last_message_at);
  EXPECT_EQ(c->unread_count, 0);
}

TEST_P(conversations_contract, another_workspace_does_not_see_it) {
  auto other = store_->add_workspace("Other");
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto theirs = add_conversation(other, add_contact(other, "Bob"), 2);
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().find(other, id));
    EXPECT_FALSE(u.conversations().find(ws_, theirs));
    EXPECT_TRUE(u.conversations().find(other, theirs));
  });
  EXPECT_EQ(list_ids({}), std::vector<id_t>{id});
  EXPECT_EQ(list_ids({}, other), std::vector<id_t>{theirs});
  // An update naming the wrong workspace changes nothing.
  write([&](st::unit_of_work& u) {
    st::conversations::patch p;
    p.status = "resolved";
    u.conversations().update(other, id, p, t(9));
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id)->status; }),
            "open");
}

TEST_P(conversations_contract, update_applies_only_the_fields_given) {
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  st::conversations::patch p;
  p.status = "resolved";
  p.assignee_id = owner_;
  p.labels = std::vector<std::string>{"later"};
  patch(id, p);
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, id); });
  EXPECT_EQ(c.status, "resolved");
  EXPECT_EQ(c.resolved_at, t(100));
  EXPECT_EQ(c.assignee_id, owner_);
  EXPECT_EQ(c.priority, "normal");
  EXPECT_EQ(c.labels, std::vector<std::string>{"later"});
  st::conversations::patch clear;
  clear.assignee_id = std::optional<id_t>();  // set to none
  clear.status = "open";
  patch(id, clear);
  c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, id); });
  EXPECT_FALSE(c.assignee_id);
  EXPECT_FALSE(c.resolved_at);
  EXPECT_EQ(c.labels, std::vector<std::string>{"later"});  // not in the patch: kept
}

TEST_P(conversations_contract, snoozed_ones_wake_when_their_time_comes) {
  auto k = add_contact(ws_, "Ada");
  auto soon = add_conversation(ws_, k, 1), later = add_conversation(ws_, k, 2);
  st::conversations::patch p;
  p.status = "snoozed";
  p.snoozed_until = t(30);
  patch(soon, p);
  p.snoozed_until = t(90);
  patch(later, p);
  auto woke = write([&](st::unit_of_work& u) { return u.conversations().wake_snoozed(t(45)); });
  ASSERT_EQ(woke.size(), 1u);
  EXPECT_EQ(woke[0], std::make_pair(ws_, soon));
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.conversations().find(ws_, soon)->status, "open");
    EXPECT_FALSE(u.conversations().find(ws_, soon)->snoozed_until);
    EXPECT_EQ(u.conversations().find(ws_, later)->status, "snoozed");
  });
}

TEST_P(conversations_contract, the_inbox_lists_by_last_activity_newest_first) {
  auto k = add_contact(ws_, "Ada");
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2),
       c = add_conversation(ws_, k, 3);
  EXPECT_EQ(list_ids({}), (std::vector<id_t>{c, b, a}));
  // A message is activity: the oldest conversation comes first.
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, a, "hello", 10)); });
  EXPECT_EQ(list_ids({}), (std::vector<id_t>{a, c, b}));
  auto listed = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, {}); });
  EXPECT_EQ(listed[0].last_message_at, t(10));
  EXPECT_EQ(listed[0].preview, "hello");
}

TEST_P(conversations_contract, the_inbox_pages_with_a_keyset_cursor) {
  auto k = add_contact(ws_, "Ada");
  std::vector<id_t> all;
  for (int i = 0; i < 7; ++i) all.insert(all.begin(), add_conversation(ws_, k, i));
  // Two with the same activity: the higher id first, and neither lost between pages.
  auto tie = add_conversation(ws_, k, 6);
  all.insert(all.begin(), tie);
  std::vector<id_t> seen;
  filter f;
  f.limit = 3;
  for (int page = 0; page < 5; ++page) {
    auto rows = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, f); });
    for (auto& r : rows) seen.push_back(r.id);
    if (rows.size() < 3u) break;
    f.before = filter::position{rows.back().last_message_at.value_or(rows.back().created_at),
                                rows.back().id};
  }
  EXPECT_EQ(seen, all);
}

TEST_P(conversations_contract, the_inbox_filters_by_status_and_contact) {
  auto ada = add_contact(ws_, "Ada"), bob = add_contact(ws_, "Bob");
  auto a = add_conversation(ws_, ada, 1, "open");
  auto b = add_conversation(ws_, bob, 2, "resolved");
  auto c = add_conversation(ws_, ada, 3, "resolved");
  filter f;
  f.status = "resolved";
  EXPECT_EQ(list_ids(f), (std::vector<id_t>{c, b}));
  filter g;
  g.contact_id = ada;
  EXPECT_EQ(list_ids(g), (std::vector<id_t>{c, a}));
  g.status = "open";
  EXPECT_EQ(list_ids(g), std::vector<id_t>{a});
}

TEST_P(conversations_contract, the_inbox_filters_by_assignee) {
  auto k = add_contact(ws_, "Ada");
  auto other = add_teammate(ws_, "ann@acme.test");
  auto mine = add_conversation(ws_, k, 1), theirs = add_conversation(ws_, k, 2),
       nobodys = add_conversation(ws_, k, 3);
  st::conversations::patch p;
  p.assignee_id = owner_;
  patch(mine, p);
  p.assignee_id = other;
  patch(theirs, p);
  filter me;
  me.assignee = filter::who::me;
  me.assignee_id = owner_;
  EXPECT_EQ(list_ids(me), std::vector<id_t>{mine});
  filter teammate;
  teammate.assignee = filter::who::teammate;
  teammate.assignee_id = other;
  EXPECT_EQ(list_ids(teammate), std::vector<id_t>{theirs});
  filter unassigned;
  unassigned.assignee = filter::who::unassigned;
  EXPECT_EQ(list_ids(unassigned), std::vector<id_t>{nobodys});
}

TEST_P(conversations_contract, the_inbox_filters_by_team_and_label) {
  auto k = add_contact(ws_, "Ada");
  auto team =
      write([&](st::unit_of_work& u) { return u.teams().insert(ws_, "Support", true, t(0)); });
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2),
       c = add_conversation(ws_, k, 3);
  st::conversations::patch p;
  p.team_id = team;
  patch(a, p);
  patch(c, p);
  st::conversations::patch l;
  l.labels = std::vector<std::string>{"vip"};
  patch(b, l);
  patch(c, l);
  filter by_team;
  by_team.team_id = team;
  EXPECT_EQ(list_ids(by_team), (std::vector<id_t>{c, a}));
  filter by_label;
  by_label.label = "vip";
  EXPECT_EQ(list_ids(by_label), (std::vector<id_t>{c, b}));
  by_label.team_id = team;
  EXPECT_EQ(list_ids(by_label), std::vector<id_t>{c});
  by_label.team_id.reset();
  by_label.label = "nobody-uses-this";
  EXPECT_TRUE(list_ids(by_label).empty());
}

TEST_P(conversations_contract, a_conversation_keeps_its_line) {
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto line = write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    return u.numbers().insert(n);
  });
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.conversations().number_of(ws_, id); }));
  write([&](st::unit_of_work& u) { u.conversations().set_number(id, line); });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.conversations().number_of(ws_, id), line);
    EXPECT_EQ(u.teams_links().line_of_conversation(ws_, id), "+14155550199");
  });
}

TEST_P(conversations_contract, canned_responses_round_trip) {
  auto other = store_->add_workspace("Other");
  auto id = write([&](st::unit_of_work& u) {
    u.conversations().insert_canned(ws_, "thanks", "Thank you!", t(1));
    return u.conversations().insert_canned(ws_, "hello", "Hello there", t(2));
  });
  read([&](st::unit_of_work& u) {
    auto all = u.conversations().list_canned(ws_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].shortcut, "hello");  // by shortcut
    EXPECT_EQ(all[0].id, id);
    EXPECT_EQ(all[1].body, "Thank you!");
    EXPECT_EQ(u.conversations().canned_body(ws_, "thanks"), "Thank you!");
    EXPECT_FALSE(u.conversations().canned_body(other, "thanks"));
    EXPECT_TRUE(u.conversations().list_canned(other).empty());
  });
  auto changed = write([&](st::unit_of_work& u) {
    return u.conversations().update_canned(ws_, id, std::nullopt, std::string("Hi!"));
  });
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->shortcut, "hello");
  EXPECT_EQ(changed->body, "Hi!");
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().update_canned(other, id, std::string("x"), std::nullopt));
    EXPECT_FALSE(u.conversations().delete_canned(other, id));
    EXPECT_TRUE(u.conversations().delete_canned(ws_, id));
    EXPECT_FALSE(u.conversations().delete_canned(ws_, id));
  });
  EXPECT_FALSE(
      read([&](st::unit_of_work& u) { return u.conversations().canned_body(ws_, "hello"); }));
}

TEST_P(conversations_contract, a_taken_shortcut_is_a_conflict) {
  write([&](st::unit_of_work& u) { u.conversations().insert_canned(ws_, "hi", "Hi", t(1)); });
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              u.conversations().insert_canned(ws_, "hi", "Hello", t(2));
            }),
            "CONFLICT");
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().canned_body(ws_, "hi"); }),
            "Hi");
}

TEST_P(conversations_contract, labels_round_trip) {
  auto other = store_->add_workspace("Other");
  auto vip = write([&](st::unit_of_work& u) {
    u.conversations().insert_label(ws_, "urgent", "#ff0000", t(1));
    return u.conversations().insert_label(ws_, "vip", "#00ff00", t(2));
  });
  read([&](st::unit_of_work& u) {
    auto all = u.conversations().list_labels(ws_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "urgent");
    EXPECT_EQ(all[1].id, vip);
    EXPECT_EQ(all[1].color, "#00ff00");
    EXPECT_TRUE(u.conversations().list_labels(other).empty());
  });
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().delete_label(other, vip));
    EXPECT_TRUE(u.conversations().delete_label(ws_, vip));
  });
  auto left = read([&](st::unit_of_work& u) { return u.conversations().list_labels(ws_); });
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "urgent");
}

}  // namespace

CONTRACT_SUITE(conversations_contract);

}  // namespace contract
