// Contract: routing state of teammates' phones, line settings, undeliverable events.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class routing_contract : public contract_test {};

TEST_P(routing_contract, line_settings_are_unset_until_patched_field_by_field) {
  auto empty =
      read([&](st::unit_of_work& u) { return u.routing().settings_of(ws_, "teammate", owner_); });
  EXPECT_FALSE(empty.business_hours || empty.voicemail_greeting || empty.after_hours_reply);
  st::routing::settings_patch p;
  p.business_hours = std::optional<std::string>(R"({"mon":["09:00","17:00"]})");
  p.voicemail_greeting = std::optional<std::string>("Leave a message");
  write(
      [&](st::unit_of_work& u) { u.routing().update_settings(ws_, "teammate", owner_, p, t(1)); });
  st::routing::settings_patch q;
  q.voicemail_greeting = std::optional<std::string>();  // cleared
  q.after_hours_reply = std::optional<std::string>("We're closed");
  write(
      [&](st::unit_of_work& u) { u.routing().update_settings(ws_, "teammate", owner_, q, t(2)); });
  auto s =
      read([&](st::unit_of_work& u) { return u.routing().settings_of(ws_, "teammate", owner_); });
  EXPECT_EQ(s.business_hours, R"({"mon":["09:00","17:00"]})");
  EXPECT_FALSE(s.voicemail_greeting);
  EXPECT_EQ(s.after_hours_reply, "We're closed");
  auto team =
      read([&](st::unit_of_work& u) { return u.routing().settings_of(ws_, "team", owner_); });
  EXPECT_FALSE(team.business_hours);
}

TEST_P(routing_contract, selectors_are_the_smallest_free_number_and_stable) {
  auto k = add_contact(ws_, "Ada");
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2);
  write([&](st::unit_of_work& u) {
    EXPECT_EQ(u.routing().selector_for(ws_, owner_, a, t(3)), 1);
    EXPECT_EQ(u.routing().selector_for(ws_, owner_, b, t(4)), 2);
    EXPECT_EQ(u.routing().selector_for(ws_, owner_, a, t(5)), 1);  // already has one
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.routing().conversation_of(owner_, 2), b);
    EXPECT_FALSE(u.routing().conversation_of(owner_, 3));
  });
}

TEST_P(routing_contract, the_sticky_conversation_is_replaced) {
  auto k = add_contact(ws_, "Ada");
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.routing().sticky_of(owner_); }));
  write([&](st::unit_of_work& u) { u.routing().set_sticky(ws_, owner_, a, t(3)); });
  write([&](st::unit_of_work& u) { u.routing().set_sticky(ws_, owner_, b, t(4)); });
  auto s = read([&](st::unit_of_work& u) { return u.routing().sticky_of(owner_); });
  ASSERT_TRUE(s);
  EXPECT_EQ(s->conversation_id, b);
  EXPECT_EQ(s->at, t(4));
}

TEST_P(routing_contract, active_conversations_on_a_line_and_the_after_hours_mark) {
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto open = add_conversation(ws_, k, 1), resolved = add_conversation(ws_, k, 2, "resolved");
  write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.owner_teammate_id = owner_;
    n.created_at = t(0);
    auto line = u.numbers().insert(n);
    u.conversations().set_number(open, line);
    u.conversations().set_number(resolved, line);
    auto active = u.routing().active_on_number(ws_, owner_, line, 10);
    ASSERT_EQ(active.size(), 1u);
    EXPECT_EQ(active[0].conversation_id, open);
    EXPECT_EQ(active[0].who, "Ada");
    EXPECT_EQ(active[0].phone, "+14155550100");
    EXPECT_FALSE(u.routing().after_hours_replied_at(ws_, open));
    u.routing().set_after_hours_replied(ws_, open, t(9));
  });
  EXPECT_EQ(
      read([&](st::unit_of_work& u) { return u.routing().after_hours_replied_at(ws_, open); }),
      t(9));
}

