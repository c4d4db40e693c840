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

}  // namespace

CONTRACT_SUITE(routing_contract);

}  // namespace contract