TEST_P(routing_contract, team_phones_are_those_of_available_members) {
  auto ann = add_teammate(ws_, "ann@acme.test"),
       bob = add_teammate(ws_, "bob@acme.test", "agent", "away");
  auto team = write([&](st::unit_of_work& u) {
    for (auto [id, phone] : {std::pair{ann, "+14155550111"}, std::pair{bob, "+14155550112"}}) {
      st::teammates::patch p;
      p.physical_number = std::optional<std::string>(phone);
      u.teammates().update(ws_, id, p, t(1));
    }
    auto id = u.teams().insert(ws_, "Support", true, t(1));
    u.teams().add_member(ws_, id, ann);
    u.teams().add_member(ws_, id, bob);
    return id;
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.routing().team_phones(ws_, team); }),
            std::vector<std::string>{"+14155550111"});
}

TEST_P(routing_contract, undeliverable_events_list_newest_first_with_unowned_ones) {
  auto other = store_->add_workspace("Other");
  write([&](st::unit_of_work& u) {
    auto ev = [](std::optional<id_t> ws, const std::string& sid, int at) {
      st::routing::undeliverable e;
      e.workspace_id = ws;
      e.carrier = "twilio";
      e.kind = "sms";
      e.sid = sid;
      e.from = "+14155550100";
      e.to = "+14155550199";
      e.reason = "no owner";
      e.body = "hello?";
      e.created_at = t(at);
      return e;
    };
    u.routing().record_undeliverable(ev(ws_, "SM1", 1));
    u.routing().record_undeliverable(ev(std::nullopt, "SM2", 2));
    u.routing().record_undeliverable(ev(other, "SM3", 3));
    u.routing().record_undeliverable(ev(ws_, "SM4", 4));
  });
  auto sids = [&](std::optional<id_t> before, int limit) {
    return read([&](st::unit_of_work& u) {
      std::vector<std::string> out;
      for (auto& e : u.routing().list_undeliverable(ws_, before, limit)) out.push_back(e.sid);
      return out;
    });
  };
  EXPECT_EQ(sids(std::nullopt, 10), (std::vector<std::string>{"SM4", "SM2", "SM1"}));
  auto first = read(
      [&](st::unit_of_work& u) { return u.routing().list_undeliverable(ws_, std::nullopt, 1); });
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].reason, "no owner");
  EXPECT_EQ(first[0].body, "hello?");
  EXPECT_EQ(sids(first[0].id, 10), (std::vector<std::string>{"SM2", "SM1"}));
}

TEST_P(routing_contract, when_all_99_selectors_are_taken_the_least_recently_used_is_taken_over) {
  auto k = add_contact(ws_, "Ada");
  auto ann = add_teammate(ws_, "ann@acme.test");
  auto convs = write([&](st::unit_of_work& u) {
    std::vector<id_t> out;
    for (int i = 0; i < 101; ++i) {
      st::conversation c;
      c.workspace_id = ws_;
      c.contact_id = k;
      c.created_at = t(0);
      out.push_back(u.conversations().insert(c));
    }
    return out;
  });
  write([&](st::unit_of_work& u) {
    for (int i = 0; i < 99; ++i)
      ASSERT_EQ(u.routing().selector_for(ws_, owner_, convs[i], t(i)), i + 1);
    EXPECT_EQ(u.routing().selector_for(ws_, owner_, convs[0], t(200)), 1);  // used again
  });
  // Full: selector 2 (used at t(1)) is now the least recently used.
  EXPECT_EQ(write([&](st::unit_of_work& u) {
              return u.routing().selector_for(ws_, owner_, convs[99], t(201));
            }),
            2);
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.routing().conversation_of(owner_, 2), convs[99]);
    EXPECT_EQ(u.routing().conversation_of(owner_, 1), convs[0]);
  });
  // The conversation that lost its selector gets the next least recently used one.
  EXPECT_EQ(write([&](st::unit_of_work& u) {
              return u.routing().selector_for(ws_, owner_, convs[1], t(202));
            }),
            3);
  // Another teammate's selectors are their own; equally old ones go smallest first.
  write([&](st::unit_of_work& u) {
    EXPECT_EQ(u.routing().selector_for(ws_, ann, convs[0], t(5)), 1);
    for (int i = 1; i < 99; ++i) u.routing().selector_for(ws_, ann, convs[i], t(5));
    EXPECT_EQ(u.routing().selector_for(ws_, ann, convs[100], t(6)), 1);
    EXPECT_EQ(u.routing().selector_for(ws_, ann, convs[0], t(7)), 2);
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.routing().conversation_of(ann, 1); }),
            convs[100]);
}

TEST_P(routing_contract, active_conversations_are_the_teammates_or_unassigned_newest_first) {
  auto ann = add_teammate(ws_, "ann@acme.test");
  auto k = add_contact(ws_, "", {"+14155550100"});  // no name: shown by phone
  auto conv = [&](int at, const std::string& status, std::optional<id_t> assignee) {
    return write([&](st::unit_of_work& u) {
      st::conversation c;
      c.workspace_id = ws_;
      c.contact_id = k;
      c.status = status;
      c.assignee_id = assignee;
      c.created_at = t(at);
      return u.conversations().insert(c);
    });
  };
  auto old = conv(1, "open", std::nullopt), pending = conv(3, "pending", owner_),
       snoozed = conv(4, "snoozed", std::nullopt), mine = conv(5, "open", owner_),
       anns = conv(7, "open", ann), resolved = conv(8, "resolved", owner_),
       elsewhere = conv(9, "open", owner_);
  auto line_id = write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    auto id = u.numbers().insert(n);
    for (auto c : {old, pending, snoozed, mine, anns, resolved})
      u.conversations().set_number(c, id);
    return id;
  });
  (void)elsewhere;  // on no line
  auto ids = [&](int limit) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> out;
      for (auto& p : u.routing().active_on_number(ws_, owner_, line_id, limit)) {
        EXPECT_EQ(p.who, "+14155550100");
        EXPECT_EQ(p.phone, "+14155550100");
        out.push_back(p.conversation_id);
      }
      return out;
    });
  };
  EXPECT_EQ(ids(10), (std::vector<id_t>{mine, snoozed, pending, old}));
  EXPECT_EQ(ids(2), (std::vector<id_t>{mine, snoozed}));
  EXPECT_EQ(read([&](st::unit_of_work& u) {
              return u.routing().active_on_number(ws_, ann, line_id, 10).size();
            }),
            3u);  // anns, snoozed, old
}

TEST_P(routing_contract, the_last_caller_of_a_line_is_the_newest_inbound_calls) {
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto conv = add_conversation(ws_, k, 1);
  auto line_id = write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    auto id = u.numbers().insert(n);
    u.conversations().set_number(conv, id);
    return id;
  });
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.routing().last_caller(ws_, line_id); }));
  write([&](st::unit_of_work& u) {
    auto call = [&](const std::string& direction, const std::string& from, int at) {
      auto m = text(ws_, conv, "", at);
      m.channel = "voice";
      m.kind = "call";
      m.direction = direction;
      m.sender_kind = direction == "inbound" ? "contact" : "teammate";
      m.status = direction == "inbound" ? "received" : "sent";
      m.metadata = {{"from", from}, {"to", "+14155550199"}};
      u.messages().insert(m);
    };
    call("inbound", "+14155550100", 2);
    call("inbound", "+14155550111", 3);
    call("outbound", "+14155550199", 4);  // ours: not a caller
    u.messages().insert(text(ws_, conv, "a text, not a call", 5));
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.routing().last_caller(ws_, line_id), "+14155550111");
    EXPECT_FALSE(u.routing().last_caller(ws_ + 1, line_id));
  });
}

}  // namespace

CONTRACT_SUITE(routing_contract);

}  // namespace contract
